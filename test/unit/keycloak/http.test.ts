import { jest } from '@jest/globals';
import { Agent } from 'undici';
import { KeycloakHttp } from '../../../src/keycloak/http.js';
import { TokenCache } from '../../../src/keycloak/token.js';

// A fake Keycloak behind the global fetch: it accepts only the tokens in `valid` and records
// how many requests were in flight at once.
function fakeKeycloak(valid: Set<string>) {
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchMock = jest.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight -= 1;
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    if (!valid.has(auth.replace('Bearer ', ''))) return new Response('{"error":"HTTP 401 Unauthorized"}', { status: 401 });
    return new Response('[]', { status: 200 });
  });
  return { fetchMock, maxInFlight: () => maxInFlight };
}

function connection(maxConcurrency = 4) {
  let n = 0;
  const tokens = new TokenCache(async () => ({ value: `t${++n}`, expiresInSeconds: 300 }));
  const http = new KeycloakHttp({ url: 'http://kc.test', timeoutMs: 1000, maxConcurrency, dispatcher: new Agent(), tokens });
  return { http, tokens };
}

describe('KeycloakHttp', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('logs in again once after a 401 and retries with the new token', async () => {
    const kc = fakeKeycloak(new Set(['t2']));
    globalThis.fetch = kc.fetchMock as typeof fetch;
    const { http, tokens } = connection();
    await expect(http.request('list things', 'GET', '/dash/things')).resolves.toEqual({ data: [], location: undefined });
    expect(tokens.logins).toBe(2);
    expect(kc.fetchMock).toHaveBeenCalledTimes(2);
  });

  it('gives up with Unauthorized when the fresh token is refused too', async () => {
    const kc = fakeKeycloak(new Set());
    globalThis.fetch = kc.fetchMock as typeof fetch;
    const { http, tokens } = connection();
    await expect(http.request('list things', 'GET', '/dash/things')).rejects.toMatchObject({
      kind: 'Unauthorized',
      message: 'list things: Keycloak answered 401 (HTTP 401 Unauthorized)',
    });
    expect(tokens.logins).toBe(2);
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    const kc = fakeKeycloak(new Set(['t1']));
    globalThis.fetch = kc.fetchMock as typeof fetch;
    const { http, tokens } = connection(3);
    await Promise.all(Array.from({ length: 20 }, (_, i) => http.request(`read ${i}`, 'GET', `/dash/things/${i}`)));
    expect(kc.maxInFlight()).toBe(3);
    expect(tokens.logins).toBe(1);
  });

  it('turns a 404 into undefined for reads', async () => {
    globalThis.fetch = (async () => new Response('{"error":"Realm not found."}', { status: 404 })) as typeof fetch;
    const { http } = connection();
    await expect(http.get('read realm "x"', '/x')).resolves.toBeUndefined();
    await expect(http.request('read realm "x"', 'GET', '/x')).rejects.toMatchObject({ kind: 'NotFound' });
  });
});
