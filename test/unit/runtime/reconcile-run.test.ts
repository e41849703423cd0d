import { beforeEach, describe, expect, it } from '@jest/globals';
import { KubeApiError } from '../../../src/kube/errors.js';
import { SecretKind } from '../../../src/kube/resource-kind.js';
import type { Condition } from '../../../src/runtime/conditions.js';
import { EventRecorder } from '../../../src/runtime/events.js';
import { createMetrics } from '../../../src/runtime/metrics.js';
import { ObjectStore } from '../../../src/runtime/object-store.js';
import { Outcome, OutcomeError } from '../../../src/runtime/outcome.js';
import { runKey, type RunDeps } from '../../../src/runtime/reconcile-run.js';
import type { ControllerRegistration, FinalizeResult, ReconcileResult } from '../../../src/runtime/reconciler.js';
import { ReferenceIndex } from '../../../src/runtime/references.js';
import { FakeKube, WidgetKind, deleting, finalized, silentLogger, widget, type Widget } from './fakes.js';

const FINALIZER = 'test/finalizer';
let store: ObjectStore;
let kube: FakeKube;
let references: ReferenceIndex;
let clock: Date;
let calls: { reconcile: Widget[]; finalize: Widget[] };
/** What passes asked to run after them (`wake`), as `Kind namespace/name`. */
let woken: string[];
let reconcile: (obj: Widget) => Promise<ReconcileResult>;
let finalize: (obj: Widget) => Promise<FinalizeResult>;

function deps(overrides: Partial<ControllerRegistration> = {}): RunDeps {
  const registration: ControllerRegistration = {
    kind: WidgetKind,
    finalizer: FINALIZER,
    reconciler: {
      reconcile: async (obj, ctx) => {
        calls.reconcile.push(obj as Widget);
        const spec = (obj as Widget).spec ?? {};
        if (typeof spec.needs === 'string') ctx.cache.get(SecretKind, 'ns', spec.needs);
        return reconcile(obj as Widget);
      },
      finalize: async (obj) => {
        calls.finalize.push(obj as Widget);
        return finalize(obj as Widget);
      },
    },
    ...overrides,
  };
  return {
    registration, cache: store, client: kube, references, owner: (key) => ({ controller: 'widgets', key }),
    events: new EventRecorder(kube, { controller: 'test/controller', instance: 'me' }, silentLogger, () => clock),
    classifiers: [], logger: silentLogger, metrics: createMetrics({ collectDefaults: false }), dependencyWaitMs: 5000, now: () => clock,
    wake: (kind, keys) => woken.push(...keys.map((k) => `${typeof kind === 'string' ? kind : kind.kind} ${k.namespace}/${k.name}`)),
  };
}
const run = (d: RunDeps = deps(), key = 'ns/w') => runKey(d, key, new AbortController().signal);
const current = (name = 'w') => store.get<Widget>(WidgetKind, 'ns', name) as Widget;
const ready = (name = 'w') => (current(name).status?.conditions as Condition[] | undefined)?.find((c) => c.type === 'Ready');
const events = () => [...kube.events.values()].map((e) => `${e.type} ${e.reason}: ${e.note}`);

beforeEach(() => {
  store = new ObjectStore();
  store.addKind(WidgetKind);
  store.addKind(SecretKind);
  kube = new FakeKube(store);
  references = new ReferenceIndex();
  clock = new Date('2026-01-01T00:00:00Z');
  calls = { reconcile: [], finalize: [] };
  woken = [];
  reconcile = async (obj) => ({ status: { seen: obj.spec?.value ?? null } });
  finalize = async () => ({ done: true });
});

describe('a new object', () => {
  it('gets the finalizer first, and nothing else happens in that pass', async () => {
    kube.seed(widget());
    expect(await run()).toEqual({ type: 'forget' });
    expect(current().metadata.finalizers).toEqual([FINALIZER]);
    expect(calls.reconcile).toHaveLength(0);
    expect(kube.statusWrites).toHaveLength(0);
  });

  it('is reconciled once it carries the finalizer: Ready=True, fields, observedGeneration, one Normal event', async () => {
    kube.seed(finalized(widget('w', { value: 1 }, { generation: 3 })));
    expect(await run()).toEqual({ type: 'forget' });
    expect(current().status).toEqual({
      seen: 1, observedGeneration: 3,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: 'Reconciled successfully', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 3 }],
    });
    expect(events()).toEqual(['Normal Reconciled: Reconciled successfully']);
  });

  it('is gone from the cache: nothing to do, its references are forgotten', async () => {
    references.set({ controller: 'widgets', key: 'ns/w' }, 'spec', [{ kind: SecretKind, namespace: 'ns', name: 's' }]);
    expect(await run()).toEqual({ type: 'forget' });
    expect(references.ownersOf(SecretKind, 'ns', 's')).toEqual([]);
  });
});

describe('a pass that reports progress', () => {
  it('is Ready=False Progressing and runs again shortly, once its status can be in the cache', async () => {
    reconcile = async () => ({ status: { recorded: true }, progressing: 'recorded 1 grant; mapped on the next pass' });
    kube.seed(finalized(widget()));
    expect(await run()).toEqual({ type: 'forget', afterMs: 100 });
    expect(ready()).toMatchObject({ status: 'False', reason: 'Progressing', message: 'recorded 1 grant; mapped on the next pass' });
  });

  it('wakes the objects it names once its status is written, and none when the write fails', async () => {
    reconcile = async () => ({ status: {}, wake: [{ kind: SecretKind, keys: [{ namespace: 'ns', name: 'reporter' }] }] });
    kube.seed(finalized(widget()));
    await run();
    expect(kube.statusWrites).toHaveLength(1);
    expect(woken).toEqual(['Secret ns/reporter']);
    woken = [];
    kube.failNextStatus = new KubeApiError(409, 'Conflict', 'the object has been modified');
    reconcile = async () => ({ status: { changed: true }, wake: [{ kind: SecretKind, keys: [{ namespace: 'ns', name: 'reporter' }] }] });
    expect(await run()).toEqual({ type: 'backoff' });
    expect(woken).toEqual([]);
  });

  it('keeps a requeue the reconciler asked for', async () => {
    reconcile = async () => ({ status: {}, progressing: 'waiting', requeueAfterMs: 5000 });
    kube.seed(finalized(widget()));
    expect(await run()).toEqual({ type: 'forget', afterMs: 5000 });
  });
});

describe('a quiet second pass', () => {
  it('writes no status and records no event', async () => {
    kube.seed(finalized(widget('w', { value: 1 })));
    await run();
    clock = new Date('2026-01-01T00:10:00Z');
    await run();
    expect(kube.statusWrites).toHaveLength(1);
    expect(kube.events.size).toBe(1);
  });
});

describe('failures', () => {
  it('a dependency wait: Ready=False with the reason the reconciler named, a fixed wait, one Warning', async () => {
    reconcile = async () => { throw new OutcomeError(Outcome.Waiting, 'spec.realmRef: DashRealm r not found', { reason: 'WaitingForRealm' }); };
    kube.seed(finalized(widget()));
    expect(await run()).toEqual({ type: 'after', ms: 5000 });
    expect(ready()).toMatchObject({ status: 'False', reason: 'WaitingForRealm', message: 'spec.realmRef: DashRealm r not found' });
    expect(events()).toEqual(['Warning WaitingForRealm: spec.realmRef: DashRealm r not found']);
  });

  it('the same failure again: no status write, no second event (no flapping)', async () => {
    reconcile = async () => { throw new OutcomeError(Outcome.Unavailable, 'GET realm: Keycloak unreachable (ECONNREFUSED)', { reason: 'KeycloakUnavailable' }); };
    kube.seed(finalized(widget()));
    expect(await run()).toEqual({ type: 'backoff' });
    clock = new Date('2026-01-01T00:05:00Z');
    expect(await run()).toEqual({ type: 'backoff' });
    expect(kube.statusWrites).toHaveLength(1);
    expect(kube.events.size).toBe(1);
  });

  it('an unclassified error backs off with its message; recovery flips Ready and records a Normal event', async () => {
    let fail = true;
    reconcile = async () => {
      if (fail) throw new TypeError('cannot read properties of undefined');
      return { status: {} };
    };
    kube.seed(finalized(widget()));
    expect(await run()).toEqual({ type: 'backoff' });
    expect(ready()).toMatchObject({ status: 'False', reason: 'ReconcileError', message: 'cannot read properties of undefined' });
    fail = false;
    clock = new Date('2026-01-01T00:01:00Z');
    expect(await run()).toEqual({ type: 'forget' });
    expect(ready()).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T00:01:00Z' });
    expect(events()).toEqual(['Warning ReconcileError: cannot read properties of undefined', 'Normal Reconciled: Reconciled successfully']);
  });

  it('errors of another layer go through the injected classifier', async () => {
    class PortError extends Error {}
    reconcile = async () => { throw new PortError('POST /users: Keycloak answered 401'); };
    const d = deps();
    d.classifiers = [(err) => (err instanceof PortError ? { outcome: Outcome.AuthFailed, message: err.message, reason: 'KeycloakAuthFailed' } : undefined)];
    kube.seed(finalized(widget()));
    expect(await run(d)).toEqual({ type: 'backoff' });
    expect(ready()).toMatchObject({ reason: 'KeycloakAuthFailed' });
  });

  it('a spec that does not parse is InvalidSpec naming the field; the reconciler is not called and nothing retries', async () => {
    const d = deps({ parse: (obj) => (typeof (obj as Widget).spec?.value === 'number' ? { ok: true, spec: (obj as Widget).spec } : { ok: false, message: 'spec.value: expected number' }) });
    kube.seed(finalized(widget('w', { value: 'x' })));
    expect(await run(d)).toEqual({ type: 'forget' });
    expect(calls.reconcile).toHaveLength(0);
    expect(ready()).toMatchObject({ status: 'False', reason: 'InvalidSpec', message: 'spec.value: expected number' });
  });

  it('a parser that throws gives InvalidSpec, not a crash', async () => {
    const d = deps({ parse: () => { throw new Error('schema bug'); } });
    kube.seed(finalized(widget()));
    expect(await run(d)).toEqual({ type: 'forget' });
    expect(ready()).toMatchObject({ reason: 'InvalidSpec', message: 'spec could not be validated: schema bug' });
  });

  it('the reconciler gets the parsed spec (defaults applied)', async () => {
    const d = deps({ parse: () => ({ ok: true, spec: { value: 1, defaulted: true } }) });
    kube.seed(finalized(widget('w', { value: 1 })));
    await run(d);
    expect(calls.reconcile[0].spec).toEqual({ value: 1, defaulted: true });
  });
});

describe('status writes', () => {
  it('a 409 (stale cache) is a quiet backoff: no event is recorded', async () => {
    kube.seed(finalized(widget()));
    kube.failNextStatus = new KubeApiError(409, 'Conflict', 'the object has been modified');
    expect(await run()).toEqual({ type: 'backoff' });
    expect(kube.eventAttempts).toBe(0);
  });

  it('a refusal (422) records one StatusRejected Warning naming the reason, counts it, and backs off', async () => {
    kube.seed(finalized(widget()));
    const d = deps();
    const refusal = () => new KubeApiError(422, 'Invalid', 'PATCH /apis/x/widgets/w/status: 422 Invalid: Widget "w" is invalid: status.items: Too many: 300: must have at most 256 items');
    kube.failNextStatus = refusal();
    expect(await run(d)).toEqual({ type: 'backoff' });
    kube.failNextStatus = refusal();
    expect(await run(d)).toEqual({ type: 'backoff' });
    expect(events()).toEqual([
      'Warning StatusRejected: status of Widget ns/w not stored: the API server refused it (422 Invalid): Widget "w" is invalid: status.items: Too many: 300: must have at most 256 items; retrying with backoff',
    ]);
    expect(await d.metrics.registry.getSingleMetricAsString('dash_keycloak_operator_status_rejected_total')).toContain('dash_keycloak_operator_status_rejected_total{kind="Widget"} 2');
  });

  it('fit the fields with the registration\'s fitStatus, and add the conditions it returns', async () => {
    reconcile = async () => ({ status: { items: ['a', 'b', 'c'] } });
    kube.seed(finalized(widget()));
    await run(deps({
      fitStatus: (status) => {
        const items = status.items as string[] | undefined;
        if (!items || items.length <= 2) return { status, conditions: [] };
        return { status: { ...status, items: items.slice(0, 2) }, conditions: [{ type: 'StatusTruncated', status: 'True', reason: 'BoundsExceeded', message: 'items: 1 entry' }] };
      },
    }));
    expect(current().status?.items).toEqual(['a', 'b']);
    expect((current().status?.conditions as Condition[]).map((c) => c.type)).toEqual(['Ready', 'StatusTruncated']);
  });

  it('carry the resourceVersion read, so a stale read cannot overwrite newer status', async () => {
    kube.seed(finalized(widget()));
    await run();
    expect(kube.statusWrites[0].patch.metadata).toEqual({ resourceVersion: '1' });
  });

  it('record a requested event once per object version, however often the pass is retried', async () => {
    reconcile = async () => ({ status: {}, events: [{ type: 'Warning', reason: 'LicenseOnGroup', message: 'licensed_user is mapped to a group' }] });
    kube.seed(finalized(widget()));
    await run();
    await run();
    await run();
    expect(events().filter((e) => e.includes('LicenseOnGroup'))).toHaveLength(1);
  });

  it('stamp events with a MicroTime (six fractional digits)', async () => {
    kube.seed(finalized(widget()));
    await run();
    expect([...kube.events.values()][0].eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});

describe('dependencies', () => {
  it('an object read through the context, even a missing one, wakes the reader when it changes', async () => {
    reconcile = async () => { throw new OutcomeError(Outcome.Waiting, 'Secret s not found'); };
    kube.seed(finalized(widget('w', { needs: 's' })));
    await run();
    expect(references.ownersOf(SecretKind, 'ns', 's')).toEqual([{ controller: 'widgets', key: 'ns/w' }]);
  });

  it('a pass that succeeded keeps its reads of unwatched kinds only: a watched kind wakes it through its rule', async () => {
    kube.seed(finalized(widget('w', { needs: 's' }))); // the reconciler reads Secret s, then succeeds
    await run();
    expect(ready()).toMatchObject({ status: 'True' });
    expect(references.ownersOf(SecretKind, 'ns', 's')).toEqual([{ controller: 'widgets', key: 'ns/w' }]);
    kube.seed(finalized(widget('w', { needs: 's' }, { resourceVersion: '5' })));
    await run(deps({ watches: [{ kind: SecretKind, map: () => [] }] }));
    expect(references.ownersOf(SecretKind, 'ns', 's')).toEqual([]);
  });

  it('spec references are declared on every pass and replaced when they change', async () => {
    const d = deps({ references: (obj) => [{ kind: SecretKind, namespace: 'ns', name: String((obj as Widget).spec?.secret) }] });
    kube.seed(finalized(widget('w', { secret: 'a' })));
    await run(d);
    expect(references.ownersOf(SecretKind, 'ns', 'a')).toEqual([{ controller: 'widgets', key: 'ns/w' }]);
    store.apply('update', WidgetKind, finalized(widget('w', { secret: 'b' }, { resourceVersion: '9', generation: 2 })));
    await run(d);
    expect(references.ownersOf(SecretKind, 'ns', 'a')).toEqual([]);
    expect(references.ownersOf(SecretKind, 'ns', 'b')).toEqual([{ controller: 'widgets', key: 'ns/w' }]);
  });
});

describe('deletion', () => {
  it('cleans up, records the cleanup events, then removes the finalizer', async () => {
    finalize = async () => ({ done: true, events: [{ type: 'Normal', reason: 'Deleted', message: 'deleted group g' }] });
    kube.seed(deleting(finalized(widget())));
    expect(await run()).toEqual({ type: 'forget' });
    expect(calls.finalize).toHaveLength(1);
    expect(events()).toEqual(['Normal Deleted: deleted group g']);
    expect(store.get(WidgetKind, 'ns', 'w')).toBeUndefined();
  });

  it('a cleanup that waits says why in Ready (reason Deleting) and comes back after the fixed wait', async () => {
    finalize = async () => ({ done: false, waiting: 'waiting for child DashGroups: c' });
    kube.seed(deleting(finalized(widget())));
    expect(await run()).toEqual({ type: 'after', ms: 5000 });
    expect(ready()).toMatchObject({ status: 'False', reason: 'Deleting', message: 'waiting for child DashGroups: c' });
    expect(current().metadata.finalizers).toEqual([FINALIZER]);
  });

  it('a cleanup that fails keeps the finalizer, reports the outcome and backs off', async () => {
    finalize = async () => { throw new OutcomeError(Outcome.Unavailable, 'DELETE group: Keycloak unreachable', { reason: 'KeycloakUnavailable' }); };
    kube.seed(deleting(finalized(widget())));
    expect(await run()).toEqual({ type: 'backoff' });
    expect(ready()).toMatchObject({ reason: 'KeycloakUnavailable' });
    expect(current().metadata.finalizers).toEqual([FINALIZER]);
  });

  it('an object whose spec cannot be parsed is released with a Warning instead of hanging', async () => {
    const d = deps({ parse: () => ({ ok: false, message: 'spec.realmRef: required' }) });
    kube.seed(deleting(finalized(widget())));
    expect(await run(d)).toEqual({ type: 'forget' });
    expect(calls.finalize).toHaveLength(0);
    expect(events()).toEqual(['Warning FinalizerReleased: released without cleanup: spec.realmRef: required']);
    expect(store.get(WidgetKind, 'ns', 'w')).toBeUndefined();
  });

  it('an object deleted without our finalizer is left alone', async () => {
    kube.seed(deleting(finalized(widget(), 'someone/else')));
    expect(await run()).toEqual({ type: 'forget' });
    expect(calls.finalize).toHaveLength(0);
    expect(kube.metadataWrites).toHaveLength(0);
  });
});
