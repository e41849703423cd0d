import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Controller, RESYNC_CAUSE } from '../../../src/runtime/controller.js';
import { EventRecorder } from '../../../src/runtime/events.js';
import { createMetrics } from '../../../src/runtime/metrics.js';
import { ObjectStore } from '../../../src/runtime/object-store.js';
import { passSignal } from '../../../src/runtime/pass-signal.js';
import type { ReconcileContext, WatchRule } from '../../../src/runtime/reconciler.js';
import { queueKey } from '../../../src/runtime/keys.js';
import { ReferenceIndex } from '../../../src/runtime/references.js';
import { FakeKube, WidgetKind, finalized, silentLogger, widget } from './fakes.js';

let store: ObjectStore;
let inFlight: number;
let maxInFlight: number;
let runs: Map<string, number>;
let holdMs: number;
let signals: AbortSignal[];
let passSignals: (AbortSignal | undefined)[];
/** The causes each pass saw in ctx.wokenBy when it ended. */
let causesSeen: string[][];
/** Names whose first 50 passes throw at once. */
let failing: Set<string>;

function controller(concurrency: number, resyncPeriodMs = 600_000, watches: WatchRule[] = []): Controller {
  const kube = new FakeKube(store);
  return new Controller({
    registration: {
      kind: WidgetKind,
      watches,
      reconciler: {
        reconcile: async (obj, ctx: ReconcileContext) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          signals.push(ctx.signal);
          passSignals.push(passSignal());
          runs.set(obj.metadata.name, (runs.get(obj.metadata.name) ?? 0) + 1);
          if (failing.has(obj.metadata.name) && (runs.get(obj.metadata.name) ?? 0) <= 50) {
            // Fails without I/O, as a conflict found in the cache does.
            causesSeen.push([...ctx.wokenBy]);
            inFlight--;
            throw new Error('conflict found in the cache');
          }
          await new Promise((r) => setTimeout(r, holdMs));
          causesSeen.push([...ctx.wokenBy]);
          inFlight--;
          return {};
        },
      },
    },
    cache: store, client: kube, references: new ReferenceIndex(), owner: (key) => ({ controller: 'widgets', key }),
    events: new EventRecorder(kube, { controller: 'c', instance: 'i' }, silentLogger), classifiers: [], logger: silentLogger,
    metrics: createMetrics({ collectDefaults: false }), dependencyWaitMs: 5000, now: () => new Date(), wake: () => undefined,
  }, { concurrency, resyncPeriodMs, backoff: { baseMs: 5, maxMs: 1000 } });
}

/** Stops `c`, moving the fake clock so that a pass in flight can finish. */
async function stop(c: Controller): Promise<void> {
  const stopped = c.stop(1_000);
  await jest.advanceTimersByTimeAsync(1_000);
  await stopped;
}

beforeEach(() => {
  jest.useFakeTimers();
  store = new ObjectStore();
  store.addKind(WidgetKind);
  inFlight = 0;
  maxInFlight = 0;
  runs = new Map();
  holdMs = 100;
  signals = [];
  passSignals = [];
  causesSeen = [];
  failing = new Set();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('a controller', () => {
  it('runs at most `concurrency` reconciles at once, and every cached object once at start', async () => {
    for (let i = 0; i < 10; i++) store.apply('add', WidgetKind, finalized(widget(`w${i}`), 'none'));
    const c = controller(3);
    await c.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(maxInFlight).toBe(3);
    expect([...runs.values()]).toEqual(Array(10).fill(1));
    await stop(c);
  });

  it('reconciles every object again each resync period, and only then when nothing changes', async () => {
    store.apply('add', WidgetKind, widget('idle'));
    const c = controller(1, 10_000);
    await c.start();
    await jest.advanceTimersByTimeAsync(9_000);
    expect(runs.get('idle')).toBe(1);
    await jest.advanceTimersByTimeAsync(31_000);
    expect(runs.get('idle')).toBe(5);
    await stop(c);
  });

  it('runs a key woken with a spacing no sooner than that after its previous pass started; a wake after a quiet spell, or without spacing, runs at once', async () => {
    const b = widget('b');
    store.apply('add', WidgetKind, b);
    holdMs = 50;
    const c = controller(1, 600_000, [{ kind: WidgetKind, map: () => [], spacingMs: 500 }]);
    await c.start();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(runs.get('b')).toBe(1);
    c.enqueue(queueKey(b), 0, undefined, 500);
    await jest.advanceTimersByTimeAsync(100);
    expect(runs.get('b')).toBe(2);
    // Three wakes 100-200 ms after that pass started: one pass, 500 ms after it.
    for (const _ of [1, 2, 3]) {
      c.enqueue(queueKey(b), 0, undefined, 500);
      await jest.advanceTimersByTimeAsync(50);
    }
    await jest.advanceTimersByTimeAsync(200);
    expect(runs.get('b')).toBe(2);
    await jest.advanceTimersByTimeAsync(200);
    expect(runs.get('b')).toBe(3);
    c.enqueue(queueKey(b));
    await jest.advanceTimersByTimeAsync(10);
    expect(runs.get('b')).toBe(4);
    await stop(c);
  });

  it('gives a cause queued while its key runs to that pass too, and to the next one', async () => {
    store.apply('add', WidgetKind, widget('b'));
    const c = controller(1);
    await c.start();
    await jest.advanceTimersByTimeAsync(10);
    // The pass may read after the change the cause names: it may be the one that corrects it.
    c.enqueue('ns/b', 0, 'feed');
    await jest.advanceTimersByTimeAsync(300);
    expect(causesSeen).toEqual([[RESYNC_CAUSE, 'feed'], ['feed']]);
    await stop(c);
  });

  it('retries a failed pass after its backoff, not at once, and gives the retry the causes that woke it', async () => {
    store.apply('add', WidgetKind, widget('f'));
    failing.add('f');
    const c = controller(1);
    await c.start(); // the first pass carries RESYNC_CAUSE and fails
    await jest.advanceTimersByTimeAsync(1);
    expect(runs.get('f')).toBe(1);
    await jest.advanceTimersByTimeAsync(10); // the test backoff starts at 5 ms
    expect(runs.get('f')).toBeGreaterThanOrEqual(2);
    expect(runs.get('f')).toBeLessThanOrEqual(3);
    expect(causesSeen[1]).toEqual([RESYNC_CAUSE]);
    await stop(c);
  });

  it('tags the passes at start and every resync period with RESYNC_CAUSE, and no other', async () => {
    store.apply('add', WidgetKind, widget('b'));
    const c = controller(1, 1_000);
    await c.start();
    await jest.advanceTimersByTimeAsync(500);
    c.enqueue('ns/b');
    await jest.advanceTimersByTimeAsync(700);
    expect(causesSeen).toEqual([[RESYNC_CAUSE], [], [RESYNC_CAUSE]]);
    await stop(c);
  });

  it('runs a key woken urgently ahead of the keys queued before it, and gives it the cause', async () => {
    for (const name of ['a', 'b', 'c', 'd']) store.apply('add', WidgetKind, widget(name));
    const c = controller(1);
    await c.start(); // queues a, b, c, d; a is taken at once
    c.enqueueUrgent('ns/d', 'feed');
    await jest.advanceTimersByTimeAsync(250);
    expect([...runs.keys()]).toEqual(['a', 'd', 'b']);
    expect(causesSeen[1]).toEqual([RESYNC_CAUSE, 'feed']);
    await stop(c);
  });

  it('takes no key after stop, but lets the pass in flight finish first', async () => {
    store.apply('add', WidgetKind, widget('a'));
    holdMs = 5_000;
    const c = controller(1);
    await c.start();
    await jest.advanceTimersByTimeAsync(10);
    const stopped = c.stop(60_000);
    c.enqueue('ns/a');
    await jest.advanceTimersByTimeAsync(5_000);
    expect(await stopped).toBe(true);
    expect(inFlight).toBe(0);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(runs.get('a')).toBe(1);
  });

  it('stops waiting at the drain timeout and aborts the signal of the pass left behind', async () => {
    store.apply('add', WidgetKind, widget('slow'));
    holdMs = 600_000;
    const c = controller(1);
    await c.start();
    await jest.advanceTimersByTimeAsync(10);
    const stopped = c.stop(1_000);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await stopped).toBe(false);
    expect(signals[0].aborted).toBe(true);
  });

  it('aborts the passes in flight at once when leadership is lost; they see it through passSignal() and write no status', async () => {
    store.apply('add', WidgetKind, widget('busy'));
    holdMs = 5_000;
    const c = controller(1);
    await c.start();
    await jest.advanceTimersByTimeAsync(10);
    expect(passSignals[0]).toBe(signals[0]);
    const stopped = c.stop(60_000, new Error('this replica lost the leader lease'));
    expect(signals[0]?.aborted).toBe(true);
    expect((signals[0]?.reason as Error).message).toBe('this replica lost the leader lease');
    await jest.advanceTimersByTimeAsync(5_000);
    expect(await stopped).toBe(true);
    expect((store.get(WidgetKind, 'ns', 'busy') as { status?: unknown } | undefined)?.status).toBeUndefined();
  });

  it('works again after a restart (leadership regained)', async () => {
    store.apply('add', WidgetKind, widget('a'));
    const c = controller(1);
    await c.start();
    await jest.advanceTimersByTimeAsync(500);
    await stop(c);
    await c.start();
    await jest.advanceTimersByTimeAsync(500);
    expect(runs.get('a')).toBe(2);
    await stop(c);
  });
});
