import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ExponentialBackoff } from '../../../src/runtime/backoff.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

/** Resolves with the key `get` hands out, or 'pending' when none is ready after the microtasks settle. */
async function next(queue: WorkQueue): Promise<string | undefined | 'pending'> {
  const got = queue.get();
  return Promise.race([got, new Promise<'pending'>((r) => setImmediateLike(() => r('pending')))]);
}
// Fake timers also fake setImmediate: resolve "pending" after a chain of microtasks instead.
function setImmediateLike(fn: () => void): void {
  let chain = Promise.resolve();
  for (let i = 0; i < 10; i++) chain = chain.then(() => undefined);
  void chain.then(fn);
}

describe('a key is queued once', () => {
  it('hands out a key added three times only once', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('a');
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    expect(q.length).toBe(0);
  });

  it('keeps FIFO order between keys', async () => {
    const q = new WorkQueue();
    for (const k of ['a', 'b', 'c', 'a']) q.add(k);
    expect([await q.get(), await q.get(), await q.get()]).toEqual(['a', 'b', 'c']);
  });
});

describe('a key in work', () => {
  it('is never handed to a second worker', async () => {
    const q = new WorkQueue();
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('a');
    expect(await next(q)).toBe('pending');
  });

  it('runs again after done when it changed meanwhile, once however many times it changed', async () => {
    const q = new WorkQueue();
    q.add('a');
    await q.get();
    q.add('a');
    q.add('a');
    q.done('a');
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    expect(q.length).toBe(0);
  });

  it('does not run again after done when nothing was added meanwhile', async () => {
    const q = new WorkQueue();
    q.add('a');
    await q.get();
    q.done('a');
    expect(await next(q)).toBe('pending');
  });

  it('wakes a waiting worker when it is re-queued by done', async () => {
    const q = new WorkQueue();
    q.add('a');
    await q.get();
    const waiting = q.get();
    q.add('a');
    q.done('a');
    expect(await waiting).toBe('a');
  });
});

describe('urgent adds (an object\'s own change)', () => {
  it('go before every key queued by add, first in first out among themselves', async () => {
    const q = new WorkQueue();
    for (const k of ['a', 'b']) q.add(k);
    q.addUrgent('x');
    q.addUrgent('y');
    q.add('c');
    expect(q.length).toBe(5);
    const order = [];
    for (let i = 0; i < 5; i++) order.push(await q.get());
    expect(order).toEqual(['x', 'y', 'a', 'b', 'c']);
    expect(await next(q)).toBe('pending');
  });

  it('move a key already queued by add ahead, handed out once', async () => {
    const q = new WorkQueue();
    for (const k of ['a', 'b', 'c']) q.add(k);
    q.addUrgent('c');
    q.addUrgent('c');
    q.add('c');
    expect(q.length).toBe(3);
    expect([await q.get(), await q.get(), await q.get()]).toEqual(['c', 'a', 'b']);
    expect(q.length).toBe(0);
    // Its old place hands it out once more only after it was queued again, never a second time.
    q.done('c');
    q.add('c');
    expect(await q.get()).toBe('c');
    expect(await next(q)).toBe('pending');
  });

  it('of a key in work queue it ahead once it is done, never to a second worker meanwhile', async () => {
    const q = new WorkQueue();
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('b');
    q.addUrgent('a');
    expect(await q.get()).toBe('b');
    expect(q.length).toBe(0); // a waits for its worker's done
    q.add('c');
    q.done('a');
    expect([await q.get(), await q.get()]).toEqual(['a', 'c']);
  });

  it('wake a waiting worker', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.addUrgent('a');
    expect(await waiting).toBe('a');
    expect(q.length).toBe(0);
  });
});

describe('delayed adds', () => {
  it('queues the key only after the delay', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 1000);
    expect(q.length).toBe(0);
    await jest.advanceTimersByTimeAsync(999);
    expect(q.length).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(q.length).toBe(1);
  });

  it('keeps the earliest time when a key is delayed twice', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 5000);
    q.addAfter('a', 100);
    q.addAfter('a', 3000);
    await jest.advanceTimersByTimeAsync(100);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    await jest.advanceTimersByTimeAsync(10_000);
    expect(q.length).toBe(0);
  });

  it('treats a zero delay as an immediate add', () => {
    const q = new WorkQueue();
    q.addAfter('a', 0);
    expect(q.length).toBe(1);
  });
});

describe('per-key exponential backoff', () => {
  it('doubles from the base up to the cap, per key', () => {
    const b = new ExponentialBackoff({ baseMs: 5, maxMs: 100 });
    expect([b.when('a'), b.when('a'), b.when('a'), b.when('a'), b.when('a'), b.when('a')]).toEqual([5, 10, 20, 40, 80, 100]);
    expect(b.when('b')).toBe(5);
  });

  it('is reset by forget after a success', async () => {
    const q = new WorkQueue({ baseMs: 5, maxMs: 300_000 });
    expect([q.addRateLimited('a'), q.addRateLimited('a'), q.addRateLimited('a')]).toEqual([5, 10, 20]);
    expect(q.numRequeues('a')).toBe(3);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    expect(q.addRateLimited('a')).toBe(5);
  });

  it('re-queues a failing key after growing delays', async () => {
    const q = new WorkQueue({ baseMs: 100, maxMs: 10_000 });
    q.add('a');
    for (const delay of [100, 200, 400, 800]) {
      const key = (await q.get()) as string;
      q.addRateLimited(key);
      q.done(key);
      await jest.advanceTimersByTimeAsync(delay - 1);
      expect(q.length).toBe(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(q.length).toBe(1);
    }
  });

  it('stays finite after very many failures', () => {
    const b = new ExponentialBackoff({ baseMs: 5, maxMs: 300_000 });
    let delay = 0;
    for (let i = 0; i < 2000; i++) delay = b.when('a');
    expect(delay).toBe(300_000);
  });
});

describe('several workers', () => {
  it('never work on one key at the same time, and every change is seen after its last add', async () => {
    const q = new WorkQueue();
    const inWork = new Set<string>();
    const seenAfter = new Map<string, number>();
    const added = new Map<string, number>();
    let overlaps = 0;
    let tick = 0;
    const worker = async () => {
      for (;;) {
        const key = await q.get();
        if (key === undefined) return;
        if (inWork.has(key)) overlaps++;
        inWork.add(key);
        const startedAt = ++tick;
        await jest.advanceTimersByTimeAsync(1);
        inWork.delete(key);
        seenAfter.set(key, startedAt);
        q.done(key);
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    for (let i = 0; i < 200; i++) {
      const key = `k${i % 7}`;
      added.set(key, ++tick);
      q.add(key);
      if (i % 3 === 0) await jest.advanceTimersByTimeAsync(1);
    }
    while (q.length > 0 || q.processing > 0) await jest.advanceTimersByTimeAsync(1);
    q.shutDown();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    for (const [key, at] of added) expect(seenAfter.get(key)).toBeGreaterThan(at);
  });
});

describe('stopping', () => {
  it('resolves a waiting get with undefined when its signal aborts, and hands the next key to another worker', async () => {
    const q = new WorkQueue();
    const stop = new AbortController();
    const waiting = q.get(stop.signal);
    stop.abort();
    expect(await waiting).toBeUndefined();
    q.add('a');
    expect(await q.get()).toBe('a');
  });

  it('ignores adds and clears delayed ones after shutDown', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 100);
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('b');
    await jest.advanceTimersByTimeAsync(1000);
    expect(q.length).toBe(0);
    expect(q.delayed).toBe(0);
  });
});
