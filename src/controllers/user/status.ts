import type { DashUser, DashUserStatus } from '../../api/index.js';
import type { SecretValue } from '../context.js';
import type { AppliedUser } from './apply.js';
import { effectiveRolesWithSources } from './effective-roles.js';
import type { UserHoldings } from './holdings.js';
import { logoutPending } from './logout-pending.js';
import type { UserClaim } from './ownership.js';

/** What a pass did and found, as far as the user's status reports it. */
export interface UserPass {
  applied: AppliedUser;
  holdings: UserHoldings;
  claim: UserClaim;
  /** The password Secret, when the pass read it. */
  password?: SecretValue;
  /** Whether the user had a password before the pass (read only while status records none). */
  hasPassword?: boolean;
}

/**
 * The DashUser's status after a pass: effective `dash` roles with their sources, groups,
 * sessions and logout-pending (none left once the pass logged the user out), and what status
 * must remember (adoption, initial password, actions e-mail). Pure: reads and writes nothing.
 */
export function userStatus(user: DashUser, pass: UserPass): DashUserStatus {
  const { applied, holdings, claim, password } = pass;
  const roles = effectiveRolesWithSources({ effective: holdings.effective, direct: holdings.direct, groupRoles: holdings.groupRoles, defaultRoles: holdings.defaults });
  const pending = applied.loggedOut ? { pending: false, staleSessions: 0 } : logoutPending(holdings.sessionStartsMs, holdings.groupChangesMs);
  const now = holdings.readAt.toISOString();
  const recorded = user.status?.initialPassword;
  // Recorded only once Keycloak holds it: a password set by a pass whose status write was lost
  // (or by the user) counts as given, so it is never set twice.
  const given = password && (applied.passwordSet || (pass.hasPassword && !recorded));
  return {
    keycloakId: applied.id,
    assignedRoles: holdings.direct,
    effectiveRoles: roles,
    effectiveRoleNames: roles.map((r) => r.name),
    groups: holdings.groups,
    sessions: applied.loggedOut ? 0 : holdings.sessionStartsMs.length,
    logoutPending: pending.pending,
    logoutPendingSince: pending.sinceMs === undefined ? undefined : new Date(pending.sinceMs).toISOString(),
    membershipChangedAt: holdings.membershipChangedAt,
    initialPassword: given ? { setAt: now, secretVersion: password.version } : recorded,
    executeActionsEmailSentAt: applied.actionsEmailSent ? now : user.status?.executeActionsEmailSentAt,
    adopted: claim === 'adopted' || (claim === 'known' && (user.status?.adopted ?? true)),
  };
}
