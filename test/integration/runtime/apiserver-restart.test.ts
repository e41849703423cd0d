// kube-apiserver stops and starts again mid-run (etcd keeps the data): the watches break, the
// leader cannot renew; the runtime must pick everything up again without a restart of its own.
import { KubeRestClient } from '../../../src/kube/client.js';
import type { Manager } from '../../../src/runtime/index.js';
import { restartKubeApiserver } from '../../env/control.js';
import { Recorder, WidgetKind, adminClient, createNamespace, deleteNamespace, eventually, installWidgetCrd, isReady, startManager, type Widget, type WidgetSpec } from './widgets.js';

let client: KubeRestClient;
let namespace: string;
let manager: Manager | undefined;

const get = async (name: string) => (await client.get(WidgetKind, namespace, name)) as Widget | undefined;
const create = (name: string, spec: WidgetSpec) => client.create(WidgetKind, namespace, { apiVersion: 'runtime-test.dashops.dev/v1', kind: 'Widget', metadata: { name }, spec });
const reconciledWith = (name: string, value: number, timeoutMs = 30_000) => eventually(`${name} reconciled with value ${value}`, async () => {
  const w = await get(name);
  return isReady(w) && w?.status?.value === value ? w : undefined;
}, timeoutMs);

beforeAll(async () => {
  client = adminClient().client;
  await installWidgetCrd(client);
  namespace = await createNamespace(client, 'rt-restart');
});

afterAll(async () => {
  await manager?.stop();
  await deleteNamespace(namespace);
});

describe('a kube-apiserver restart', () => {
  it('is survived: watches, leadership, readiness and reconciles all come back', async () => {
    const recorder = new Recorder();
    ({ manager } = await startManager(namespace, recorder, {
      leaderElection: { namespace, name: 'restart-test', identity: 'jest', leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 500 },
      http: { host: '127.0.0.1', healthPort: 0, metricsPort: 0 },
    }));
    const m = manager;
    await eventually('leadership', async () => m.isLeader);
    await create('before', { value: 1 });
    await reconciledWith('before', 1);

    await restartKubeApiserver();

    // Changes made right after the restart must reach the reconciler through the resumed watch.
    await create('after', { value: 2 });
    await client.mergePatch(WidgetKind, namespace, 'before', { spec: { value: 3 } });
    await reconciledWith('after', 2, 90_000);
    await reconciledWith('before', 3, 30_000);
    await eventually('leadership again', async () => m.isLeader, 30_000);
    const readyz = await fetch(`http://127.0.0.1:${m.endpoints?.healthPort}/readyz`);
    expect(readyz.status).toBe(200);
    expect(recorder.overlaps).toBe(0);
  });
});
