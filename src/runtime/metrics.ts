import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { countReady } from './object-metrics.js';

/** Prefix of every metric the operator exports. */
export const METRICS_PREFIX = 'dash_keycloak_operator_';

/** The runtime's Prometheus metrics; other layers register theirs on `registry` (see keycloak/metrics.ts). */
export interface OperatorMetrics {
  readonly registry: Registry;
  /** One reconcile pass of `kind` that ended with `result` (an outcome) after `seconds`. */
  recordReconcile(kind: string, result: string, seconds: number): void;
  /** A key of `kind` put back with backoff. */
  recordRetry(kind: string): void;
  /** A status write (only changed status is written, so a quiet cluster shows none). */
  recordStatusWrite(kind: string): void;
  /** A status write of `kind` the API server refused (not a 409): the status it describes was not stored. */
  recordStatusRejected(kind: string): void;
  /** An informer of `kind` restarted after an error. */
  recordInformerRestart(kind: string): void;
  /** Reports the depth of a controller's queue whenever metrics are scraped. */
  registerQueue(kind: string, depth: () => number): void;
  /** Reports the cached objects of `kind` by Ready status and reason whenever metrics are scraped. */
  registerObjects(kind: string, list: () => readonly object[]): void;
  setLeader(leader: boolean): void;
}

/** Creates the metrics on their own registry (so several managers, as in tests, never collide). */
export function createMetrics(options: { collectDefaults?: boolean } = {}): OperatorMetrics {
  const registry = new Registry();
  if (options.collectDefaults ?? true) collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
  const reconciles = new Counter({ name: `${METRICS_PREFIX}reconcile_total`, help: 'Reconcile passes by kind and result (the outcome: Reconciled, Invalid, Waiting, Unavailable, ...)', labelNames: ['kind', 'result'], registers: [registry] });
  const duration = new Histogram({
    name: `${METRICS_PREFIX}reconcile_duration_seconds`, help: 'Duration of reconcile passes', labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry],
  });
  const retries = new Counter({ name: `${METRICS_PREFIX}workqueue_retries_total`, help: 'Keys put back with backoff', labelNames: ['kind'], registers: [registry] });
  const statusWrites = new Counter({ name: `${METRICS_PREFIX}status_writes_total`, help: 'Status patches sent', labelNames: ['kind'], registers: [registry] });
  const statusRejected = new Counter({ name: `${METRICS_PREFIX}status_rejected_total`, help: 'Status patches the API server refused (not counting 409 conflicts)', labelNames: ['kind'], registers: [registry] });
  const restarts = new Counter({ name: `${METRICS_PREFIX}informer_restarts_total`, help: 'Informers restarted after an error', labelNames: ['kind'], registers: [registry] });
  const leader = new Gauge({ name: `${METRICS_PREFIX}leader`, help: '1 while this replica holds the leader lease', registers: [registry] });
  const queues = new Map<string, () => number>();
  new Gauge({
    name: `${METRICS_PREFIX}workqueue_depth`, help: 'Keys waiting in the work queue', labelNames: ['kind'], registers: [registry],
    collect() {
      for (const [kind, depth] of queues) this.set({ kind }, depth());
    },
  });
  const cached = new Map<string, () => readonly object[]>();
  new Gauge({
    name: `${METRICS_PREFIX}objects`, help: 'Objects in the cache by kind, Ready status (True, False, Unknown: not reconciled for its generation) and Ready reason',
    labelNames: ['kind', 'ready', 'reason'], registers: [registry],
    collect() {
      // Computed from the cache on every scrape: a reason no object has any longer disappears.
      this.reset();
      for (const [kind, list] of cached) for (const row of countReady(kind, list())) this.set({ kind: row.kind, ready: row.ready, reason: row.reason }, row.count);
    },
  });
  leader.set(0);
  return {
    registry,
    recordReconcile(kind, result, seconds) {
      reconciles.inc({ kind, result });
      duration.observe({ kind }, seconds);
    },
    recordRetry: (kind) => retries.inc({ kind }),
    recordStatusWrite: (kind) => statusWrites.inc({ kind }),
    recordStatusRejected: (kind) => statusRejected.inc({ kind }),
    recordInformerRestart: (kind) => restarts.inc({ kind }),
    registerQueue: (kind, depth) => void queues.set(kind, depth),
    registerObjects: (kind, list) => void cached.set(kind, list),
    setLeader: (isLeader) => leader.set(isLeader ? 1 : 0),
  };
}
