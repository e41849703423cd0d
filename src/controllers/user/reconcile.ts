import { normalizeGroupPath, ownerMark, type DashUser, type DashUserStatus } from '../../api/index.js';
import type { ReconcileResult } from '../../runtime/index.js';
import type { ControllerDeps } from '../context.js';
import { conflict, waitFor } from '../errors.js';
import { observedResult, observing } from '../management-policy.js';
import { planOnView } from '../plan-on-view.js';
import { resolveRealm, type RealmRef } from '../realm-ref.js';
import { applyUserSteps, nothingApplied } from './apply.js';
import { attributesCondition } from './attributes.js';
import { observeHoldings } from './holdings.js';
import { describeUserStep } from './describe.js';
import { observeUser, rereadUser, type UserObservation } from './observe.js';
import { licenseRevocationHeld } from './license-held.js';
import { lockoutReport, observeLockout } from './lockout.js';
import { planLogout } from './plan-logout.js';
import { planUser, type UserStep } from './plan.js';
import { userStatus } from './status.js';
import { Index, inNamespace } from '../wake-ups.js';

export { finalizeUser } from './finalize.js';

/**
 * Reconciles one DashUser: resolve realm and groups (waiting for missing ones), find the user
 * by recorded id or exact username, plan on the view and again on fresh reads, apply; then read
 * what Keycloak holds (roles, sessions), plan and apply a logout where one is due, and report
 * roles, sessions, whether a logout is pending, and which spec.attributes keys Keycloak drops.
 */
export async function reconcileUser(user: DashUser, deps: ControllerDeps): Promise<ReconcileResult<DashUserStatus>> {
  const ref = await resolveRealm(user.metadata.namespace ?? '', user.spec.realmRef, deps);
  const groupIds = await resolveGroups(user, ref, deps);
  refuseSecondClaim(user, deps);
  const viewed = await observeUser(ref, user, deps);
  const { observed, plan } = await planOnView(viewed,
    (o) => planUser(user.spec, o.user, { groupIds, owner: ownerMark(user), ...o.inputs }),
    (steps, o) => rereadUser(ref, user, steps, o, deps));
  if (observing(ref.realm)) return observeOnly(ref, user, plan, observed, deps);
  const applied = await applyUserSteps(ref, user, plan, nothingApplied(observed.user?.id), observed.password?.value, deps);
  const holdings = await observeHoldings(ref, user, applied, { groups: observed.groups, createdMs: observed.found?.user.createdTimestamp }, deps);
  const done = await applyUserSteps(ref, user, planLogout(user.spec, ref.realm.spec.logoutPolicy, holdings), applied, undefined, deps);
  const locks = await observeLockout(ref, user, done.id, deps.now());
  const lockout = lockoutReport(locks);
  const status = {
    ...userStatus(user, { applied: done, holdings, claim: observed.claim, password: observed.password, hasPassword: observed.inputs.hasPassword }),
    ...lockout.status, lastUnlock: lockout.status.lastUnlock ?? user.status?.lastUnlock,
    ...licenseRevocationHeld(user, deps),
  };
  return {
    status, events: [...done.events, ...locks?.events ?? []], conditions: [...attributesCondition(user.spec, ref.name, observed.dropped), ...lockout.conditions],
    // A temporary lockout ends by itself: while one holds, it is re-read like a pending logout.
    requeueAfterMs: status.logoutPending || status.lockedOut ? LOGOUT_RECHECK_MS : undefined,
  };
}

/**
 * A pass under managementPolicy Observe: the plan (and the logout a Manage pass would plan) goes
 * into the InSync condition, nothing is written. A user that does not exist yet has no status
 * to report but the condition.
 */
async function observeOnly(ref: RealmRef, user: DashUser, plan: readonly UserStep[], observed: UserObservation, deps: ControllerDeps): Promise<ReconcileResult<DashUserStatus>> {
  const changes = plan.flatMap((s) => describeUserStep(s, observed.user?.fields));
  const attributes = attributesCondition(user.spec, ref.name, observed.dropped);
  if (!observed.user) {
    const result = observedResult(changes);
    return { status: {}, ...result, conditions: [...attributes, ...result.conditions] };
  }
  const applied = nothingApplied(observed.user.id);
  const holdings = await observeHoldings(ref, user, applied, { groups: observed.groups, createdMs: observed.found?.user.createdTimestamp }, deps);
  changes.push(...planLogout(user.spec, ref.realm.spec.logoutPolicy, holdings).flatMap((s) => describeUserStep(s, observed.user?.fields)));
  const status = userStatus(user, { applied, holdings, claim: observed.claim, password: observed.password, hasPassword: observed.inputs.hasPassword });
  const result = observedResult(changes);
  return { status, ...result, conditions: [...attributes, ...result.conditions] };
}

/** While a logout is pending, sessions are re-checked this often (they clear when users log in again). */
export const LOGOUT_RECHECK_MS = 30_000;

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
  const other = deps.cache.byIndex('DashUser', Index.byUsername, inNamespace(user.metadata.namespace, user.spec.username)).find((u) =>
    u.metadata.name !== user.metadata.name && u.spec.realmRef.name === user.spec.realmRef.name && u.status?.keycloakId !== undefined);
  if (other) throw conflict(`Keycloak user ${user.spec.username} is already managed by DashUser ${other.metadata.name}`);
}
