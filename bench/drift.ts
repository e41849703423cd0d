import { secondAdmin } from '../test/integration/support/keycloak-fixtures.js';
import type { KeycloakRest } from '../test/integration/support/keycloak-rest.js';
import type { TestEnv } from '../test/env/test-env.js';
import type { ExpectedState } from './expected.js';
import { sumMetric, type BenchOperator } from './operator.js';
import type { BenchShape } from './shape.js';
import { nextResyncIn, pollOrMiss, sleep, waitQuiet } from './waits.js';

/** The kinds of outside change the drift measurement makes, in turn. */
export const DRIFT_KINDS = ['user_field', 'membership', 'user_role', 'group_role'] as const;
/** One of DRIFT_KINDS. */
export type DriftKind = (typeof DRIFT_KINDS)[number];
/** Admin event reads of the operator so far (one per followed realm per poll interval). */
export const DRIFT_POLLS = 'dash_keycloak_operator_drift_polls_total';

/** How long one outside change took to be changed back in Keycloak, in ms from the change; null: not within 60 s. */
export interface DriftLatency {
  kind: DriftKind;
  ms: number | null;
}

/** The drift figures of one size. */
export interface DriftResult {
  latencies: DriftLatency[];
  /** Admin event reads per minute for the bench's one realm, over the measurement. */
  pollRequestsPerMinute: number;
}

interface DriftChange {
  change: () => Promise<void>;
  corrected: () => Promise<boolean>;
}

/**
 * Makes `count` changes of mixed kinds directly in Keycloak as a second administrator of the
 * realm (the operator's own changes are not drift), one at a time on an idle operator and away
 * from a resync tick, and times each from the change to the raw-REST read showing it changed
 * back: (user_field) a managed first name edited; (membership) a user taken out of its group;
 * (user_role) `licensed_user` unmapped from a user; (group_role) the group role unmapped from a
 * top-level group. Keycloak ends as `expected` says again.
 */
export async function measureDrift(
  env: TestEnv, rest: KeycloakRest, op: BenchOperator, realm: string, shape: BenchShape, expected: ExpectedState, resyncMs: number, count: number,
): Promise<DriftResult> {
  const outsider = await secondAdmin(rest, env, realm, CONSOLE_ADMIN);
  const r = `/${encodeURIComponent(realm)}`;
  const uuid = (await rest.clientUuid(realm, 'dash')) ?? '';
  const polls = sumMetric(await op.metrics(), DRIFT_POLLS);
  const started = performance.now();
  const out: DriftLatency[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const kind = DRIFT_KINDS[i % DRIFT_KINDS.length] ?? 'membership';
      const drift = await driftOf(kind, i, { rest, outsider, realm, r, uuid, shape, expected });
      if (!drift) continue;
      if (nextResyncIn(op, resyncMs) < 10_000) await sleep(nextResyncIn(op, resyncMs) + 500);
      await waitQuiet(op);
      const start = performance.now();
      await drift.change();
      out.push({ kind, ms: await pollOrMiss(`drift ${kind} #${i} changed back`, start, drift.corrected, 20, 60_000) });
    }
  } finally {
    // The realm's end state is checked against the manifests: the extra administrator goes.
    const admin = (await rest.usersNamed(realm, CONSOLE_ADMIN))[0];
    if (admin) await rest.write('DELETE', `${r}/users/${admin.id}`);
  }
  const minutes = (performance.now() - started) / 60_000;
  return { latencies: out, pollRequestsPerMinute: (sumMetric(await op.metrics(), DRIFT_POLLS) - polls) / minutes };
}

/** The second administrator of the realm who makes the outside changes. */
const CONSOLE_ADMIN = 'bench-console-admin';

interface DriftContext {
  rest: KeycloakRest;
  outsider: KeycloakRest;
  realm: string;
  /** `/<realm>`, URL-encoded. */
  r: string;
  uuid: string;
  shape: BenchShape;
  expected: ExpectedState;
}

async function driftOf(kind: DriftKind, i: number, c: DriftContext): Promise<DriftChange | undefined> {
  const { rest, outsider, r, uuid, shape, expected } = c;
  const nth = <T>(list: readonly T[]) => list[(i * 7) % list.length];
  if (kind === 'group_role') {
    const top = nth(shape.groups.filter((g) => !g.parent));
    const group = top && (await rest.get<{ id: string }>(`${r}/group-by-path/${top.path.split('/').map(encodeURIComponent).join('/')}`));
    if (!group) return undefined;
    const mapped = `${r}/groups/${group.id}/role-mappings/clients/${uuid}`;
    return {
      change: async () => { await outsider.write('DELETE', mapped, await roleReps(rest, r, uuid, [shape.groupRole])); },
      corrected: async () => ((await rest.get<{ name: string }[]>(mapped)) ?? []).some((x) => x.name === shape.groupRole),
    };
  }
  const named = kind === 'user_field' ? [...expected.users].filter(([, u]) => u.firstName !== undefined).map(([name]) => name) : shape.users.map((u) => u.username);
  const username = nth(named);
  const id = username && (await rest.usersNamed(c.realm, username))[0]?.id;
  if (!username || !id) return undefined;
  const user = `${r}/users/${id}`;
  if (kind === 'user_field') {
    const firstName = expected.users.get(username)?.firstName;
    return {
      change: async () => { await outsider.write('PUT', user, { ...(await outsider.get<Record<string, unknown>>(user)), firstName: `Drift${i}` }); },
      corrected: async () => (await rest.get<{ firstName?: string }>(user))?.firstName === firstName,
    };
  }
  if (kind === 'membership') {
    const groups = (await rest.get<{ id: string; path: string }[]>(`${user}/groups`)) ?? [];
    const group = groups[0];
    if (!group) return undefined;
    return {
      change: async () => { await outsider.write('DELETE', `${user}/groups/${group.id}`); },
      corrected: async () => ((await rest.get<{ id: string }[]>(`${user}/groups`)) ?? []).some((g) => g.id === group.id),
    };
  }
  const mapped = `${user}/role-mappings/clients/${uuid}`;
  return {
    change: async () => { await outsider.write('DELETE', mapped, await roleReps(rest, r, uuid, [shape.userRole])); },
    corrected: async () => ((await rest.get<{ name: string }[]>(mapped)) ?? []).some((x) => x.name === shape.userRole),
  };
}

async function roleReps(rest: KeycloakRest, r: string, uuid: string, names: readonly string[]): Promise<unknown[]> {
  return ((await rest.get<{ name: string }[]>(`${r}/clients/${uuid}/roles?max=1000`)) ?? []).filter((x) => names.includes(x.name));
}
