import { beforeEach, describe, expect, it } from '@jest/globals';
import { SecretKind } from '../../../src/kube/resource-kind.js';
import { Controller } from '../../../src/runtime/controller.js';
import { WakeRouter, isStatusOnlyChange } from '../../../src/runtime/wake-router.js';
import { EventRecorder } from '../../../src/runtime/events.js';
import { createMetrics } from '../../../src/runtime/metrics.js';
import { ObjectStore } from '../../../src/runtime/object-store.js';
import type { ControllerRegistration } from '../../../src/runtime/reconciler.js';
import { ReferenceIndex } from '../../../src/runtime/references.js';
import { FakeKube, GadgetKind, WidgetKind, silentLogger, widget, type Widget } from './fakes.js';

let store: ObjectStore;
let references: ReferenceIndex;
let router: WakeRouter;

function controllerFor(registration: ControllerRegistration): Controller {
  const kube = new FakeKube(store);
  const controller: Controller = new Controller({
    registration, cache: store, client: kube, references, owner: (key) => ({ controller: controller.id, key }),
    events: new EventRecorder(kube, { controller: 'c', instance: 'i' }, silentLogger), classifiers: [], logger: silentLogger,
    metrics: createMetrics({ collectDefaults: false }), dependencyWaitMs: 5000, now: () => new Date(), wake: () => undefined,
  }, { concurrency: 1, resyncPeriodMs: 60_000, backoff: { baseMs: 5, maxMs: 1000 } });
  router.add(controller, registration);
  return controller;
}
const reconciler = { reconcile: async () => ({}) };

beforeEach(() => {
  store = new ObjectStore();
  store.addKind(WidgetKind);
  store.addKind(GadgetKind);
  store.addKind(SecretKind);
  references = new ReferenceIndex();
  router = new WakeRouter(store, references, silentLogger);
  store.onChange((e) => router.handle(e));
});

describe('isStatusOnlyChange', () => {
  const base = widget('w', {}, { generation: 1, labels: { a: '1' }, finalizers: ['f'] });
  it.each([
    ['a status write', true, { ...base, metadata: { ...base.metadata, resourceVersion: '2' }, status: { x: 1 } }],
    ['a spec change (new generation)', false, { ...base, metadata: { ...base.metadata, generation: 2 } }],
    ['a label change', false, { ...base, metadata: { ...base.metadata, labels: { a: '2' } } }],
    ['an annotation change', false, { ...base, metadata: { ...base.metadata, annotations: { 'identity.dashops.dev/logout-all': 'now' } } }],
    ['a finalizer change', false, { ...base, metadata: { ...base.metadata, finalizers: [] } }],
    ['a deletion', false, { ...base, metadata: { ...base.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }],
  ])('%s: status only = %s', (_t, expected, next) => {
    expect(isStatusOnlyChange(base, next)).toBe(expected);
  });
});

describe('routing cache changes to work', () => {
  it('queues an object for its own controller on add and spec change, not on a status-only update', async () => {
    const widgets = controllerFor({ kind: WidgetKind, reconciler });
    store.apply('add', WidgetKind, widget('w'));
    expect(widgets.queue.length).toBe(1);
    widgets.queue.done((await widgets.queue.get()) as string);
    store.apply('update', WidgetKind, { ...widget('w', {}, { resourceVersion: '2' }), status: { ok: true } } as Widget);
    expect(widgets.queue.length).toBe(0);
    store.apply('update', WidgetKind, widget('w', { v: 2 }, { resourceVersion: '3', generation: 2 }));
    expect(widgets.queue.length).toBe(1);
  });

  it('queues an edit of an object (new generation, deletion) ahead of keys its controller was woken for otherwise', async () => {
    const widgets = controllerFor({ kind: WidgetKind, reconciler });
    store.apply('add', WidgetKind, widget('w'));
    expect(await widgets.queue.get()).toBe('ns/w');
    widgets.queue.done('ns/w');
    widgets.enqueue('ns/woken-by-a-rule');
    store.apply('update', WidgetKind, widget('w', {}, { generation: 2 }));
    expect(await widgets.queue.get()).toBe('ns/w');
  });

  it('queues a new object, or a metadata change, in turn: a thousand objects applied at once must not starve the other wakes', async () => {
    const widgets = controllerFor({ kind: WidgetKind, reconciler });
    widgets.enqueue('ns/woken-by-a-rule');
    store.apply('add', WidgetKind, widget('w'));
    expect(await widgets.queue.get()).toBe('ns/woken-by-a-rule');
  });

  it('wakes the owners that referenced an object, on any change (status included) and when it appears', () => {
    const widgets = controllerFor({ kind: WidgetKind, reconciler });
    references.set({ controller: widgets.id, key: 'ns/waiting' }, 'reads', [{ kind: GadgetKind, namespace: 'ns', name: 'g' }]);
    references.set({ controller: widgets.id, key: 'ns/secret-user' }, 'spec', [{ kind: SecretKind, namespace: 'ns', name: 's' }]);
    store.apply('add', GadgetKind, { metadata: { name: 'g', namespace: 'ns', resourceVersion: '1', generation: 1 } });
    store.apply('add', SecretKind, { metadata: { name: 's', namespace: 'ns', resourceVersion: '1' } });
    store.apply('add', SecretKind, { metadata: { name: 'unrelated', namespace: 'ns', resourceVersion: '1' } });
    expect(widgets.queue.length).toBe(2);
  });

  it('maps changes of another kind to keys through watch rules', () => {
    const widgets = controllerFor({
      kind: WidgetKind, reconciler,
      watches: [{ kind: 'Gadget', map: (g) => [{ namespace: g.metadata.namespace ?? '', name: `for-${g.metadata.name}` }] }],
    });
    store.apply('add', GadgetKind, { metadata: { name: 'g', namespace: 'ns', resourceVersion: '1' } });
    store.apply('update', GadgetKind, { metadata: { name: 'g', namespace: 'ns', resourceVersion: '2' }, status: {} } as never);
    expect(widgets.queue.length).toBe(1);
  });

  it('hands a watch rule the object before an update, and nothing on add and delete', () => {
    const seen: (string | undefined)[] = [];
    controllerFor({ kind: WidgetKind, reconciler, watches: [{ kind: GadgetKind, map: (_g, _cache, old) => { seen.push(old?.metadata.resourceVersion); return []; } }] });
    const gadget = (rv: string) => ({ metadata: { name: 'g', namespace: 'ns', resourceVersion: rv } });
    store.apply('add', GadgetKind, gadget('1'));
    store.apply('update', GadgetKind, gadget('2'));
    store.apply('delete', GadgetKind, gadget('2'));
    expect(seen).toEqual([undefined, '1', undefined]);
  });

  it('survives a watch rule that throws (the informer callback must not break)', () => {
    const widgets = controllerFor({ kind: WidgetKind, reconciler, watches: [{ kind: GadgetKind, map: () => { throw new Error('bad rule'); } }] });
    expect(() => store.apply('add', GadgetKind, { metadata: { name: 'g', namespace: 'ns', resourceVersion: '1' } })).not.toThrow();
    store.apply('add', WidgetKind, widget('w'));
    expect(widgets.queue.length).toBe(1);
  });
});

describe('the object store', () => {
  it('answers get and list by kind name or ResourceKind, per namespace or across all', () => {
    store.apply('add', WidgetKind, widget('a'));
    store.apply('add', WidgetKind, widget('b', {}, { namespace: 'other' }));
    expect(store.get('Widget', 'ns', 'a')?.metadata.name).toBe('a');
    expect(store.list(WidgetKind).map((w) => w.metadata.name).sort()).toEqual(['a', 'b']);
    expect(store.list('Widget', 'other').map((w) => w.metadata.name)).toEqual(['b']);
    expect(() => store.get('Nope', 'ns', 'a')).toThrow('Nope is not watched');
  });

  it('keeps secondary indexes up to date through updates and deletes', () => {
    store.addIndex(WidgetKind, 'byGroup', (w) => ((w as { spec?: { groups?: string[] } }).spec?.groups ?? []).map((g) => `${w.metadata.namespace}/${g}`));
    store.apply('add', WidgetKind, widget('u1', { groups: ['g1', 'g2'] }));
    store.apply('add', WidgetKind, widget('u2', { groups: ['g1'] }));
    expect(store.byIndex(WidgetKind, 'byGroup', 'ns/g1').map((w) => w.metadata.name).sort()).toEqual(['u1', 'u2']);
    store.apply('update', WidgetKind, widget('u1', { groups: ['g2'] }, { resourceVersion: '2' }));
    expect(store.byIndex(WidgetKind, 'byGroup', 'ns/g1').map((w) => w.metadata.name)).toEqual(['u2']);
    store.apply('delete', WidgetKind, widget('u2', { groups: ['g1'] }));
    expect(store.byIndex(WidgetKind, 'byGroup', 'ns/g1')).toEqual([]);
  });

  it('reports a re-listed object it already had as an update with the old object', () => {
    const seen: string[] = [];
    store.onChange((e) => seen.push(`${e.type}:${e.old?.metadata.resourceVersion ?? '-'}`));
    store.apply('add', WidgetKind, widget('a'));
    store.apply('add', WidgetKind, widget('a', {}, { resourceVersion: '5' }));
    expect(seen).toEqual(['add:-', 'update:1']);
  });
});
