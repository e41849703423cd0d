import { normalizeGroupPath, type DashUser } from '../../api/index.js';
import type { KeycloakUser, UserGroup } from '../../keycloak/port.js';
import type { ControllerDeps, SecretValue } from '../context.js';
import type { RealmRef } from '../realm-ref.js';
import { droppedAttributes, unmatchedAttributes } from './attributes.js';
import { readPassword } from './credentials.js';
import { grantsAtCreation } from './grants-at-creation.js';
import { classifyUser, createdByUs, type UserClaim } from './ownership.js';
import type { ObservedUser, UserInputs, UserStep } from './plan.js';

/** Everything a user pass reads before it plans. */
export interface UserObservation {
  /** The Keycloak user, and whether it is the realm view's copy (planning only) or a read of its own. */
  found?: { user: KeycloakUser; source: 'view' | 'keycloak' };
  /** How the DashUser stands toward the user found first (a re-read returns the same user). */
  claim: UserClaim;
  /** The user's groups, read from Keycloak (undefined: no user). */
  groups?: UserGroup[];
  /** The user as the plan sees it (undefined: no user). */
  user?: ObservedUser;
  inputs: Omit<UserInputs, 'groupIds' | 'owner'>;
  password?: SecretValue;
  /** Keys of spec.attributes the user profile drops. */
  dropped: string[];
}

/** Finds the user (by recorded id, from the realm view when it knows it; else by exact username), whose it is, its groups and the plan's inputs. */
export async function observeUser(ref: RealmRef, user: DashUser, deps: ControllerDeps): Promise<UserObservation> {
  const found = await findUser(ref, user);
  const claim = classifyUser(user, found?.user);
  const groups = found ? await readUserGroups(ref, found.user.id) : undefined;
  return observeWith(ref, user, found, claim, groups, deps);
}

/** The user's groups read from Keycloak; the realm view's memberships learn them too. */
export async function readUserGroups(ref: RealmRef, userId: string): Promise<UserGroup[]> {
  const groups = await ref.kc.listUserGroups(ref.name, userId);
  ref.view.recordMembership({ kind: 'userGroups', userId, paths: groups.map((g) => normalizeGroupPath(g.path)) });
  return groups;
}

/** The user read from Keycloak itself when the plan on the view's copy has steps; undefined when that plan stands. */
export async function rereadUser(ref: RealmRef, user: DashUser, steps: readonly UserStep[], viewed: UserObservation, deps: ControllerDeps): Promise<UserObservation | undefined> {
  if (viewed.found?.source !== 'view' || steps.length === 0) return undefined;
  const id = viewed.found.user.id;
  const fresh = await ref.kc.getUser(ref.name, id);
  if (!fresh) throw new Error(`Keycloak user ${user.spec.username} (${id}) vanished while planning: trying again`);
  return observeWith(ref, user, { user: fresh, source: 'keycloak' }, viewed.claim, viewed.groups, deps);
}

async function observeWith(ref: RealmRef, user: DashUser, found: UserObservation['found'], claim: UserClaim, groups: UserGroup[] | undefined, deps: ControllerDeps): Promise<UserObservation> {
  const observed = found && groups ? toObserved(found.user, groups) : undefined;
  return { found, claim, groups, user: observed, ...await gatherInputs(ref, user, found?.user, observed, deps) };
}

/**
 * The plan's inputs that need a read: the password Secret (to create, to rotate, or while the
 * initial password is not given yet; a Secret deleted after that must not block the user),
 * whether a user we created has a password already (only while status records none), which
 * spec.attributes keys the user profile drops (read only when some differ, or to create), and,
 * to create, the roles bindings recorded for the user (it is created holding them).
 */
async function gatherInputs(ref: RealmRef, user: DashUser, current: KeycloakUser | undefined, observed: ObservedUser | undefined, deps: ControllerDeps) {
  const spec = user.spec;
  const owned = current !== undefined && createdByUs(user, current);
  const recorded = user.status?.initialPassword?.secretVersion;
  const pending = spec.initialPassword !== undefined && recorded === undefined && owned;
  const hasPassword = pending && current ? await ref.kc.hasPassword(ref.name, current.id) : undefined;
  const needsSecret = spec.initialPassword && (!observed || spec.initialPassword.rotateOnChange || pending);
  const password = needsSecret ? await readPassword(user, deps) : undefined;
  // Before a create every key is a candidate: the condition is right from the first pass.
  const unmatched = observed ? unmatchedAttributes(spec, observed.fields) : Object.keys(spec.attributes ?? {}).sort();
  const dropped = unmatched.length > 0 ? droppedAttributes(unmatched, await ref.kc.readUserProfilePolicy(ref.name)) : [];
  const grants = observed ? undefined : await grantsAtCreation(ref, user, deps);
  const inputs: UserObservation['inputs'] = {
    owned, hasPassword, droppedAttributes: new Set(dropped), grants,
    passwordVersion: password?.version, appliedPasswordVersion: recorded,
    actionsEmailSent: user.status?.executeActionsEmailSentAt !== undefined,
  };
  return { inputs, password, dropped };
}

/** The user by the id status recorded (from the realm view when it knows it), else by exact username. */
async function findUser(ref: RealmRef, user: DashUser): Promise<UserObservation['found']> {
  const known = user.status?.keycloakId;
  const viewed = known ? await ref.view.user(known) : undefined;
  if (viewed) return { user: viewed, source: 'view' };
  const byId = known ? await ref.kc.getUser(ref.name, known) : undefined;
  const found = byId ?? await ref.kc.findUserByUsername(ref.name, user.spec.username);
  return found && { user: found, source: 'keycloak' };
}

function toObserved(found: KeycloakUser, groups: readonly UserGroup[]): ObservedUser {
  return {
    id: found.id,
    fields: found,
    groups: new Map(groups.map((g) => [normalizeGroupPath(g.path), g.id])),
  };
}
