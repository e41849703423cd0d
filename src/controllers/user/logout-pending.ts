/** Whether a user must log out and in again before a group-borne role change takes effect. */
export interface LogoutPending {
  pending: boolean;
  /** The first change (ms since epoch) that an open session predates; undefined when not pending. */
  sinceMs?: number;
  /** Sessions that started before a pending change: the ones a logout must end. */
  staleSessions: number;
}

/**
 * Decides logout-pending from session start times and the times of changes that reach the
 * user through groups (a group's effective roles changing, or the user joining/leaving a
 * group that carries roles). Tokens carry roles until the next login, so a session that
 * started before such a change is stale (keycloak/keycloak#20666). Direct role changes are
 * not inputs: they take effect within seconds.
 */
export function logoutPending(sessionStartsMs: readonly number[], groupChangesMs: readonly number[]): LogoutPending {
  if (sessionStartsMs.length === 0 || groupChangesMs.length === 0) return { pending: false, staleSessions: 0 };
  const latestChange = Math.max(...groupChangesMs);
  const stale = sessionStartsMs.filter((start) => start < latestChange);
  if (stale.length === 0) return { pending: false, staleSessions: 0 };
  const oldest = Math.min(...stale);
  const sinceMs = Math.min(...groupChangesMs.filter((change) => change > oldest));
  return { pending: true, sinceMs, staleSessions: stale.length };
}
