import type { LogoutPolicy } from '../../api/realm.js';
import type { DashUserSpec } from '../../api/user.js';
import { logoutPending } from './logout-pending.js';
import type { UserStep } from './plan.js';

/** The user's sessions and the group changes that reach it, as read after this pass's writes. */
export interface SessionFacts {
  /** Start times (ms) of the user's active sessions. */
  sessionStartsMs: readonly number[];
  /** Times (ms) of changes that reach the user through groups (see `logoutPending`). */
  groupChangesMs: readonly number[];
}

/**
 * Plans the end of the user's sessions, or nothing. spec.enabled false ends them while any is
 * left: Keycloak keeps a disabled user's sessions (only new logins fail), and planning on every
 * pass that still sees one means a crash right after the disable changes nothing. Under the
 * Automatic logout policy a user whose sessions predate a group role change is logged out.
 */
export function planLogout(spec: Pick<DashUserSpec, 'enabled'>, logoutPolicy: LogoutPolicy, facts: SessionFacts): UserStep[] {
  const sessions = facts.sessionStartsMs.length;
  if (spec.enabled === false && sessions > 0) return [{ kind: 'logout', cause: 'disabled', sessions }];
  const pending = logoutPending(facts.sessionStartsMs, facts.groupChangesMs);
  if (pending.pending && logoutPolicy === 'Automatic') return [{ kind: 'logout', cause: 'staleRoles', sessions: pending.staleSessions }];
  return [];
}
