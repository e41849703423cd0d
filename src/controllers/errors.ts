/** The outcomes a reconciler itself decides (Keycloak failures are classified by the Keycloak layer). */
export const ReconcileOutcome = {
  InvalidSpec: 'InvalidSpec',
  DependencyNotReady: 'DependencyNotReady',
  Conflict: 'Conflict',
} as const;
export type ReconcileOutcome = (typeof ReconcileOutcome)[keyof typeof ReconcileOutcome];

/**
 * A reconcile that cannot proceed for a reason the user can act on. `reason` is the
 * condition reason (e.g. WaitingForGroup); the message names the object and field, and is
 * identical for identical failures so status never flaps.
 */
export class ReconcileError extends Error {
  constructor(readonly outcome: ReconcileOutcome, readonly reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReconcileError';
  }
}

/** Waits for a dependency (a DashRealm, a parent or member group): retried soon, and woken by the dependency's events. */
export function waitFor(reason: string, message: string): ReconcileError {
  return new ReconcileError(ReconcileOutcome.DependencyNotReady, reason, message);
}

/** A spec the operator cannot act on until it changes (names the field). */
export function invalidSpec(message: string): ReconcileError {
  return new ReconcileError(ReconcileOutcome.InvalidSpec, 'InvalidSpec', message);
}

/** Another resource already manages the Keycloak object: change nothing. */
export function conflict(message: string): ReconcileError {
  return new ReconcileError(ReconcileOutcome.Conflict, 'Conflict', message);
}
