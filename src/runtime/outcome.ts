import { ConditionStatus } from './conditions.js';

/**
 * How a reconcile pass ended. Every result and every error is mapped to one of these. The
 * names are generic: what failed (Keycloak, say) is the Ready reason a classifier supplies.
 */
export const Outcome = {
  Reconciled: 'Reconciled',
  /** The spec cannot be acted on until it changes. */
  Invalid: 'Invalid',
  /** Something the object needs is not there or not ready yet. */
  Waiting: 'Waiting',
  /** Someone else already manages what the object describes. */
  Conflict: 'Conflict',
  /** A server the reconciler talks to did not answer. */
  Unavailable: 'Unavailable',
  /** A server refused the reconciler's credentials. */
  AuthFailed: 'AuthFailed',
  /** A server answered but refused the request. */
  Rejected: 'Rejected',
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
  /** Ready's reason unless the failure names its own (e.g. WaitingForGroup, KeycloakUnavailable). */
  reason: string;
  next: NextRun;
}

/**
 * THE outcome table: how each outcome sets Ready and when the key runs again. Success forgets
 * the backoff; Invalid waits for a new generation (the periodic resync still looks); waits
 * retry after a fixed short delay and are woken earlier by their dependency's events; the
 * rest back off exponentially per key.
 */
export const OUTCOMES: Readonly<Record<Outcome, OutcomeRule>> = {
  Reconciled: { ready: ConditionStatus.True, reason: 'Reconciled', next: NextRun.Resync },
  Invalid: { ready: ConditionStatus.False, reason: 'InvalidSpec', next: NextRun.SpecChange },
  Waiting: { ready: ConditionStatus.False, reason: 'DependencyNotReady', next: NextRun.Wait },
  Conflict: { ready: ConditionStatus.False, reason: 'Conflict', next: NextRun.Backoff },
  Unavailable: { ready: ConditionStatus.False, reason: 'Unavailable', next: NextRun.Backoff },
  AuthFailed: { ready: ConditionStatus.False, reason: 'AuthFailed', next: NextRun.Backoff },
  Rejected: { ready: ConditionStatus.False, reason: 'Rejected', next: NextRun.Backoff },
  Deleting: { ready: ConditionStatus.False, reason: 'Deleting', next: NextRun.Wait },
  Error: { ready: ConditionStatus.False, reason: 'ReconcileError', next: NextRun.Backoff },
};

/** A classified failure: the outcome, the condition message (stable for identical failures) and an optional reason. */
export interface Classified {
  outcome: Outcome;
  message: string;
  /** Overrides the table's Ready reason, e.g. `WaitingForGroup` for a Waiting outcome. */
  reason?: string;
}

/** Maps an error of another layer (the Keycloak port, say) to an outcome; undefined when it does not know the error. */
export type ErrorClassifier = (err: unknown) => Classified | undefined;

/** The one error type a reconciler throws to say how the pass ended (the message names the object and field). */
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
 * Classifies what a reconciler threw: an `OutcomeError` says it itself, then the injected
 * classifiers are asked in order; anything else is `Error` with the error's own message.
 */
export function classifyError(err: unknown, classifiers: readonly ErrorClassifier[] = []): Classified {
  if (err instanceof OutcomeError) return { outcome: err.outcome, message: err.message, reason: err.reason };
  for (const classify of classifiers) {
    const found = classify(err);
    if (found) return found;
  }
  return { outcome: Outcome.Error, message: err instanceof Error ? err.message : String(err) };
}
