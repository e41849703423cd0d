import { ANNOTATIONS, REASONS, USER_OWNER_ATTRIBUTE, effectiveDeletionPolicy, normalizeGroupPath, type DashUser, type DashUserStatus } from '../../api/index.js';
import type { KeycloakUser, UserGroup } from '../../keycloak/port.js';
import type { ControllerDeps, EventRequest, FinalizeOutput, ReconcileOutput } from '../context.js';
import { ReconcileError, ReconcileOutcome, conflict, waitFor } from '../errors.js';
import { realmGone, resolveRealm, type RealmRef } from '../realm-ref.js';
import { applyUserSteps } from './apply.js';
import { planUser, type ObservedUser } from './plan.js';
import { userStatus } from './status.js';

/**
 * Reconciles one DashUser: resolve realm and groups (waiting for missing ones), find the
 * user by recorded id or exact username, plan and apply, then report roles, sessions and
 * whether a logout is pending.
 */
export async function reconcileUser(user: DashUser, deps: ControllerDeps): Promise<ReconcileOutput<DashUserStatus>> {
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
    // The password Secret matters only to create the user, or to rotate when the spec opts in:
    // a Secret deleted after creation must not block the user.
    const needsPassword = user.spec.initialPassword && (!observed || user.spec.initialPassword.rotateOnChange);
    const password = needsPassword ? await readPassword(user, deps) : undefined;
    const steps = planUser(user.spec, observed, {
      groupIds,
      passwordVersion: password?.version,
      appliedPasswordVersion: user.status?.initialPassword?.secretVersion,
      actionsEmailSent: user.status?.executeActionsEmailSentAt !== undefined,
      owner: ownerMark(user),
    });
    return { observed, password, steps };
  };
  let { observed, password, steps } = await planFor(found?.user);
  if (found?.source === 'view' && steps.length > 0) {
    const fresh = await ref.kc.getUser(ref.name, found.user.id);
    if (!fresh) throw new Error(`Keycloak user ${user.spec.username} (${found.user.id}) vanished while planning: trying again`);
    found = { user: fresh, source: 'keycloak' };
    ({ observed, password, steps } = await planFor(fresh));
  }
  const applied = await applyUserSteps(ref, user, observed?.id, steps, password?.value, deps);
  const status = await userStatus(ref, user, applied, { groups, createdMs: found?.user.createdTimestamp }, deps);
  status.adopted = claim === 'adopted' || (claim === 'known' && (user.status?.adopted ?? true));
  if (password && applied.passwordSet) status.initialPassword = { setAt: deps.now().toISOString(), secretVersion: password.version };
  return { status, events: applied.events, requeueAfterMs: status.logoutPending ? LOGOUT_RECHECK_MS : undefined };
}

/** While a logout is pending, sessions are re-checked this often (they clear when users log in again). */
export const LOGOUT_RECHECK_MS = 30_000;

/** Deletes the user when the policy says so (never an adopted one by default); lets go when the realm is gone. */
export async function finalizeUser(user: DashUser, deps: ControllerDeps): Promise<FinalizeOutput> {
  const namespace = user.metadata.namespace ?? '';
  if (realmGone(namespace, user.spec.realmRef, deps)) {
    return { done: true, events: [{ type: 'Warning', reason: 'RealmGone', message: `DashRealm ${user.spec.realmRef.name} is gone: released without touching Keycloak` }] };
  }
  const id = user.status?.keycloakId;
  if (!id || effectiveDeletionPolicy('DashUser', user.spec, user.status?.adopted ?? true) !== 'Delete') return { done: true };
  const ref = await resolveRealm(namespace, user.spec.realmRef, deps, 'cleanup');
  await ref.kc.deleteUser(ref.name, id);
  const events: EventRequest[] = [{ type: 'Normal', reason: 'Deleted', message: `deleted Keycloak user ${user.spec.username}` }];
  return { done: true, events };
}

/** How the DashUser stands toward the Keycloak user it found: see `classifyUser`. */
type UserClaim = 'none' | 'known' | 'created' | 'adopted';

/**
 * Whose the user found in Keycloak is. The id status recorded: ours as status says. Our owner
 * mark (written in the create request): created by us, whatever became of status. Another
 * resource's mark: Conflict. No mark: someone else's account, taken over only when the
 * DashUser carries the adopt annotation, else AdoptionRequired and nothing is written.
 */
function classifyUser(user: DashUser, found: KeycloakUser | undefined): UserClaim {
  if (!found) return 'none';
  if (found.id === user.status?.keycloakId) return 'known';
  const mark = found.attributes[USER_OWNER_ATTRIBUTE]?.[0];
  if (mark === ownerMark(user)) return 'created';
  if (mark) throw conflict(`spec.username: Keycloak user ${user.spec.username} is managed by DashUser ${mark}: change nothing`);
  if (user.metadata.annotations?.[ANNOTATIONS.adopt] === 'true') return 'adopted';
  throw new ReconcileError(ReconcileOutcome.Conflict, REASONS.adoptionRequired,
    `spec.username: Keycloak user ${user.spec.username} already exists and was not created by this operator; to manage it (its profile, groups and password), annotate the DashUser ${ANNOTATIONS.adopt}: "true"`);
}

/** The owner mark of users this DashUser creates. */
function ownerMark(user: DashUser): string {
  return `${user.metadata.namespace ?? ''}/${user.metadata.name}`;
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

async function readPassword(user: DashUser, deps: ControllerDeps): Promise<{ value: string; version: string }> {
  const ref = user.spec.initialPassword?.secretRef;
  const secret = ref && await deps.secrets.readSecret(user.metadata.namespace ?? '', ref.name, ref.key);
  if (!secret) {
    throw waitFor('WaitingForSecret', `spec.initialPassword.secretRef: Secret ${ref?.name} with key ${ref?.key} not found in namespace ${user.metadata.namespace}`);
  }
  return secret;
}
