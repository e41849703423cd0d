import { REASONS, type DashUser } from '../../api/index.js';
import { KeycloakErrorKind, isKeycloakError } from '../../keycloak/errors.js';
import type { ControllerDeps, SecretValue } from '../context.js';
import { waitFor } from '../errors.js';
import type { RealmRef } from '../realm-ref.js';
import { Outcome, OutcomeError } from '../../runtime/index.js';

/**
 * Sets the user's password. A refusal by Keycloak's password policy (400) is Ready=False with
 * reason PasswordRejected and Keycloak's own message, naming the Secret, never the password;
 * retried with backoff, so a changed Secret or a relaxed policy converges.
 */
export async function setUserPassword(ref: RealmRef, user: DashUser, id: string, password: string, temporary: boolean): Promise<void> {
  try {
    // Never logged: the password only travels from the Secret to Keycloak.
    await ref.kc.resetPassword(ref.name, id, password, temporary);
  } catch (err) {
    if (!isKeycloakError(err, KeycloakErrorKind.Invalid)) throw err;
    const secret = user.spec.initialPassword?.secretRef;
    // Keycloak's messages name the rule, not the value; scrubbed all the same, should one ever echo it.
    const said = password === '' ? err.message : err.message.split(password).join('***');
    throw new OutcomeError(
      Outcome.Rejected,
      `spec.initialPassword: the password policy of realm ${ref.name} rejected the password in Secret ${secret?.name} (key ${secret?.key}): ${said}`,
      { reason: REASONS.passwordRejected, cause: err },
    );
  }
}

/** The password Secret's key and its content marker; a missing Secret or key is a wait naming it. */
export async function readPassword(user: DashUser, deps: ControllerDeps): Promise<SecretValue> {
  const ref = user.spec.initialPassword?.secretRef;
  const secret = ref && await deps.secrets.readSecret(user.metadata.namespace ?? '', ref.name, ref.key);
  if (!secret) {
    throw waitFor('WaitingForSecret', `spec.initialPassword.secretRef: Secret ${ref?.name} with key ${ref?.key} not found in namespace ${user.metadata.namespace}`);
  }
  return secret;
}
