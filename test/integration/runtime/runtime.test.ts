// The runtime end to end against the real kube-apiserver, with a test reconciler over Widgets:
// each test runs its own Manager on its own namespace.
import { KubeRestClient } from '../../../src/kube/client.js';
import { EventKind, SecretKind } from '../../../src/kube/resource-kind.js';
import type { Manager } from '../../../src/runtime/index.js';
import {
  CountingClient, Recorder, WIDGET_FINALIZER, WidgetKind, adminClient, createNamespace, deleteNamespace, eventually, installWidgetCrd,
  isReady, ready, sleep, startManager, type Widget, type WidgetSpec,
} from './widgets.js';

let client: KubeRestClient;
let namespace: string;
let recorder: Recorder;
let manager: Manager | undefined;
let counting: CountingClient;

const get = async (name: string) => (await client.get(WidgetKind, namespace, name)) as Widget | undefined;
const create = (name: string, spec: WidgetSpec = {}) =>
  client.create(WidgetKind, namespace, { apiVersion: 'runtime-test.dashops.dev/v1', kind: 'Widget', metadata: { name }, spec });
const patchSpec = (name: string, spec: WidgetSpec) => client.mergePatch(WidgetKind, namespace, name, { spec });
const waitReady = (name: string, timeoutMs = 30_000) => eventually(`widget ${name} Ready`, async () => {
  const w = await get(name);
  return isReady(w) ? w : undefined;
}, timeoutMs);
async function eventsAbout(name: string): Promise<string[]> {
  const list = await client.list(EventKind, namespace);
  return (list.items as (Widget & { regarding?: { name?: string }; type?: string; reason?: string })[])
    .filter((e) => e.regarding?.name === name).map((e) => `${e.type} ${e.reason}`).sort();
}
async function run(overrides: Parameters<typeof startManager>[2] = {}): Promise<void> {
  ({ manager, client: counting } = await startManager(namespace, recorder, overrides));
}

beforeAll(async () => {
  client = adminClient().client;
  await installWidgetCrd(client);
});

beforeEach(async () => {
  namespace = await createNamespace(client, 'rt');
  recorder = new Recorder();
});

afterEach(async () => {
  await manager?.stop();
  manager = undefined;
  await deleteNamespace(namespace);
});

describe('the controller runtime against the real kube-apiserver', () => {
  it('reconciles a created object exactly once: finalizer first, then one pass, then quiet', async () => {
    await run();
    await create('one', { value: 1 });
    const w = await waitReady('one');
    expect(w.metadata.finalizers).toEqual([WIDGET_FINALIZER]);
    expect(w.status).toMatchObject({ value: 1, observedGeneration: 1 });
    expect(ready(w)).toMatchObject({ status: 'True', reason: 'Reconciled' });
    await sleep(3000);
    expect(recorder.count('one')).toBe(1);
    expect(counting.statusWrites).toBe(1);
    expect(await eventually('the Ready event', async () => {
      const events = await eventsAbout('one');
      return events.length > 0 ? events : undefined;
    })).toEqual(['Normal Reconciled']);
  });

  it('coalesces 100 rapid updates of one object into far fewer passes, never two at once, and the last state wins', async () => {
    await run();
    await create('busy', { value: 0, delayMs: 50 });
    await waitReady('busy');
    const before = recorder.count('busy');
    for (let value = 1; value <= 100; value++) await patchSpec('busy', { value, delayMs: 50 });
    const done = await eventually('the last update reconciled', async () => {
      const w = await get('busy');
      return isReady(w) && w?.status?.value === 100 ? w : undefined;
    }, 60_000);
    const passes = recorder.count('busy') - before;
    expect(done.status?.observedGeneration).toBe(done.metadata.generation);
    expect(passes).toBeGreaterThanOrEqual(1);
    expect(passes).toBeLessThan(50);
    expect(recorder.overlaps).toBe(0);
    expect(recorder.passes.at(-1)?.value).toBe(100);
  });

  it('backs off a failing reconcile with growing delays, then recovers; one Warning and one Normal event, no duplicates', async () => {
    await run({ backoff: { baseMs: 200, maxMs: 60_000 } });
    await create('flaky', { failTimes: 5 });
    const w = await waitReady('flaky', 60_000);
    expect(recorder.count('flaky')).toBe(6);
    const times = recorder.times('flaky');
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    for (let i = 0; i < gaps.length; i++) {
      // 200, 400, 800, 1600, 3200 ms (plus the time a pass takes).
      expect(gaps[i]).toBeGreaterThanOrEqual(200 * 2 ** i * 0.9);
      if (i > 0) expect(gaps[i]).toBeGreaterThan(gaps[i - 1]);
    }
    expect(ready(w)).toMatchObject({ status: 'True' });
    expect(await eventually('both transition events', async () => {
      const events = await eventsAbout('flaky');
      return events.length >= 2 ? events : undefined;
    })).toEqual(['Normal Reconciled', 'Warning KeycloakUnavailable']);
    await sleep(1000);
    expect(await eventsAbout('flaky')).toHaveLength(2);
  });

  it('reconciles an idle object only on resync: no hot loop from its own status writes', async () => {
    await run({ resyncPeriodMs: 2000 });
    await create('idle', { value: 7 });
    const settled = await waitReady('idle');
    const passesBefore = recorder.count('idle');
    const writesBefore = counting.statusWrites;
    await sleep(7000);
    const passes = recorder.count('idle') - passesBefore;
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(passes).toBeLessThanOrEqual(5);
    expect(counting.statusWrites - writesBefore).toBe(0);
    expect((await get('idle'))?.metadata.resourceVersion).toBe(settled.metadata.resourceVersion);
  });

  it('wakes an object waiting for another one as soon as that one is Ready (not after the fixed wait)', async () => {
    await run({ dependencyWaitMs: 120_000 });
    await create('dependent', { needs: 'provider' });
    const waiting = await eventually('the wait to show', async () => {
      const w = await get('dependent');
      return ready(w)?.reason === 'WaitingForWidget' ? w : undefined;
    });
    expect(ready(waiting)).toMatchObject({ status: 'False', message: 'spec.needs: Widget provider is not Ready' });
    await create('provider');
    await waitReady('dependent', 20_000);
  });

  it('runs an object again when a Secret it reads appears or changes', async () => {
    await run({ dependencyWaitMs: 120_000 });
    await create('reader', { secret: 'creds' });
    await eventually('the wait for the Secret', async () => ready(await get('reader'))?.reason === 'WaitingForSecret');
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { value: Buffer.from('one').toString('base64') } };
    await client.create(SecretKind, namespace, secret);
    const first = await waitReady('reader', 20_000);
    await client.mergePatch(SecretKind, namespace, 'creds', { data: { value: Buffer.from('two').toString('base64') } });
    const second = await eventually('the new Secret version in status', async () => {
      const w = await get('reader');
      return w?.status?.secretVersion !== first.status?.secretVersion ? w : undefined;
    }, 20_000);
    expect(second.status?.secretVersion).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(second.status)).not.toContain('two');
  });

  it('reports a spec that does not parse as InvalidSpec naming the field, and recovers when it is fixed', async () => {
    await run();
    await create('bad', { value: 'seven' });
    const invalid = await eventually('InvalidSpec', async () => {
      const w = await get('bad');
      return ready(w)?.reason === 'InvalidSpec' ? w : undefined;
    });
    expect(ready(invalid)?.message).toBe('spec.value: must be a number, got string');
    expect(recorder.count('bad')).toBe(0);
    await patchSpec('bad', { value: 7 });
    await waitReady('bad');
  });

  it('cleans up a deleted object, records it, and removes the finalizer so the object goes', async () => {
    await run();
    await create('doomed');
    await waitReady('doomed');
    const { kc } = adminClient();
    const { CustomObjectsApi } = await import('@kubernetes/client-node');
    await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ group: WidgetKind.group, version: 'v1', namespace, plural: 'widgets', name: 'doomed' });
    await eventually('the widget to go', async () => (await get('doomed')) === undefined);
    expect(recorder.cleanups).toEqual(['doomed']);
    expect(await eventually('the cleanup event', async () => {
      const events = await eventsAbout('doomed');
      return events.includes('Normal CleanedUp') ? events : undefined;
    })).toContain('Normal CleanedUp');
  });
});
