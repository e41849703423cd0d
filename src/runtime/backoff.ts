/** Per-key exponential backoff settings: the first delay and the cap. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** client-go's item exponential failure rate limiter: 5 ms doubling up to 5 minutes per object. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 5, maxMs: 5 * 60_000 };

/**
 * Counts consecutive failures per key: `when` returns `base * 2^failures` (capped) and counts one
 * more failure; `forget` resets the key after a success.
 */
export class ExponentialBackoff {
  readonly #failures = new Map<string, number>();

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /** The delay before the next attempt of `key`, counting this failure. */
  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    // 2^failures overflows to Infinity long after the cap is reached; Math.min keeps it finite.
    return Math.min(this.options.baseMs * 2 ** failures, this.options.maxMs);
  }

  /** Forgets the failures of `key` (after a success, or when the object is gone). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** How many consecutive failures `key` has had. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}
