// Two operator processes on one Lease: only the leader reconciles; SIGKILL of the leader hands
// over within about a lease duration; SIGTERM drains the pass in flight, releases the lease
// (so the standby takes over at once) and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { KubeRestClient } from '../../../src/kube/client.js';
import { LeaseKind } from '../../../src/kube/resource-kind.js';
import { loadTestEnv, repoRoot } from '../../env/test-env.js';
import { WidgetKind, adminClient, createNamespace, deleteNamespace, eventually, installWidgetCrd, isReady, type Widget, type WidgetSpec } from './widgets.js';

const LEASE = { LEASE_DURATION_MS: 4000, RENEW_DEADLINE_MS: 3000, RETRY_PERIOD_MS: 500 };
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'widget-operator.ts');

interface Operator {
  proc: ChildProcess;
  identity: string;
  metricsPort: number;
  exited: Promise<number | null>;
}

let client: KubeRestClient;
let namespace: string;
const operators: Operator[] = [];

/** Starts a widget operator process and resolves once it has started (printed its identity and ports). */
async function startOperator(): Promise<Operator> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, KUBECONFIG: loadTestEnv().KUBECONFIG, WIDGET_NAMESPACE: namespace, ...Object.fromEntries(Object.entries(LEASE).map(([k, v]) => [k, String(v)])) },
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const started = await new Promise<{ identity: string; metricsPort: number }>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; identity?: string; metricsPort?: number };
      if (entry.msg === 'started' && entry.identity && entry.metricsPort) resolve({ identity: entry.identity, metricsPort: entry.metricsPort });
    });
    void exited.then((code) => reject(new Error(`operator exited with ${code} before it started`)));
  });
  const operator = { proc, exited, ...started };
  operators.push(operator);
  return operator;
}

/** Reconcile passes an operator counted, from its /metrics. */
async function reconciles(op: Operator): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${op.metricsPort}/metrics`)).text();
  return [...text.matchAll(/^dash_keycloak_operator_reconcile_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}
async function isLeaderByMetrics(op: Operator): Promise<boolean> {
  const text = await (await fetch(`http://127.0.0.1:${op.metricsPort}/metrics`)).text();
  return /^dash_keycloak_operator_leader 1$/m.test(text);
}
const holder = async () => ((await client.get(LeaseKind, namespace, 'widget-operator')) as { spec?: { holderIdentity?: string } } | undefined)?.spec?.holderIdentity;
const get = async (name: string) => (await client.get(WidgetKind, namespace, name)) as Widget | undefined;
const create = (name: string, spec: WidgetSpec) => client.create(WidgetKind, namespace, { apiVersion: 'runtime-test.dashops.dev/v1', kind: 'Widget', metadata: { name }, spec });
const reconciledBy = (name: string, identity: string, value: number) => eventually(`${name} reconciled by ${identity} with value ${value}`, async () => {
  const w = await get(name);
  return isReady(w) && w?.status?.reconciledBy === identity && w.status.value === value ? w : undefined;
}, 30_000);

beforeAll(async () => {
  client = adminClient().client;
  await installWidgetCrd(client);
});

beforeEach(async () => {
  namespace = await createNamespace(client, 'rt-le');
});

afterEach(async () => {
  for (const op of operators.splice(0)) {
    op.proc.kill('SIGKILL');
    await op.exited;
  }
  await deleteNamespace(namespace);
});

describe('two operator processes on one Lease', () => {
  it('only the leader reconciles; SIGKILL of the leader hands over within about a lease duration', async () => {
    const first = await startOperator();
    await eventually('the first process to lead', async () => (await holder()) === first.identity);
    const second = await startOperator();
    await create('shared', { value: 1 });
    await reconciledBy('shared', first.identity, 1);
    await new Promise((r) => setTimeout(r, 2 * LEASE.LEASE_DURATION_MS));
    expect(await holder()).toBe(first.identity);
    expect(await reconciles(first)).toBeGreaterThan(0);
    expect(await reconciles(second)).toBe(0);
    expect(await isLeaderByMetrics(second)).toBe(false);

    const killedAt = Date.now();
    first.proc.kill('SIGKILL');
    await eventually('the standby to take the lease', async () => (await holder()) === second.identity, 30_000);
    const takeoverMs = Date.now() - killedAt;
    // Expiry is measured from the standby's last observation of a renewal (at most a retry
    // period old), and the standby polls every retry period (plus up to 20% jitter).
    expect(takeoverMs).toBeLessThanOrEqual(LEASE.LEASE_DURATION_MS + 3 * LEASE.RETRY_PERIOD_MS + 1000);
    await client.mergePatch(WidgetKind, namespace, 'shared', { spec: { value: 2 } });
    await reconciledBy('shared', second.identity, 2);
    expect(await isLeaderByMetrics(second)).toBe(true);
  });

  it('SIGTERM finishes the pass in flight, releases the lease so the standby takes over at once, and exits 0', async () => {
    const first = await startOperator();
    await eventually('the first process to lead', async () => (await holder()) === first.identity);
    const second = await startOperator();
    await create('slow', { value: 1, delayMs: 3000 });
    // The finalizer is added in a pass of its own; the slow pass (3 s) starts right after.
    await eventually('the finalizer', async () => (await get('slow'))?.metadata.finalizers?.length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(isReady(await get('slow'))).toBe(false);
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const exitedAt = Date.now();
    // The pass that was running when SIGTERM came still wrote its status.
    const w = await get('slow');
    expect(isReady(w) && w?.status?.reconciledBy === first.identity).toBe(true);
    await eventually('the standby to take the released lease', async () => (await holder()) === second.identity, 10_000);
    // A released lease (no holder, 1 s) is taken within a retry period; an abandoned one only
    // after the lease duration since its last renewal.
    expect(Date.now() - exitedAt).toBeLessThan(2500);
  });
});
