import { NetworkError } from '@keycloak/keycloak-admin-client';
import {
  KeycloakError, KeycloakErrorKind, KeycloakHttpError, kindForStatus, toKeycloakError,
} from '../../../src/keycloak/errors.js';

/** What the admin client throws for a non-2xx answer. */
function adminClientError(status: number, body: unknown): NetworkError {
  return new NetworkError('Network response was not OK.', { response: new Response(null, { status }), responseData: body });
}

function fetchFailed(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code }) });
}

describe('kindForStatus', () => {
  it.each([
    [400, 'Invalid'], [401, 'Unauthorized'], [403, 'Unauthorized'], [404, 'NotFound'], [405, 'Invalid'], [408, 'Unavailable'],
    [409, 'Conflict'], [415, 'Invalid'], [422, 'Invalid'], [429, 'Unavailable'], [500, 'Unavailable'], [502, 'Unavailable'], [503, 'Unavailable'],
  ])('maps %i to %s', (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
  });
});

describe('toKeycloakError', () => {
  const operation = 'create group "a" in realm "dash"';

  it('names the operation, the status and Keycloak\'s message for an admin-client error', () => {
    const err = toKeycloakError(operation, adminClientError(409, { errorMessage: "Top level group named 'a' already exists." }));
    expect(err).toBeInstanceOf(KeycloakError);
    expect(err.kind).toBe(KeycloakErrorKind.Conflict);
    expect(err.status).toBe(409);
    expect(err.message).toBe(`${operation}: Keycloak answered 409 (Top level group named 'a' already exists.)`);
    expect(err.cause).toBeInstanceOf(NetworkError);
  });

  it('shows the field of a user-profile validation error and the error_description of the token endpoint', () => {
    expect(toKeycloakError(operation, new KeycloakHttpError(400, { field: 'email', errorMessage: 'error-invalid-email', params: ['email', 'x'] })).message)
      .toBe(`${operation}: Keycloak answered 400 (email: error-invalid-email)`);
    expect(toKeycloakError(operation, new KeycloakHttpError(401, { error: 'invalid_client', error_description: 'Invalid client credentials' })).message)
      .toBe(`${operation}: Keycloak answered 401 (invalid_client: Invalid client credentials)`);
  });

  it('lists every field of a user-profile validation that failed on several (Keycloak 24+ answers {errors: [...]})', () => {
    const body = { errors: [
      { field: 'username', errorMessage: 'error-invalid-length', params: ['username', 3, 255] },
      { field: 'firstName', errorMessage: 'error-person-name-invalid-character', params: ['firstName'] },
    ] };
    expect(toKeycloakError(operation, new KeycloakHttpError(400, body)).message)
      .toBe(`${operation}: Keycloak answered 400 (username: error-invalid-length; firstName: error-person-name-invalid-character)`);
  });

  it('treats timeouts and socket errors as Unavailable', () => {
    const timeout = toKeycloakError(operation, new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 10_000);
    expect([timeout.kind, timeout.message]).toEqual(['Unavailable', `${operation}: Keycloak did not answer after 10000 ms`]);
    const refused = toKeycloakError(operation, fetchFailed('ECONNREFUSED'));
    expect([refused.kind, refused.message]).toEqual(['Unavailable', `${operation}: Keycloak unreachable (ECONNREFUSED)`]);
  });

  it('gives identical messages for identical failures', () => {
    const a = toKeycloakError(operation, adminClientError(503, 'Service Unavailable'));
    const b = toKeycloakError(operation, adminClientError(503, 'Service Unavailable'));
    expect(a.message).toBe(b.message);
    expect(toKeycloakError(operation, fetchFailed('ECONNRESET')).message).toBe(toKeycloakError(operation, fetchFailed('ECONNRESET')).message);
  });

  it('keeps the kind of a KeycloakError from a nested step and prefixes the operation once', () => {
    const login = new KeycloakError(KeycloakErrorKind.Unauthorized, 'log in to Keycloak realm "master" as client "x": Keycloak answered 401');
    const err = toKeycloakError(operation, login);
    expect(err.kind).toBe('Unauthorized');
    expect(err.message).toBe(`${operation}: ${login.message}`);
    expect(toKeycloakError(operation, err)).toBe(err);
  });

  it('truncates long bodies', () => {
    expect(toKeycloakError(operation, new KeycloakHttpError(500, 'x'.repeat(5000))).message.length).toBeLessThan(operation.length + 250);
  });
});
