import { DEFAULT_BACKOFF, ExponentialBackoff, type BackoffOptions } from './backoff.js';

interface Delayed {
  at: number;
  timer: ReturnType<typeof setTimeout>;
}

/** Where a woken key goes: behind the keys queued (`add`) or ahead of them (`addUrgent`). */
export type WakePriority = 'normal' | 'urgent';

/**
 * A keyed work queue with client-go's semantics. A key is queued at most once (the dirty set);
 * a key being processed is never handed to a second worker, and if it is added meanwhile it
 * is queued again when the worker calls `done` (so the change is seen). `addAfter` keeps the
 * earliest pending time per key; `addRateLimited` waits the key's exponential backoff, which
 * `forget` resets. `addUrgent` (an edit of an object, a change an admin event showed:
 * Controller.enqueueUrgent) goes before every key queued by `add`, as controller-runtime's
 * priority queue does: at 5,000 users a role change on the top-level groups queues every user
 * for minutes, and a user whose spec was edited meanwhile must not wait behind them.
 */
export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #urgent: string[] = [];
  /** Keys whose place is in #urgent; an older entry of theirs left in #queue is skipped. */
  readonly #inUrgent = new Set<string>();
  /** Keys in work that had an urgent add meanwhile: `done` queues them as urgent. */
  readonly #urgentAfterDone = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #delayed = new Map<string, Delayed>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  readonly #backoff: ExponentialBackoff;
  #shutDown = false;

  constructor(backoff: BackoffOptions = DEFAULT_BACKOFF) {
    this.#backoff = new ExponentialBackoff(backoff);
  }

  /** Queues `key` now unless it is already queued; a key in work is queued again after `done`. */
  add(key: string): void {
    if (this.#shutDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (!this.#processing.has(key)) this.#handOut(key, this.#queue);
  }

  /** Like `add`, ahead of every key queued by `add`; a key already queued that way moves ahead. */
  addUrgent(key: string): void {
    if (this.#shutDown || this.#inUrgent.has(key)) return;
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      this.#urgentAfterDone.add(key);
      return;
    }
    this.#dirty.add(key);
    this.#handOut(key, this.#urgent);
  }

  /** Queues `key` after `delayMs`; an earlier pending time for the key wins over a later one. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shutDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref?.();
    this.#delayed.set(key, { at, timer });
  }

  /** Queues `key` after its next backoff delay (which it returns); counts as one failure. */
  addRateLimited(key: string): number {
    const delay = this.#backoff.when(key);
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets the backoff of `key` (after a success). */
  forget(key: string): void {
    this.#backoff.forget(key);
  }

  /** Consecutive failures of `key`. */
  numRequeues(key: string): number {
    return this.#backoff.failures(key);
  }

  /**
   * The next key to work on, marked as processing until `done`. Waits while the queue is
   * empty; resolves undefined when `signal` aborts or the queue shuts down.
   */
  get(signal?: AbortSignal): Promise<string | undefined> {
    if (this.#shutDown || signal?.aborted) return Promise.resolve(undefined);
    const key = this.#next();
    if (key !== undefined) {
      this.#take(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => {
      const waiter = (k: string | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(k);
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Ends the work on `key`; if it was added meanwhile it is queued again. */
  done(key: string): void {
    this.#processing.delete(key);
    const urgent = this.#urgentAfterDone.delete(key);
    if (!this.#dirty.has(key) || this.#shutDown) return;
    this.#handOut(key, urgent ? this.#urgent : this.#queue);
  }

  /** Keys ready to be worked on (not counting delayed ones or keys in work). */
  get length(): number {
    let inWork = 0;
    for (const key of this.#processing) if (this.#dirty.has(key)) inWork++;
    return this.#dirty.size - inWork;
  }

  /** Keys waiting for a delayed add. */
  get delayed(): number {
    return this.#delayed.size;
  }

  /** Keys in work. */
  get processing(): number {
    return this.#processing.size;
  }

  /** Stops for good: pending `get` calls resolve undefined, timers are cleared, adds are ignored. */
  shutDown(): void {
    this.#shutDown = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  /** Gives a dirty key not in work to a waiting worker, else queues it on `line`. */
  #handOut(key: string, line: string[]): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#take(key);
      waiter(key);
      return;
    }
    line.push(key);
    if (line === this.#urgent) this.#inUrgent.add(key);
  }

  /** The next key to hand out: urgent ones first; entries of keys taken or moved ahead meanwhile are skipped. */
  #next(): string | undefined {
    const urgent = this.#urgent.shift();
    if (urgent !== undefined) return urgent;
    for (;;) {
      const key = this.#queue.shift();
      if (key === undefined || (this.#dirty.has(key) && !this.#inUrgent.has(key) && !this.#processing.has(key))) return key;
    }
  }

  #take(key: string): void {
    this.#processing.add(key);
    this.#dirty.delete(key);
    this.#inUrgent.delete(key);
  }
}
