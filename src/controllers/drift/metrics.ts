import { Counter, Histogram, type Registry } from 'prom-client';

/** The drift detection metrics. */
export interface DriftMetrics {
  /** A pass woken by an admin event (or a feed gap) that changed Keycloak back. */
  recordCorrection(kind: string): void;
  /** Time from an external change in Keycloak (its admin event time) to its objects being queued. */
  observeDetection(seconds: number): void;
  /** A realm fully queued because its event feed had a gap. */
  recordResync(): void;
  /** One admin event read of a realm: `ok` or `error`. */
  recordPoll(result: 'ok' | 'error'): void;
}

/** Registers the drift metrics on the operator's registry. */
export function driftMetrics(registry: Registry, prefix: string): DriftMetrics {
  const corrections = new Counter({ name: `${prefix}drift_corrections_total`, help: 'Passes woken by a change made outside the operator that changed Keycloak back, by kind', labelNames: ['kind'], registers: [registry] });
  const detection = new Histogram({
    name: `${prefix}drift_detection_seconds`, help: 'Time from a change recorded in a realm\'s admin events to its objects being queued',
    buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 30, 60], registers: [registry],
  });
  const resyncs = new Counter({ name: `${prefix}drift_resyncs_total`, help: 'Realms fully queued because their admin event feed had a gap (poll error, events expired or deleted)', registers: [registry] });
  const polls = new Counter({ name: `${prefix}drift_polls_total`, help: 'Admin event reads, one per realm per poll interval, by result', labelNames: ['result'], registers: [registry] });
  return {
    recordCorrection: (kind) => corrections.inc({ kind }),
    observeDetection: (seconds) => detection.observe(Math.max(0, seconds)),
    recordResync: () => resyncs.inc(),
    recordPoll: (result) => polls.inc({ result }),
  };
}
