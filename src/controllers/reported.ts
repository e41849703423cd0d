import type { DashGroup, DashUser } from '../api/index.js';
import { readyOf } from '../runtime/index.js';

// Ready is what `kubectl wait` and Argo CD read: once every object of a realm is Ready for its
// generation, every user's status must already show every grant. The object that makes a
// grant (a binding, a group passing its roles to members) therefore stays Ready=False,
// reason Progressing, until the objects that report it (a DashUser's effectiveRoleNames, a
// DashGroup's roles) show it in their status; their status changes wake it (wake-ups.ts).

/** An object whose status reports roles, and the roles its status shows now. */
export interface Reporter {
  readonly name: string;
  readonly kind: 'DashUser' | 'DashGroup';
  readonly shows: readonly string[];
}

/**
 * A DashUser as a reporter of its effective roles; undefined while it does not exist in
 * Keycloak or is not Ready (then not every object is Ready anyway, and a user that cannot
 * reconcile must not hold up the grant).
 */
export function userReporter(user: DashUser | undefined): Reporter | undefined {
  if (!user?.status?.keycloakId || readyOf(user)?.status !== 'True') return undefined;
  return { kind: 'DashUser', name: user.metadata.name, shows: user.status.effectiveRoleNames ?? [] };
}

/** A DashGroup as a reporter of its direct roles; undefined while it does not exist in Keycloak. */
export function groupReporter(group: DashGroup | undefined): Reporter | undefined {
  if (!group?.status?.keycloakId) return undefined;
  return { kind: 'DashGroup', name: group.metadata.name, shows: group.status.roles ?? [] };
}

/** The reporters whose status does not show all of `roles` yet, as `Kind name`, sorted. */
export function notShowing(entries: readonly { reporter: Reporter | undefined; roles: readonly string[] }[]): string[] {
  return [...new Set(entries
    .filter(({ reporter, roles }) => reporter !== undefined && roles.some((role) => !reporter.shows.includes(role)))
    .map(({ reporter }) => `${reporter?.kind} ${reporter?.name}`))].sort();
}

/** How many waiting reporters the Progressing message names; beyond it the message names none. */
export const MAX_NAMED_REPORTERS = 5;

/**
 * The Progressing message while `waiting` (from `notShowing`) do not show a grant in their
 * status yet. Beyond MAX_NAMED_REPORTERS it names only their kinds and stays the same while
 * reports arrive: a count or a list that changed with every report made the waiting group or
 * binding write its status on every pass (at 5,000 users, 15,352 group status writes for 500
 * groups during a converge).
 */
export function waitingForReports(waiting: readonly string[]): string {
  if (waiting.length > MAX_NAMED_REPORTERS) {
    const kinds = [...new Set(waiting.map((reporter) => `${reporter.split(' ')[0]}s`))].sort().join(' and ');
    return `granted in Keycloak; waiting for the status of more than ${MAX_NAMED_REPORTERS} ${kinds} to show it (named once ${MAX_NAMED_REPORTERS} or fewer are left)`;
  }
  return `granted in Keycloak; waiting for the status of ${waiting.join(', ')} to show it`;
}

/** How long a pass waiting for reports waits at most before it looks again (their status changes wake it earlier). */
export const REPORT_RECHECK_MS = 5_000;

/**
 * How long reports that wake a waiting group or binding are collected before it runs: its
 * members or subjects report in bursts, and each pass of a group reads it and its members.
 */
export const REPORT_BATCH_MS = 200;

/**
 * How often at most a group or binding runs again for reports and new subjects: while hundreds
 * of users are created, a binding naming them would otherwise run (and write its large status)
 * every few hundred milliseconds. A single change still runs after REPORT_BATCH_MS.
 */
export const REPORT_SPACING_MS = 500;
