import { normalizeGroupPath, ownerMark, type DashUser, type DashUserStatus } from '../../api/index.js';
import type { KeycloakUser, UserGroup } from '../../keycloak/port.js';
import type { ReconcileResult } from '../../runtime/index.js';
import type { ControllerDeps } from '../context.js';
import { conflict, waitFor } from '../errors.js';
import { resolveRealm, type RealmRef } from '../realm-ref.js';
import { applyUserSteps } from './apply.js';
import { attributesCondition, droppedAttributes, unmatchedAttributes } from './attributes.js';
import { readPassword } from './credentials.js';
import { classifyUser, createdByUs } from './ownership.js';
import { planUser, type ObservedUser, type UserInputs } from './plan.js';
import { userStatus } from './status.js';

export { finalizeUser } from './finalize.js';

/**
 * Reconciles one DashUser: resolve realm and groups (waiting for missing ones), find the
 * user by recorded id or exact username, plan and apply, then report roles, sessions and
 * whether a logout is pending, and which spec.attributes keys Keycloak drops.
 */
export async function reconcileUser(user: DashUser, deps: ControllerDeps): Promise<ReconcileResult<DashUserStatus>> {
  const namespace = user.metadata.namespace ?? '';
  const ref = await resolveRealm(namespace, user.spec.realmRef, deps);
  const groupIds = await resolveGroups(user, ref, deps);
  refuseSecondClaim(user, deps);
  // Plan on the realm view's copy of the user when it has one; a plan with steps is made again
  // on a fresh read, so nothing is written on the strength of a copy up to a TTL old.
  let found = await findUser(ref, user);
  const claim = classifyUser(user, found?.user);
  const groups = found ? await ref.kc.listUserGroups(ref.name, found.user.id) : undefined;
  const planFor = async (current: KeycloakUser | undefined) => {
    const observed = current && groups ? observeUser(current, groups) : undefined;
    const gathered = await gatherInputs(ref, user, current, observed, deps);
    const steps = planUser(user.spec, observed, { groupIds, owner: ownerMark(user), ...gathered.inputs });
    return { observed, steps, ...gathered };
  };
  let planned = await planFor(found?.user);
  if (found?.source === 'view' && planned.steps.length > 0) {
    const fresh = await ref.kc.getUser(ref.name, found.user.id);
    if (!fresh) throw new Error(`Keycloak user ${user.spec.username} (${found.user.id}) vanished while planning: trying again`);
    found = { user: fresh, source: 'keycloak' };
    planned = await planFor(fresh);
  }
  const { observed, password, steps, inputs, dropped } = planned;
  const applied = await applyUserSteps(ref, user, observed?.id, steps, password?.value, deps);
  const status = await userStatus(ref, user, applied, { groups, createdMs: found?.user.createdTimestamp }, deps);
  status.adopted = claim === 'adopted' || (claim === 'known' && (user.status?.adopted ?? true));
  // Recorded only once Keycloak holds it: a password set by a pass whose status write was lost
  // (or by the user) counts as given, so it is never set twice.
  if (password && (applied.passwordSet || (inputs.hasPassword && !status.initialPassword))) {
    status.initialPassword = { setAt: deps.now().toISOString(), secretVersion: password.version };
  }
  return {
    status, events: applied.events, conditions: attributesCondition(user.spec, ref.name, dropped),
    requeueAfterMs: status.logoutPending ? LOGOUT_RECHECK_MS : undefined,
  };
}

/** While a logout is pending, sessions are re-checked this often (they clear when users log in again). */
export const LOGOUT_RECHECK_MS = 30_000;

/**
 * The plan's inputs that need a read: the password Secret (to create, to rotate, or while the
 * initial password is not given yet; a Secret deleted after that must not block the user),
 * whether a user we created has a password already (only while status records none), and
 * which spec.attributes keys the user profile drops (read only when some differ, or to create).
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
  const inputs: Omit<UserInputs, 'groupIds' | 'owner'> = {
    owned, hasPassword, droppedAttributes: new Set(dropped),
    passwordVersion: password?.version, appliedPasswordVersion: recorded,
    actionsEmailSent: user.status?.executeActionsEmailSentAt !== undefined,
  };
  return { inputs, password, dropped };
}

/** Desired group path -> id; a group that does not exist yet is a wait naming it. */
async function resolveGroups(user: DashUser, ref: RealmRef, deps: ControllerDeps): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [index, entry] of (user.spec.groups ?? []).entries()) {
    if (entry.name !== undefined) {
      const group = deps.cache.get('DashGroup', user.metadata.namespace ?? '', entry.name);
      if (!group?.status?.keycloakId || !group.status.path) {
        throw waitFor('WaitingForGroup', `spec.groups[${index}]: DashGroup ${entry.name} ${group ? 'is not Ready yet' : 'does not exist yet'}`);
      }
      ids.set(group.status.path, group.status.keycloakId);
    } else if (entry.path !== undefined) {
      const path = normalizeGroupPath(entry.path);
      const group = await ref.kc.findGroupByPath(ref.name, path);
      if (!group) throw waitFor('WaitingForGroup', `spec.groups[${index}]: group ${path} does not exist in realm ${ref.name} yet`);
      ids.set(path, group.id);
    }
  }
  return ids;
}

function refuseSecondClaim(user: DashUser, deps: ControllerDeps): void {
  const other = deps.cache.list('DashUser', user.metadata.namespace).find((u) =>
    u.metadata.name !== user.metadata.name && u.spec.realmRef.name === user.spec.realmRef.name
    && u.spec.username === user.spec.username && u.status?.keycloakId !== undefined);
  if (other) throw conflict(`Keycloak user ${user.spec.username} is already managed by DashUser ${other.metadata.name}`);
}

/** The user by the id status recorded (from the realm view when it knows it), else by exact username. */
async function findUser(ref: RealmRef, user: DashUser): Promise<{ user: KeycloakUser; source: 'view' | 'keycloak' } | undefined> {
  const known = user.status?.keycloakId;
  const viewed = known ? await ref.view.user(known) : undefined;
  if (viewed) return { user: viewed, source: 'view' };
  const byId = known ? await ref.kc.getUser(ref.name, known) : undefined;
  const found = byId ?? await ref.kc.findUserByUsername(ref.name, user.spec.username);
  return found && { user: found, source: 'keycloak' };
}

function observeUser(found: KeycloakUser, groups: readonly UserGroup[]): ObservedUser {
  return {
    id: found.id,
    fields: found,
    groups: new Map(groups.map((g) => [normalizeGroupPath(g.path), g.id])),
  };
}
