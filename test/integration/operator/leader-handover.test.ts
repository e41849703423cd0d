// Leadership (issue 13 item 6): two replicas of the real operator on one Lease. When the
// leader loses the Lease while a pass is in flight, that pass sends no Keycloak write after
// the loss (checked by a recording proxy in front of Keycloak, outside the operator's code),
// and the new leader converges.
import { execFileSync } from 'node:child_process';
import { loadTestEnv } from '../../env/test-env.js';
import { KeycloakRest } from '../support/keycloak-rest.js';
import { RecordingProxy } from '../support/recording-proxy.js';
import { startOperator, type OperatorUnderTest } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const LEASE = 'dash-keycloak-operator';
const LEASE_ARGS = ['--leader-election-lease-duration=4s', '--leader-election-renew-deadline=3s', '--leader-election-retry-period=500ms'];
const env = loadTestEnv();
const rest = new KeycloakRest(env);
const kubectl = (args: string[], input?: string) =>
  execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

async function leads(op: OperatorUnderTest): Promise<boolean> {
  const text = await (await fetch(op.metricsUrl)).text();
  return /^dash_keycloak_operator_leader 1$/m.test(text);
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Another holder takes the Lease, as a replica that won it while the leader's renewals were late would; the leader's next renewal finds it held. */
function takeLease(namespace: string, holder: string): boolean {
  const lease = JSON.parse(kubectl(['get', 'lease', LEASE, '-n', namespace, '-o', 'json'])) as { spec: Record<string, unknown> };
  const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  lease.spec = { ...lease.spec, holderIdentity: holder, leaseDurationSeconds: 60, acquireTime: now, renewTime: now };
  try {
    kubectl(['replace', '-f', '-'], JSON.stringify(lease));
    return true;
  } catch {
    return false; // the leader renewed in between (409): read again
  }
}

describe('two replicas of the operator when the leader loses the Lease', () => {
  let proxy: RecordingProxy;
  let first: OperatorUnderTest;
  let second: OperatorUnderTest | undefined;
  afterEach(async () => {
    await second?.stop();
    await first.stop();
    await proxy.stop();
    await rest.deleteRealm(first.realm);
  });

  it('the old leader sends no Keycloak write after losing it, even from a pass in flight, and the new leader converges', async () => {
    proxy = new RecordingProxy(env.KEYCLOAK_URL);
    const proxied = await proxy.start();
    first = await startOperator({ extraArgs: [...LEASE_ARGS, `--keycloak-url=${proxied}`] });
    await until('the first replica to lead', () => leads(first));
    second = await startOperator({ namespace: first.namespace, extraArgs: LEASE_ARGS });
    const standby = second;
    await until('the second replica to serve metrics', async () => (await fetch(standby.metricsUrl)).ok);
    first.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: first.realm } });
    await first.waitReady('DashRealm', 'dash');
    expect(proxy.adminWritesSince(0).length).toBeGreaterThan(0); // the leader's writes do pass the proxy
    expect(await leads(second)).toBe(false);

    // A pass in flight: the leader's reads of Keycloak wait at the proxy.
    proxy.hold();
    const since = Date.now();
    first.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'late' }, spec: { realmRef: { name: 'dash' } } });
    await until('a pass of the leader waiting on a Keycloak read', () => proxy.held > 0);
    await new Promise((r) => setTimeout(r, 500));

    await until('the Lease taken by another holder', () => takeLease(first.namespace, 'another-replica'));
    await until('the old leader to step down', async () => !(await leads(first)), 10_000);
    proxy.release();
    // The pass goes on with its reads; its next write (creating the group) must not go out.
    await until('the pass to stop, or to write', () => first.logs().includes('pass stopped before its end') || proxy.adminWritesSince(since).length > 0, 15_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(proxy.adminWritesSince(since)).toEqual([]);
    expect(first.logs()).toContain('not sent: this replica lost the leader lease');
    expect((await rest.topGroups(first.realm)).map((g) => g.name)).not.toContain('late');
    // No status either: the new leader owns the object now.
    expect((await first.get<{ status?: unknown }>('DashGroup', 'late'))?.status).toBeUndefined();

    // The old leader gone and the Lease free, the standby takes over and converges.
    await first.kill();
    kubectl(['delete', 'lease', LEASE, '-n', first.namespace]);
    await until('the standby to lead', () => leads(second as OperatorUnderTest), 30_000);
    const late = await second.waitReady<{ status: { keycloakId: string } }>('DashGroup', 'late');
    const inKeycloak = (await rest.topGroups(first.realm)).find((g) => g.name === 'late');
    expect(inKeycloak?.id).toBe(late.status.keycloakId);
    expect(proxy.adminWritesSince(since)).toEqual([]);
  }, 240_000);
});
