import { describe, expect, it } from '@jest/globals';
import type { KeycloakConnection, KeycloakConnectionOptions } from '../../../src/keycloak/connection.js';
import { DEFAULT_IDLE_MS, KeycloakConnectionRegistry, type KeycloakTarget } from '../../../src/keycloak/registry.js';

// Fake connections that record whether they were closed, and let a test send a "request".
interface FakeConnection {
  options: KeycloakConnectionOptions;
  closed: boolean;
  request(): void;
}

function registry(idleMs = DEFAULT_IDLE_MS) {
  let now = 0;
  const made: FakeConnection[] = [];
  const observed: string[] = [];
  const create = (options: KeycloakConnectionOptions) => {
    const fake: FakeConnection = { options, closed: false, request: () => options.onRequest?.('GET', 200, 0.01, '/admin/realms/*/users') };
    made.push(fake);
    return { fake, close: async () => { fake.closed = true; } } as unknown as KeycloakConnection;
  };
  const reg = new KeycloakConnectionRegistry({ timeoutMs: 1000, onRequest: (method, status) => observed.push(`${method} ${status}`) }, create, { idleMs, now: () => now });
  const fakeOf = (c: KeycloakConnection) => (c as unknown as { fake: FakeConnection }).fake;
  return { reg, made, observed, fakeOf, advance: (ms: number) => { now += ms; } };
}

const tenantA: KeycloakTarget = { url: 'https://kc.example.com', credentials: { clientId: 'operator', clientSecret: 'secret-a' } };
const tenantB: KeycloakTarget = { ...tenantA, credentials: { clientId: 'operator', clientSecret: 'secret-b' } };

describe('KeycloakConnectionRegistry', () => {
  it('hands out one connection per target (a trailing slash and the default auth realm are the same target)', () => {
    const { reg, made } = registry();
    const first = reg.get(tenantA);
    expect(reg.get({ ...tenantA, url: 'https://kc.example.com/' })).toBe(first);
    expect(reg.get({ ...tenantA, authRealm: 'master' })).toBe(first);
    expect(made).toHaveLength(1);
    expect(made[0]?.options).toMatchObject({ url: 'https://kc.example.com', timeoutMs: 1000, credentials: tenantA.credentials });
  });

  it('keeps two targets that differ only in their secret apart, and neither closes the other', () => {
    const { reg, made, fakeOf } = registry();
    for (let call = 0; call < 5; call++) {
      reg.get(tenantA);
      reg.get(tenantB);
    }
    expect(made).toHaveLength(2);
    expect(reg.size).toBe(2);
    expect(made.every((c) => !c.closed)).toBe(true);
    expect(fakeOf(reg.get(tenantA)).options.credentials).toEqual(tenantA.credentials);
    expect(fakeOf(reg.get(tenantB)).options.credentials).toEqual(tenantB.credentials);
  });

  it.each([
    ['URL', { url: 'https://other.example.com' }],
    ['auth realm', { authRealm: 'ops' }],
    ['client', { credentials: { clientId: 'other', clientSecret: 'secret-a' } }],
    ['user instead of client', { credentials: { username: 'operator', password: 'secret-a' } }],
    ['CA bundle', { caBundle: 'PEM' }],
  ] as const)('makes a separate connection for another %s', (_, change) => {
    const { reg, made } = registry();
    const first = reg.get(tenantA);
    expect(reg.get({ ...tenantA, ...change })).not.toBe(first);
    expect(made.map((c) => c.closed)).toEqual([false, false]);
  });

  it('closes a connection only after it has been unused for the idle time', () => {
    const { reg, made, advance } = registry(600_000);
    reg.get(tenantA);
    reg.get(tenantB);
    advance(400_000);
    reg.get(tenantA);
    advance(300_000); // B unused for 700 s, A for 300 s
    reg.get(tenantA);
    expect(made.map((c) => c.closed)).toEqual([false, true]);
    expect(reg.size).toBe(1);
    expect(reg.get(tenantB)).not.toBe(made[1]);
    expect(made).toHaveLength(3);
  });

  it('counts a request as use, and still reports it to the registry observer', () => {
    const { reg, made, observed, advance } = registry(600_000);
    reg.get(tenantA);
    for (let minute = 0; minute < 20; minute++) {
      advance(60_000);
      made[0]?.request();
      reg.sweep();
    }
    expect(made[0]?.closed).toBe(false);
    expect(observed).toHaveLength(20);
  });

  it('closes everything at shutdown', async () => {
    const { reg, made } = registry();
    reg.get(tenantA);
    reg.get(tenantB);
    await reg.close();
    expect(made.map((c) => c.closed)).toEqual([true, true]);
    expect(reg.size).toBe(0);
  });
});
