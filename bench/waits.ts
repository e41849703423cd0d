import type { BenchOperator } from './operator.js';
import { sumMetric } from './operator.js';

/** Reconcile passes the operator finished so far, all kinds and results. */
export const RECONCILES = 'dash_keycloak_operator_reconcile_total';
/** Keycloak requests the operator sent so far (label method="GET" for reads). */
export const KEYCLOAK_REQUESTS = 'dash_keycloak_operator_keycloak_requests_total';

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

/** Waits until the operator finished no reconcile pass for `quietMs` (at most `maxMs`; then it goes on). */
export async function waitQuiet(op: BenchOperator, quietMs = 1000, maxMs = 60_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let last = sumMetric(await op.metrics(), RECONCILES);
  let since = performance.now();
  while (performance.now() < deadline) {
    await sleep(200);
    const now = sumMetric(await op.metrics(), RECONCILES);
    if (now !== last) [last, since] = [now, performance.now()];
    else if (performance.now() - since >= quietMs) return;
  }
}

/** Milliseconds until the operator's next resync tick (every controller's interval starts when it begins to lead). */
export function nextResyncIn(op: BenchOperator, periodMs: number): number {
  return periodMs - ((performance.now() - op.leadingSince) % periodMs);
}

/** Polls `check` every `everyMs` until it is true; resolves with the ms since `start`; throws after `maxMs`. */
export async function pollUntil(what: string, start: number, check: () => Promise<boolean>, everyMs = 20, maxMs = 120_000): Promise<number> {
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > maxMs) throw new Error(`${what}: not reached within ${maxMs / 1000} s`);
    await sleep(everyMs);
  }
}

/**
 * `pollUntil`, but a change that is not reached in time is a figure (null: not reached within
 * the limit), not a failed run: the bench goes on and the summary counts it.
 */
export async function pollOrMiss(what: string, start: number, check: () => Promise<boolean>, everyMs = 20, maxMs = 120_000): Promise<number | null> {
  try {
    return Math.round(await pollUntil(what, start, check, everyMs, maxMs));
  } catch (err) {
    process.stderr.write(`[bench] ${err instanceof Error ? err.message : String(err)}: counted as not reached\n`);
    return null;
  }
}
