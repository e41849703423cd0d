import { KeycloakError, KeycloakErrorKind } from '../keycloak/errors.js';
import { Outcome, OutcomeError, type Classified } from '../runtime/outcome.js';

// Reconcilers throw the runtime's one error type, OutcomeError; these name the usual cases.
// Messages name the object and the field, and are identical for identical failures so that
// status never flaps.

/** Waits for a dependency (a DashRealm, a parent or member group): retried soon, and woken by the dependency's events. */
export function waitFor(reason: string, message: string): OutcomeError {
  return new OutcomeError(Outcome.Waiting, message, { reason });
}

/** A spec the operator cannot act on until it changes (names the field); `reason` when more specific than InvalidSpec. */
export function invalidSpec(message: string, reason = 'InvalidSpec'): OutcomeError {
  return new OutcomeError(Outcome.Invalid, message, { reason });
}

/** Another resource (or nobody we know) already manages the Keycloak object: change nothing. */
export function conflict(message: string, reason = 'Conflict'): OutcomeError {
  return new OutcomeError(Outcome.Conflict, message, { reason });
}

/** The Ready reasons of Keycloak failures (SPEC contracts). */
const KEYCLOAK_FAILURES: Record<KeycloakErrorKind, Omit<Classified, 'message'>> = {
  Unavailable: { outcome: Outcome.Unavailable, reason: 'KeycloakUnavailable' },
  Unauthorized: { outcome: Outcome.AuthFailed, reason: 'KeycloakAuthFailed' },
  Conflict: { outcome: Outcome.Conflict, reason: 'Conflict' },
  Invalid: { outcome: Outcome.Rejected, reason: 'KeycloakRejected' },
  NotFound: { outcome: Outcome.Rejected, reason: 'KeycloakRejected' },
};

/** The controllers' error classifier for the runtime: a Keycloak port failure becomes its outcome and Keycloak reason. */
export function classifyFailure(err: unknown): Classified | undefined {
  if (!(err instanceof KeycloakError)) return undefined;
  return { ...KEYCLOAK_FAILURES[err.kind], message: err.message };
}
