import type { KeycloakRest } from '../test/integration/support/keycloak-rest.js';
import { DRIFT_POLLS } from './drift.js';
import { countAdminEvents } from './keycloak-state.js';
import { sumMetric, type BenchOperator } from './operator.js';
import { KEYCLOAK_REQUESTS, nextResyncIn, RECONCILES, sleep } from './waits.js';

/** What one unchanged resync pass of every object cost. */
export interface SteadyResult {
  /** Admin events Keycloak recorded in the window: writes. */
  writes: number;
  /** GET requests the operator's passes sent in the window (the admin event poller's reads, one per realm per interval, are not counted). */
  reads: number;
  /** Reconcile passes in the window: the object count when the window held exactly one resync and nothing else. */
  reconciles: number;
  seconds: number;
}

/**
 * Measures exactly one resync. Every controller queues all its objects every `periodMs`,
 * counted from when the operator began to lead, so the next tick is known: the window opens
 * 1 s before it (with the operator idle), and closes once reconcile_total has grown by the
 * object count and Keycloak requests have stopped for 1 s. That must happen before the tick
 * after, or the window could hold parts of two resyncs: then it throws (raise --resync).
 * Nothing else writes to the cluster or the realm meanwhile.
 */
export async function measureOneResync(op: BenchOperator, rest: KeycloakRest, realm: string, objects: number, periodMs: number): Promise<SteadyResult> {
  await rest.updateRealm(realm, { adminEventsEnabled: true });
  let wait = nextResyncIn(op, periodMs);
  if (wait < 2000) wait += periodMs;
  await sleep(wait - 1000);
  const closeBy = performance.now() + 1000 + periodMs - 200;
  const before = await op.metrics();
  const fromMs = Date.now();
  const opened = performance.now();
  // The admin event poller reads every couple of seconds whatever happens: the window watches
  // and counts the passes' requests only.
  const passRequests = (m: Map<string, number>, labels: string[] = []) => sumMetric(m, KEYCLOAK_REQUESTS, labels) - sumMetric(m, DRIFT_POLLS);
  let last = passRequests(before);
  let still = performance.now();
  for (;;) {
    await sleep(100);
    const m = await op.metrics();
    const reconciles = sumMetric(m, RECONCILES) - sumMetric(before, RECONCILES);
    const requests = passRequests(m);
    if (requests !== last) [last, still] = [requests, performance.now()];
    if (performance.now() > closeBy) {
      throw new Error(`one resync did not finish within the resync period (${reconciles} of ${objects} passes after ${periodMs / 1000} s): raise --resync`);
    }
    if (reconciles < objects || performance.now() - still < 1000) continue;
    const toMs = Date.now();
    const getDelta = passRequests(m, ['method="GET"']) - passRequests(before, ['method="GET"']);
    return { writes: await countAdminEvents(rest, realm, fromMs, toMs), reads: getDelta, reconciles, seconds: (performance.now() - opened) / 1000 };
  }
}
