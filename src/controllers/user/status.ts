import { normalizeGroupPath, type DashUser, type DashUserStatus } from '../../api/index.js';
import type { UserGroup } from '../../keycloak/port.js';
import type { ControllerDeps } from '../context.js';
import type { RealmRef } from '../realm-ref.js';
import { roleSubject, userSubject } from '../subject-id.js';
import type { AppliedUser } from './apply.js';
import { effectiveRolesWithSources, pathChain } from './effective-roles.js';
import { logoutPending } from './logout-pending.js';

/** How far Keycloak's clock may run ahead of the operator's for a creation time to be trusted. */
const CLOCK_SKEW_MARGIN_MS = 5_000;

/** What the reconcile observed before its plan, reused for status. */
export interface ObservedForStatus {
  /** The user's groups as read before the plan (undefined: the user did not exist). */
  groups?: readonly UserGroup[];
  /** When Keycloak created the user (ms). */
  createdMs?: number;
}

/**
 * Reports what Keycloak holds for the user: effective `dash` roles with their sources, groups,
 * sessions and logout-pending. Everything but the groups comes from the realm view (a few
 * pages per realm, shared); groups are the ones observed before the plan unless the plan
 * changed them. Effective roles are Keycloak's own `.../composite` answer whenever the view
 * may not know the user or its memberships yet. Under the Automatic logout policy a pending
 * logout is carried out here, with an event; so is ending the sessions of a disabled user.
 */
export async function userStatus(ref: RealmRef, user: DashUser, applied: AppliedUser, observed: ObservedForStatus, deps: ControllerDeps): Promise<DashUserStatus> {
  const subject = { ...userSubject(user.spec.username), id: applied.id };
  const groups = applied.groups ?? (observed.groups && !applied.groupsChanged ? observed.groups : await ref.kc.listUserGroups(ref.name, applied.id));
  const paths = groups.map((g) => normalizeGroupPath(g.path)).sort();
  const chain = [...new Set(paths.flatMap(pathChain))];
  // Group sources come from the same realm view as the effective roles (it replays this
  // process's own mapping writes at once), not from DashGroup status, which a binding's new
  // group grant reaches only a pass later: the role would read as `composite` meanwhile.
  const [direct, computed, defaults, groupRoles] = await Promise.all([
    ref.view.directRoles(subject),
    ref.view.effectiveRoles(applied.id, chain, viewMustKnowSince(applied, observed)),
    ref.view.defaultRoles(),
    Promise.all(chain.map(async (path) => [path, await ref.view.directRoles({ kind: 'Group', path })] as const)),
  ]);
  const effective = computed ?? (await ref.kc.listClientRoleMappings(ref.name, roleSubject(subject), ref.clientUuid, 'effective')).map((r) => r.name);
  const managed = new Map(deps.cache.list('DashGroup', user.metadata.namespace)
    .filter((g) => g.status?.path && g.spec.realmRef.name === user.spec.realmRef.name)
    .map((g) => [g.status?.path ?? '', g.status ?? {}]));
  const roles = effectiveRolesWithSources({
    effective,
    direct,
    groupRoles: new Map(groupRoles),
    defaultRoles: defaults,
  });
  const now = deps.now();
  const membershipChangedAt = applied.membershipChanged ? now.toISOString() : user.status?.membershipChangedAt;
  const changes = [membershipChangedAt, ...chain.map((p) => managed.get(p)?.effectiveRolesChangedAt)]
    .filter((t): t is string => t !== undefined).map((t) => Date.parse(t));
  // Sessions listed before the latest change could miss one that predates it: read after it.
  const sessions = await ref.view.sessionStarts(applied.id, Math.max(0, ...changes));
  let pending = logoutPending(sessions, changes);
  let sessionCount = sessions.length;
  // Keycloak keeps a disabled user's sessions (only new logins fail): spec.enabled false ends
  // them, on every pass that still sees one, so a crash right after the disable changes nothing.
  if (user.spec.enabled === false && sessions.length > 0) {
    await ref.kc.logoutUser(ref.name, applied.id);
    ref.view.recordLogout(applied.id);
    applied.events.push({ type: 'Normal', reason: 'SessionsRevoked', message: `ended ${sessions.length} session(s) of ${user.spec.username}: spec.enabled is false` });
    pending = { pending: false, staleSessions: 0 };
    sessionCount = 0;
  } else if (pending.pending && ref.realm.spec.logoutPolicy === 'Automatic') {
    await ref.kc.logoutUser(ref.name, applied.id);
    ref.view.recordLogout(applied.id);
    applied.events.push({ type: 'Normal', reason: 'LoggedOut', message: `logged out ${user.spec.username} (${pending.staleSessions} session(s) predate a group role change)` });
    pending = { pending: false, staleSessions: 0 };
    sessionCount = 0;
  }
  return {
    keycloakId: applied.id,
    assignedRoles: direct,
    effectiveRoles: roles,
    effectiveRoleNames: roles.map((r) => r.name),
    groups: paths,
    sessions: sessionCount,
    logoutPending: pending.pending,
    logoutPendingSince: pending.sinceMs === undefined ? undefined : new Date(pending.sinceMs).toISOString(),
    membershipChangedAt,
    initialPassword: user.status?.initialPassword,
    executeActionsEmailSentAt: applied.actionsEmailSent ? now.toISOString() : user.status?.executeActionsEmailSentAt,
  };
}

/**
 * How recent the realm view must be to compute the user's effective roles: read after the user
 * existed (Keycloak maps its default roles at creation, and Keycloak's clock may run ahead of
 * ours, hence the margin); never after this pass changed its groups; and a user this pass
 * created holds exactly the default roles, whatever the view knew.
 */
function viewMustKnowSince(applied: AppliedUser, observed: ObservedForStatus): number | 'created now' {
  if (applied.created) return 'created now';
  if (applied.groupsChanged || observed.createdMs === undefined) return Number.POSITIVE_INFINITY;
  return observed.createdMs + CLOCK_SKEW_MARGIN_MS;
}
