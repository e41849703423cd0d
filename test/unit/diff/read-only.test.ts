import { describe, expect, it } from '@jest/globals';
import { readOnlyPort } from '../../../src/diff/context.js';
import type { KeycloakPort } from '../../../src/keycloak/port.js';

describe('the port diff plans through', () => {
  it('passes reads and throws on every write before it reaches Keycloak', async () => {
    const calls: string[] = [];
    const fake = new Proxy({}, { get: (_, name) => async () => { calls.push(String(name)); return undefined; } }) as KeycloakPort;
    const port = readOnlyPort(fake);
    await port.getRealm('r');
    await port.findUserByUsername('r', 'u');
    await port.listGroups('r');
    for (const write of [() => port.createUser('r', { username: 'u' }), () => port.updateRealm('r', {}), () => port.addClientRoleMappings('r', { kind: 'user', id: 'u' }, 'c', []), () => port.declareAdminOnlyUserAttribute('r', 'a', 'b')]) {
      expect(write).toThrow(/^diff is read-only: \w+ was called$/);
    }
    expect(calls).toEqual(['getRealm', 'findUserByUsername', 'listGroups']);
  });
});
