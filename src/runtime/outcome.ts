import { ConditionStatus } from './conditions.js';

/** How a reconcile pass ended. Every result and every error is mapped to one of these. */
export const Outcome = {
  Reconciled: 'Reconciled',
  InvalidSpec: 'InvalidSpec',
  DependencyNotReady: 'DependencyNotReady',
  Conflict: 'Conflict',
  KeycloakUnavailable: 'KeycloakUnavailable',
  KeycloakAuthFailed: 'KeycloakAuthFailed',
  KeycloakRejected: 'KeycloakRejected',
  Deleting: 'Deleting',
  /** An error nobody classified (a bug, an API server failure): retried with backoff. */
  Error: 'Error',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** When the key runs next: resync only, never until the spec changes, after a fixed wait, or with exponential backoff. */
export const NextRun = { Resync: 'Resync', SpecChange: 'SpecChange', Wait: 'Wait', Backoff: 'Backoff' } as const;
export type NextRun = (typeof NextRun)[keyof typeof NextRun];

/** One row of the outcome table. */
export interface OutcomeRule {
  /** Status of the Ready condition. */
  ready: ConditionStatus;
  /** Ready's reason unless the error names its own (e.g. WaitingForGroup). */
  reason: string;
  next: NextRun;
}

/**
 * THE outcome table: how each outcome sets Ready and when the key runs again. Success forgets
 * the backoff; InvalidSpec waits for a new generation (the periodic resync still looks);
 * waits retry after a fixed short delay and are woken earlier by their dependency's events;
 * the rest back off exponentially per key.
 */
export const OUTCOMES: Readonly<Record<Outcome, OutcomeRule>> = {
  Reconciled: { ready: ConditionStatus.True, reason: 'Reconciled', next: NextRun.Resync },
  InvalidSpec: { ready: ConditionStatus.False, reason: 'InvalidSpec', next: NextRun.SpecChange },
  DependencyNotReady: { ready: ConditionStatus.False, reason: 'DependencyNotReady', next: NextRun.Wait },
  Conflict: { ready: ConditionStatus.False, reason: 'Conflict', next: NextRun.Backoff },
  KeycloakUnavailable: { ready: ConditionStatus.False, reason: 'KeycloakUnavailable', next: NextRun.Backoff },
  KeycloakAuthFailed: { ready: ConditionStatus.False, reason: 'KeycloakAuthFailed', next: NextRun.Backoff },
  KeycloakRejected: { ready: ConditionStatus.False, reason: 'KeycloakRejected', next: NextRun.Backoff },
  Deleting: { ready: ConditionStatus.False, reason: 'Deleting', next: NextRun.Wait },
  Error: { ready: ConditionStatus.False, reason: 'ReconcileError', next: NextRun.Backoff },
};

/** A classified failure: the outcome, the condition message (stable for identical failures) and an optional reason. */
export interface Classified {
  outcome: Outcome;
  message: string;
  /** Overrides the table's Ready reason, e.g. `WaitingForGroup` for a DependencyNotReady. */
  reason?: string;
}

/** Maps an error of some layer (the Keycloak port, say) to an outcome; undefined when it does not know the error. */
export type ErrorClassifier = (err: unknown) => Classified | undefined;

/** An error that says which outcome it is: throw it from a reconciler. */
export class OutcomeError extends Error {
  override readonly name = 'OutcomeError';
  /** Ready's reason instead of the table's. */
  readonly reason?: string;

  constructor(readonly outcome: Outcome, message: string, options?: { reason?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.reason = options?.reason;
  }
}

/**
 * Classifies what a reconciler threw: an `OutcomeError`, then the injected classifiers in
 * order, then any error carrying a known `outcome` (and optional `reason`) property; anything
 * else is `Error` with the error's own message.
 */
export function classifyError(err: unknown, classifiers: readonly ErrorClassifier[] = []): Classified {
  if (err instanceof OutcomeError) return { outcome: err.outcome, message: err.message, reason: err.reason };
  for (const classify of classifiers) {
    const found = classify(err);
    if (found) return found;
  }
  const tagged = err as { outcome?: unknown; reason?: unknown; message?: unknown } | null;
  if (typeof tagged?.outcome === 'string' && tagged.outcome in OUTCOMES) {
    return {
      outcome: tagged.outcome as Outcome,
      message: typeof tagged.message === 'string' ? tagged.message : String(err),
      reason: typeof tagged.reason === 'string' ? tagged.reason : undefined,
    };
  }
  return { outcome: Outcome.Error, message: err instanceof Error ? err.message : String(err) };
}
