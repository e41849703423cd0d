import { normalizeGroupPath, type DashUser, type DashUserStatus } from '../../api/index.js';
import type { ControllerDeps } from '../context.js';
import type { RealmRef } from '../realm-ref.js';
import type { AppliedUser } from './apply.js';
import { effectiveRolesWithSources, pathChain } from './effective-roles.js';
import { logoutPending } from './logout-pending.js';

/**
 * Reads what Keycloak holds for the user (direct and effective `dash` roles, groups,
 * sessions) and derives effective-role sources and logout-pending. Under the Automatic
 * logout policy a pending logout is carried out here, with an event.
 */
export async function userStatus(ref: RealmRef, user: DashUser, applied: AppliedUser, deps: ControllerDeps): Promise<DashUserStatus> {
  const subject = { kind: 'user' as const, id: applied.id };
  const [direct, effective, groups, sessions, defaults] = await Promise.all([
    ref.kc.listClientRoleMappings(ref.name, subject, ref.clientUuid, 'direct'),
    ref.kc.listClientRoleMappings(ref.name, subject, ref.clientUuid, 'effective'),
    ref.kc.listUserGroups(ref.name, applied.id),
    ref.kc.listUserSessions(ref.name, applied.id),
    ref.kc.listDefaultClientRoles(ref.name, ref.clientUuid),
  ]);
  const paths = groups.map((g) => normalizeGroupPath(g.path)).sort();
  const managed = new Map(deps.cache.list('DashGroup', user.metadata.namespace)
    .filter((g) => g.status?.path && g.spec.realmRef.name === user.spec.realmRef.name)
    .map((g) => [g.status?.path ?? '', g.status ?? {}]));
  const chain = [...new Set(paths.flatMap(pathChain))];
  const roles = effectiveRolesWithSources({
    effective: effective.map((r) => r.name),
    direct: direct.map((r) => r.name),
    groupRoles: new Map(chain.map((p) => [p, managed.get(p)?.roles ?? []])),
    defaultRoles: defaults.map((r) => r.name),
  });
  const now = deps.now();
  const membershipChangedAt = applied.membershipChanged ? now.toISOString() : user.status?.membershipChangedAt;
  const changes = [membershipChangedAt, ...chain.map((p) => managed.get(p)?.effectiveRolesChangedAt)]
    .filter((t): t is string => t !== undefined).map((t) => Date.parse(t));
  let pending = logoutPending(sessions.map((s) => s.startMs), changes);
  let sessionCount = sessions.length;
  if (pending.pending && ref.realm.spec.logoutPolicy === 'Automatic') {
    await ref.kc.logoutUser(ref.name, applied.id);
    applied.events.push({ type: 'Normal', reason: 'LoggedOut', message: `logged out ${user.spec.username} (${pending.staleSessions} session(s) predate a group role change)` });
    pending = { pending: false, staleSessions: 0 };
    sessionCount = 0;
  }
  return {
    keycloakId: applied.id,
    assignedRoles: direct.map((r) => r.name).sort(),
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
