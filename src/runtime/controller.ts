import { kindId } from '../kube/resource-kind.js';
import type { BackoffOptions } from './backoff.js';
import { queueKey } from './keys.js';
import { runInPass } from './pass-signal.js';
import { runKey, type RunDeps, type Schedule } from './reconcile-run.js';
import { WorkQueue } from './work-queue.js';

/** Tuning of one controller. */
export interface ControllerOptions {
  concurrency: number;
  /** Every object is queued again this often while the controller runs. */
  resyncPeriodMs: number;
  backoff: BackoffOptions;
}

/**
 * The `ctx.wokenBy` cause of the passes every object gets at start and every resync period: the
 * safety net for changes nothing else reported, so such a pass does not trust what was kept
 * only because nothing reported a change (controllers/realm-view.ts).
 */
export const RESYNC_CAUSE = 'Resync';

/**
 * The queue and workers of one kind. Workers run only between `start` and `stop` (while this
 * replica leads); the queue collects keys at all times. `concurrency` workers share the
 * queue, which never hands one key to two of them.
 */
export class Controller {
  readonly queue: WorkQueue;
  readonly id: string;
  #taking: AbortController | undefined;
  #passes = new AbortController();
  #workers: Promise<void>[] = [];
  #resync: ReturnType<typeof setInterval> | undefined;
  #stopping: Promise<unknown> = Promise.resolve();
  /** Why a key queued by `enqueue` with a cause was woken, until its next pass takes it. */
  readonly #causes = new Map<string, Set<string>>();
  /**
   * The causes of each pass in flight, by key. A cause queued while its key runs reaches that
   * pass too: the pass may read Keycloak after the change it names and be the one that
   * corrects it (the next pass, woken for it, then finds nothing to write).
   */
  readonly #running = new Map<string, Set<string>>();
  /** When each key's last pass started, for watch rules with a spacing; kept only for the longest spacing. */
  readonly #started = new Map<string, number>();
  readonly #longestSpacingMs: number;

  constructor(private readonly deps: RunDeps, private readonly options: ControllerOptions) {
    this.queue = new WorkQueue(options.backoff);
    this.id = kindId(deps.registration.kind);
    this.#longestSpacingMs = Math.max(0, ...(deps.registration.watches ?? []).map((w) => w.spacingMs ?? 0));
  }

  /**
   * Queues a key of this controller's kind, now or after `delayMs` (a pending earlier time wins).
   * A `cause` (an opaque tag of the caller's) reaches the key's next pass as `ctx.wokenBy`.
   */
  enqueue(key: string, delayMs = 0, cause?: string, spacingMs = 0): void {
    this.#noteCause(key, cause);
    const started = spacingMs > 0 ? this.#started.get(key) : undefined;
    const spaced = started === undefined ? 0 : started + spacingMs - Date.now();
    this.queue.addAfter(key, Math.max(delayMs, spaced));
  }

  /**
   * Queues a key ahead of keys woken by other objects, resyncs and new objects
   * (WorkQueue.addUrgent): for an edit of its own object (a new generation, its deletion) and
   * for a change made outside the operator that an admin event showed. Both are few, and at
   * 5,000 users the queue can hold minutes of passes of the others.
   */
  enqueueUrgent(key: string, cause?: string): void {
    this.#noteCause(key, cause);
    this.queue.addUrgent(key);
  }

  #noteCause(key: string, cause: string | undefined): void {
    if (cause === undefined) return;
    const causes = this.#causes.get(key) ?? new Set<string>();
    this.#causes.set(key, causes.add(cause));
    this.#running.get(key)?.add(cause);
  }

  /** True while workers take keys. */
  get running(): boolean {
    return this.#taking !== undefined;
  }

  /** Starts the workers (after a previous `stop` has drained) and queues every cached object once, then every resync period. */
  async start(): Promise<void> {
    if (this.#taking) return;
    const taking = new AbortController();
    this.#taking = taking;
    await this.#stopping;
    if (this.#taking !== taking) return;
    this.#passes = new AbortController();
    for (let i = 0; i < this.options.concurrency; i++) this.#workers.push(this.#work(taking.signal));
    this.#queueAll();
    this.#resync = setInterval(() => this.#queueAll(), this.options.resyncPeriodMs);
    this.#resync.unref?.();
  }

  /**
   * Stops taking keys and waits for the passes in flight, at most `timeoutMs`; past that they
   * see their signal aborted and are left behind. With `abortNow` (leadership lost) their
   * signal is aborted at once with that reason: they may finish reads, but no write goes out
   * (clients consulting pass-signal.ts refuse it) and no status is written. Resolves true when everything finished.
   */
  async stop(timeoutMs: number, abortNow?: Error): Promise<boolean> {
    if (!this.#taking) return true;
    this.#taking.abort();
    this.#taking = undefined;
    if (abortNow) this.#passes.abort(abortNow);
    clearInterval(this.#resync);
    const workers = Promise.all(this.#workers.splice(0));
    this.#stopping = workers;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = await Promise.race([workers.then(() => true), timedOut]);
    clearTimeout(timer);
    if (!drained) this.#passes.abort(new Error(`the operator is stopping and the pass outlived the ${timeoutMs} ms drain timeout`));
    return drained;
  }

  /** Stops for good: the queue drops its timers and keys. */
  shutDown(): void {
    this.queue.shutDown();
  }

  async #work(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get(signal);
      if (key === undefined) return;
      this.#noteStart(key);
      let next: Schedule;
      const causes = this.#takeCauses(key);
      this.#running.set(key, causes);
      try {
        const signal = this.#passes.signal;
        next = await runInPass(signal, () => runKey(this.deps, key, signal, causes));
      } catch (err) {
        this.deps.logger.error({ err, key }, 'reconcile pass crashed');
        next = { type: 'backoff' };
      } finally {
        this.#running.delete(key);
      }
      // A retry is still the answer to what woke the failed pass: its causes wait for it. Not
      // queued now: that skipped the backoff, and a pass failing without I/O (a conflict found
      // in the cache) then retried in a microtask loop that froze the process.
      if (next.type === 'backoff') for (const cause of causes) this.#noteCause(key, cause);
      this.#apply(key, next);
      this.queue.done(key);
    }
  }

  // Starts older than the longest spacing no longer delay anything: dropped as the map grows.
  #noteStart(key: string): void {
    if (this.#longestSpacingMs === 0) return;
    const now = Date.now();
    this.#started.delete(key);
    this.#started.set(key, now);
    for (const [k, at] of this.#started) {
      if (at > now - this.#longestSpacingMs) break;
      this.#started.delete(k);
    }
  }

  #takeCauses(key: string): Set<string> {
    const causes = this.#causes.get(key) ?? new Set<string>();
    this.#causes.delete(key);
    return causes;
  }

  #apply(key: string, next: Schedule): void {
    switch (next.type) {
      case 'forget':
        this.queue.forget(key);
        if (next.afterMs !== undefined) this.queue.addAfter(key, next.afterMs);
        return;
      case 'after':
        this.queue.forget(key);
        this.queue.addAfter(key, next.ms);
        return;
      case 'backoff':
        this.queue.addRateLimited(key);
        this.deps.metrics.recordRetry(this.deps.registration.kind.kind);
        return;
    }
  }

  #queueAll(): void {
    for (const obj of this.deps.cache.list(this.deps.registration.kind)) this.enqueue(queueKey(obj), 0, RESYNC_CAUSE);
  }
}
