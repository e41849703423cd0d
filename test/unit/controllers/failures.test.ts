import { describe, expect, it } from '@jest/globals';
import { classifyFailure } from '../../../src/controllers/errors.js';
import { KeycloakError } from '../../../src/keycloak/errors.js';

describe('classifyFailure: Keycloak failures in the runtime\'s generic outcomes, with Keycloak reasons', () => {
  it.each([
    ['Unavailable', 'Unavailable', 'KeycloakUnavailable'], ['Unauthorized', 'AuthFailed', 'KeycloakAuthFailed'], ['Invalid', 'Rejected', 'KeycloakRejected'],
    ['Conflict', 'Conflict', 'Conflict'], ['NotFound', 'Rejected', 'KeycloakRejected'],
  ] as const)('maps %s to the %s outcome, reason %s, with the error message', (kind, outcome, reason) => {
    const err = new KeycloakError(kind, `read realm "dash": ${kind}`);
    expect(classifyFailure(err)).toEqual({ outcome, reason, message: err.message });
  });

  it('leaves other errors to the caller', () => {
    expect(classifyFailure(new Error('boom'))).toBeUndefined();
    expect(classifyFailure(undefined)).toBeUndefined();
  });
});
