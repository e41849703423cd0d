import type { KeycloakRest } from '../test/integration/support/keycloak-rest.js';
import { isFinal, type BenchCluster } from './cluster.js';
import type { ExpectedState } from './expected.js';
import { ADMIN_BINDING, GROUP_BINDING, groupObjectName } from './manifests.js';
import type { BenchOperator } from './operator.js';
import type { BenchShape } from './shape.js';
import { nextResyncIn, pollOrMiss, sleep, waitQuiet } from './waits.js';

/** The kinds of one change the bench times. */
export const CHANGE_KINDS = ['binding_edit', 'group_roles', 'user_field'] as const;
/** One of CHANGE_KINDS. */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** How long a change may take to reach Keycloak or status before it counts as not reached. */
const STATUS_MAX_MS = 600_000;

/** How long one change took to reach Keycloak and to reach status, in ms from the patch; null: not reached within the limit. */
export interface Latency {
  kind: ChangeKind;
  keycloak: number | null;
  status: number | null;
}

/** What a change needs: where to patch, where to read Keycloak, and the expected state to keep current. */
export interface ChangeContext {
  cluster: BenchCluster;
  rest: KeycloakRest;
  op: BenchOperator;
  namespace: string;
  realm: string;
  shape: BenchShape;
  expected: ExpectedState;
  resyncMs: number;
}

interface Change {
  patch: () => Promise<number>;
  inKeycloak: () => Promise<boolean>;
  inStatus: (generation: number) => Promise<boolean>;
}

/**
 * Times `repeats` changes of each kind, one at a time, each on an idle operator and away from
 * a resync tick: (binding_edit) a User subject added to an existing binding, timed to that
 * user's direct dash roles and to the binding's status showing the subject granted;
 * (group_roles) `viewer` added to / removed from the binding on the top-level groups, timed to
 * the groups' dash role mappings and to every top-level DashGroup's status.roles;
 * (user_field) a DashUser's spec.firstName changed, timed to the Keycloak user and to its
 * status (observedGeneration, Ready). Keycloak is polled with raw REST, never through src/.
 */
export async function measureChanges(ctx: ChangeContext, repeats: number): Promise<Latency[]> {
  const uuid = (await ctx.rest.clientUuid(ctx.realm, 'dash')) ?? '';
  const out: Latency[] = [];
  for (const kind of CHANGE_KINDS) {
    for (let i = 0; i < repeats; i++) {
      if (nextResyncIn(ctx.op, ctx.resyncMs) < 5000) await sleep(nextResyncIn(ctx.op, ctx.resyncMs) + 200);
      await waitQuiet(ctx.op);
      const change = await changeOf(ctx, uuid, kind, i);
      const start = performance.now();
      const generation = change.patch();
      // Status is polled every 20 ms, except that of the top-level groups: a LIST of every
      // DashGroup that often loaded the API server under test at 500 groups. A slow change is
      // a figure to report, not a failed run (null past STATUS_MAX_MS).
      const [keycloak, status] = await Promise.all([
        pollOrMiss(`${kind} #${i} in Keycloak`, start, change.inKeycloak, 20, STATUS_MAX_MS),
        generation.then((g) => pollOrMiss(`${kind} #${i} in status`, start, () => change.inStatus(g), kind === 'group_roles' ? 250 : 20, STATUS_MAX_MS)),
      ]);
      out.push({ kind, keycloak, status });
    }
  }
  return out;
}

async function changeOf(ctx: ChangeContext, uuid: string, kind: ChangeKind, i: number): Promise<Change> {
  const { cluster, rest, namespace, realm, shape, expected } = ctx;
  const r = encodeURIComponent(realm);
  if (kind === 'binding_edit') {
    const username = shape.users[(shape.directAdmins.length + i) % shape.users.length]?.username ?? '';
    const id = (await rest.usersNamed(realm, username))[0]?.id ?? '';
    expected.users.get(username)?.roles.add(shape.groupRole);
    return {
      patch: () => cluster.patch(namespace, 'DashRoleBinding', ADMIN_BINDING, [{ op: 'add', path: '/spec/subjects/-', value: { kind: 'User', name: username } }]),
      inKeycloak: async () => ((await rest.get<{ name: string }[]>(`/${r}/users/${id}/role-mappings/clients/${uuid}`)) ?? []).some((x) => x.name === shape.groupRole),
      inStatus: async (g) => {
        const b = await cluster.get(namespace, 'DashRoleBinding', ADMIN_BINDING);
        const subjects = (b.status?.subjects as { name?: string; resolved: boolean; grants?: string[]; pending?: string[] }[] | undefined) ?? [];
        const s = subjects.find((x) => x.name === username);
        return isCurrent(b, g) && !!s?.resolved && !!s.grants?.includes(shape.groupRole) && !s.pending?.length;
      },
    };
  }
  if (kind === 'group_roles') {
    const add = i % 2 === 0;
    const roles = add ? [shape.groupRole, 'viewer'] : [shape.groupRole];
    const tops = shape.groups.filter((g) => !g.parent);
    for (const t of tops) expected.groups.set(t.path, new Set(roles));
    return {
      patch: () => cluster.patch(namespace, 'DashRoleBinding', GROUP_BINDING, [{ op: 'replace', path: '/spec/roles', value: roles }]),
      inKeycloak: async () => ((await rest.get<unknown[]>(`/${r}/clients/${uuid}/roles/viewer/groups?briefRepresentation=true&first=0&max=100000`)) ?? []).length === (add ? tops.length : 0),
      inStatus: async (g) => {
        if (!isCurrent(await cluster.get(namespace, 'DashRoleBinding', GROUP_BINDING), g)) return false;
        const names = new Set(tops.map((t) => groupObjectName(t.path)));
        const groups = (await cluster.list(namespace, 'DashGroup')).filter((o) => names.has(o.metadata.name));
        return groups.length === tops.length && groups.every((o) => ((o.status?.roles as string[] | undefined) ?? []).includes('viewer') === add);
      },
    };
  }
  const username = shape.users[shape.users.length - 1 - (i % shape.users.length)]?.username ?? '';
  const id = (await rest.usersNamed(realm, username))[0]?.id ?? '';
  const firstName = `Bench${i}x${Date.now() % 100_000}`;
  const user = expected.users.get(username);
  if (user) user.firstName = firstName;
  return {
    patch: () => cluster.patch(namespace, 'DashUser', username, [{ op: 'add', path: '/spec/firstName', value: firstName }]),
    inKeycloak: async () => (await rest.get<{ firstName?: string }>(`/${r}/users/${id}`))?.firstName === firstName,
    inStatus: async (g) => isCurrent(await cluster.get(namespace, 'DashUser', username), g),
  };
}

function isCurrent(o: Parameters<typeof isFinal>[0], generation: number): boolean {
  return (o.status?.observedGeneration ?? 0) >= generation && isFinal(o);
}
