// Status always fits its CRD (issue 13 item 5): a status that would exceed the schema's bounds
// is capped, with a StatusTruncated condition counting what was left out, and a status write the API server refuses gives
// a Warning Event StatusRejected, a metric, and a retry with backoff (not a log line only).
import { execFileSync } from 'node:child_process';
import { loadTestEnv, uniqueName } from '../../env/test-env.js';
import { KeycloakRest } from '../support/keycloak-rest.js';
import { isReady, readyCondition, startOperator, type OperatorUnderTest } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const env = loadTestEnv();
const rest = new KeycloakRest(env);
const kubectl = (args: string[], input?: string) =>
  execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

interface Condition { type: string; status: string; reason: string; message: string }
interface UserStatus { status?: { keycloakId?: string; groups?: string[]; conditions?: Condition[] } }
const truncated = (u: UserStatus) => u.status?.conditions?.find((c) => c.type === 'StatusTruncated');
interface Event { reason?: string; type?: string; note?: string; regarding?: { kind?: string; name?: string } }

/** A metric's value summed over the series whose labels contain `labels` (e.g. `kind="DashUser"`). */
async function metric(op: OperatorUnderTest, name: string, labels: string): Promise<number> {
  const text = await (await fetch(op.metricsUrl)).text();
  return [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))]
    .filter((m) => (m[1] ?? '').includes(labels)).reduce((sum, m) => sum + Number(m[2]), 0);
}

function events(namespace: string): Event[] {
  return (JSON.parse(kubectl(['get', 'events.v1.events.k8s.io', '-n', namespace, '-o', 'json'])) as { items: Event[] }).items;
}

/** Runs `fn` over `items`, `width` at a time (Keycloak is shared: no thousand requests at once). */
async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

async function createGroup(realm: string, name: string, parentId?: string): Promise<string> {
  const path = parentId ? `/${encodeURIComponent(realm)}/groups/${parentId}/children` : `/${encodeURIComponent(realm)}/groups`;
  const { location } = await rest.write('POST', path, { name });
  return location?.split('/').pop() ?? '';
}

describe('status that would exceed its CRD bounds', () => {
  let op: OperatorUnderTest;
  afterEach(async () => {
    await op.stop();
    await rest.deleteRealm(op.realm);
  });

  it('is capped: a user in 260 groups, one with a 1154-character path, gets a status the API server accepts, with a StatusTruncated condition counting what was left out', async () => {
    op = await startOperator({ extraArgs: ['--resync-period=5s'] });
    op.apply([
      { apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: op.realm } },
      // spec.groups unset: membership is Keycloak's business, status reports all of it.
      { apiVersion: v, kind: 'DashUser', metadata: { name: 'alice' }, spec: { realmRef: { name: 'dash' }, username: 'alice' } },
    ]);
    const user = await op.waitReady<UserStatus>('DashUser', 'alice');
    const userId = user.status?.keycloakId ?? '';

    // Five nested groups of 230 characters: a path of 5 * 230 + 4 = 1154 characters (status allows 1024).
    let parent: string | undefined;
    for (let level = 0; level < 5; level++) parent = await createGroup(op.realm, `a${level}`.padEnd(230, 'x'), parent);
    const teams = Array.from({ length: 259 }, (_, i) => `team-${String(i).padStart(3, '0')}`);
    const ids = [parent ?? ''];
    await inBatches(teams, 10, async (name) => ids.push(await createGroup(op.realm, name)));
    await inBatches(ids, 10, (id) => rest.write('PUT', `/${encodeURIComponent(op.realm)}/users/${userId}/groups/${id}`));

    // Memberships arrive one by one: wait for the status of all of them.
    const capped = await op.waitFor<UserStatus>('DashUser', 'alice', (u) => truncated(u)?.message.includes('groups: 4 entries') ?? false, 90_000);
    expect(isReady(capped)).toBe(true);
    const groups = capped.status?.groups ?? [];
    expect(groups).toHaveLength(256);
    // Sorted paths: the long one ('a0xx…/…') first, cut to 1024 characters ending in '…'.
    expect(Array.from(groups[0] ?? '')).toHaveLength(1024);
    expect(groups[0]?.endsWith('…')).toBe(true);
    expect(groups[1]).toBe('team-000');
    expect(groups[255]).toBe('team-254');
    expect(truncated(capped)).toMatchObject({
      status: 'True', reason: 'BoundsExceeded',
      message: `status lists what fits the DashUser schema; left out: groups: ${260 - 256} entries; groups[0]: ${1154 - 1023} characters`,
    });
    expect(await metric(op, 'dash_keycloak_operator_status_rejected_total', 'kind="DashUser"')).toBe(0);
    expect(events(op.namespace).filter((e) => e.reason === 'StatusRejected')).toEqual([]);

    // Back within bounds, the condition goes.
    await inBatches(ids.slice(0, 10), 10, (id) => rest.write('DELETE', `/${encodeURIComponent(op.realm)}/users/${userId}/groups/${id}`));
    const complete = await op.waitFor<UserStatus>('DashUser', 'alice', (u) => truncated(u) === undefined && isReady(u), 90_000);
    expect(complete.status?.groups).toHaveLength(250);
  }, 300_000);
});

describe('a status write the API server refuses', () => {
  let op: OperatorUnderTest;
  const policy = uniqueName('dko-refuse-status');
  afterEach(async () => {
    kubectl(['delete', 'validatingadmissionpolicybinding', policy, '--ignore-not-found']);
    kubectl(['delete', 'validatingadmissionpolicy', policy, '--ignore-not-found']);
    await op.stop();
    await rest.deleteRealm(op.realm);
  });

  it('gives a Warning Event StatusRejected naming the reason, counts it, and is retried with backoff until it is accepted', async () => {
    // A cluster admission policy (scoped to this test's namespace) refuses DashGroup status
    // writes: the realistic refusal the operator cannot avoid by fitting to its own schema.
    const namespace = uniqueName('op');
    kubectl(['create', 'namespace', namespace]);
    kubectl(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'List', items: [
        {
          apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: policy },
          spec: {
            failurePolicy: 'Fail',
            matchConstraints: { resourceRules: [{ apiGroups: ['identity.dashops.dev'], apiVersions: ['*'], operations: ['UPDATE'], resources: ['dashgroups/status'] }] },
            validations: [{ expression: '!has(object.status.path)', message: 'status.path refused by the test policy', reason: 'Invalid' }],
          },
        },
        {
          apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: policy },
          spec: { policyName: policy, validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } } },
        },
      ],
    }));
    await policyInForce(namespace);

    op = await startOperator({ namespace });
    op.apply([
      { apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: op.realm } },
      { apiVersion: v, kind: 'DashGroup', metadata: { name: 'refused' }, spec: { realmRef: { name: 'dash' } } },
    ]);
    await op.waitReady('DashRealm', 'dash');
    const rejected = await eventually(() => events(namespace).find((e) => e.reason === 'StatusRejected' && e.regarding?.name === 'refused'));
    expect(rejected.type).toBe('Warning');
    expect(rejected.note).toContain('422 Invalid');
    expect(rejected.note).toContain('status.path refused by the test policy');
    expect(rejected.note).toContain(`DashGroup ${namespace}/refused`);

    // Retried with backoff: more than once, but not a hot loop (5 ms doubling: about a dozen in 12 s).
    const first = await metric(op, 'dash_keycloak_operator_status_rejected_total', 'kind="DashGroup"');
    await new Promise((r) => setTimeout(r, 12_000));
    const later = await metric(op, 'dash_keycloak_operator_status_rejected_total', 'kind="DashGroup"');
    expect(later).toBeGreaterThan(first);
    expect(later).toBeLessThanOrEqual(20);
    expect(await metric(op, 'dash_keycloak_operator_workqueue_retries_total', 'kind="DashGroup"')).toBeGreaterThanOrEqual(later);
    // One Event per object version, however many retries.
    expect(events(namespace).filter((e) => e.reason === 'StatusRejected')).toHaveLength(1);

    // The refusal lifted, the next retry (the default resync is 10 minutes away) stores the status.
    kubectl(['delete', 'validatingadmissionpolicybinding', policy]);
    const group = await op.waitReady<{ status?: { path?: string } }>('DashGroup', 'refused', 120_000);
    expect(group.status?.path).toBe('refused');
    expect(readyCondition(group)?.reason).toBe('Reconciled');
  }, 240_000);
});

// The policy reaches the API server's admission through an informer: probe until it refuses.
async function policyInForce(namespace: string): Promise<void> {
  kubectl(['apply', '-n', namespace, '-f', '-'], JSON.stringify({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'probe' }, spec: { realmRef: { name: 'none' } } }));
  await eventually(async () => {
    try {
      kubectl(['patch', 'dashgroup', 'probe', '-n', namespace, '--subresource=status', '--type=merge', '-p', '{"status":{"path":"probe"}}']);
      return undefined;
    } catch {
      return true;
    }
  });
  kubectl(['delete', 'dashgroup', 'probe', '-n', namespace]);
}

async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await check();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`nothing found within ${timeoutMs} ms`);
}
