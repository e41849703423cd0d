import { AsyncLocalStorage } from 'node:async_hooks';

// The signal of the pass whose async context is running, and the writes it sent; carried by
// Node across awaits, so the layer that sends requests can ask (and tell) without every port
// method taking a signal.
const current = new AsyncLocalStorage<{ signal: AbortSignal; writes: Set<string> }>();

/**
 * Runs one reconcile pass with `signal` as its pass signal: everything `fn` starts, however
 * deeply awaited, sees it through `passSignal()`. The runtime aborts it when this replica stops
 * leading (and at shutdown past the drain timeout).
 */
export function runInPass<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return current.run({ signal, writes: new Set() }, fn);
}

/** The signal of the pass running in this async context; undefined outside a pass (CLI, tests, start-up). */
export function passSignal(): AbortSignal | undefined {
  return current.getStore()?.signal;
}

/**
 * Notes a write the pass running in this async context sent to an external system, described
 * for people (never a secret); nothing outside a pass. What a pass changed is then known from
 * what it actually sent, not from what its plan meant to do.
 */
export function notePassWrite(description: string): void {
  current.getStore()?.writes.add(description);
}

/** The writes the pass running in this async context noted so far, in order, once each. */
export function passWrites(): string[] {
  return [...(current.getStore()?.writes ?? [])];
}

/**
 * A write refused because its pass was stopped (leadership lost, shutdown): not a failure of
 * the system written to, and never reported as one in status. `reason` says why it stopped.
 */
export class PassStoppedError extends Error {
  override readonly name = 'PassStoppedError';
}

/** The PassStoppedError for a write (`what`, e.g. `POST /admin/realms/dash/groups`) refused under `signal`. */
export function passStopped(signal: AbortSignal, what: string): PassStoppedError {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'the pass was stopped');
  return new PassStoppedError(`${what} not sent: ${reason}`);
}

const WRAPPED = 'PassStoppedError: ';

/** The PassStoppedError in `err` or its causes (fetch wraps a dispatcher's error in a TypeError). */
export function findPassStopped(err: unknown): PassStoppedError | undefined {
  // Duck-typed walk: fetch's TypeError comes from Node's realm, and when ours is another one
  // (a VM context, as under jest) Node re-wraps our error in a plain Error of the same text.
  let e: unknown = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if (e instanceof PassStoppedError) return e;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && message.startsWith(`${WRAPPED}`)) return new PassStoppedError(message.slice(WRAPPED.length));
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
