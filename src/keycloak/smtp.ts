import { KeycloakError, KeycloakErrorKind } from './errors.js';

/** What Keycloak returns instead of a stored secret (ComponentRepresentation.SECRET_VALUE). */
export const SECRET_MASK = '**********';

/** Whether a value read from Keycloak is the secret mask rather than data. */
export function isSecretMask(value: string | undefined): boolean {
  return value === SECRET_MASK;
}

/**
 * Splits the `smtpServer` map Keycloak returns into the settings and whether a password is
 * stored. The masked password is never exposed as a value, so it cannot be echoed back.
 */
export function smtpFromKeycloak(map: Record<string, string> | undefined): { settings: Record<string, string>; passwordSet: boolean } {
  const { password, ...settings } = map ?? {};
  return { settings, passwordSet: password !== undefined && password !== '' };
}

/**
 * Checks an `smtpServer` map before it is written. Keycloak replaces the whole map on a realm
 * PUT: a map with `auth` but without `password` deletes the stored password, and the mask sent
 * back is only swapped for the stored password while the destination is unchanged (Keycloak
 * 26.2 stored the mask itself, keycloak/keycloak#39781; 26.8 clears it when host, port, ssl or
 * starttls change, keycloak/keycloak#49242). So the only safe write is the full map with the
 * real password; anything else is refused as Invalid before it reaches Keycloak.
 */
export function assertWritableSmtp(operation: string, map: Record<string, string>): void {
  if (isSecretMask(map.password)) {
    throw new KeycloakError(KeycloakErrorKind.Invalid, `${operation}: smtpServer.password is the mask Keycloak shows on reads, not a password`);
  }
  if (map.auth === 'true' && !map.password) {
    throw new KeycloakError(KeycloakErrorKind.Invalid, `${operation}: smtpServer has auth=true but no password (Keycloak would delete the stored one)`);
  }
}
