import { jest } from '@jest/globals';
import { TokenCache, requestToken, type AccessToken, type FetchLike } from '../../../src/keycloak/token.js';

/** A login that counts its calls and resolves when told to. */
function fakeLogin(lifetimeSeconds = 60) {
  let calls = 0;
  const login = jest.fn(async (): Promise<AccessToken> => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { value: `token-${calls}`, expiresInSeconds: lifetimeSeconds };
  });
  return login;
}

describe('TokenCache', () => {
  it('shares one login among concurrent callers (single flight)', async () => {
    const login = fakeLogin();
    const cache = new TokenCache(login);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => cache.get()));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(login).toHaveBeenCalledTimes(1);
    expect(cache.logins).toBe(1);
  });

  it('reuses the token within its lifetime and renews it a quarter of the lifetime before expiry', async () => {
    let now = 1_000_000;
    const login = fakeLogin(60);
    const cache = new TokenCache(login, () => now);
    expect(await cache.get()).toBe('token-1');
    now += 44_000;
    expect(await cache.get()).toBe('token-1');
    now += 1_000; // 45 s of 60: within the last 15 s
    expect(await cache.get()).toBe('token-2');
    expect(cache.logins).toBe(2);
  });

  it('keeps the margin at 30 s for long-lived tokens', async () => {
    let now = 0;
    const cache = new TokenCache(fakeLogin(3600), () => now);
    await cache.get();
    now = 3_569_000;
    expect(await cache.get()).toBe('token-1');
    now = 3_570_000;
    expect(await cache.get()).toBe('token-2');
  });

  it('forgets a token Keycloak refused, but not a newer one', async () => {
    const cache = new TokenCache(fakeLogin());
    const first = await cache.get();
    cache.invalidate(first);
    const second = await cache.get();
    expect(second).toBe('token-2');
    cache.invalidate(first);
    expect(await cache.get()).toBe('token-2');
  });

  it('does not cache a failed login: the next caller tries again', async () => {
    let fail = true;
    const cache = new TokenCache(async () => {
      if (fail) throw new Error('down');
      return { value: 'ok', expiresInSeconds: 60 };
    });
    await expect(Promise.all([cache.get(), cache.get()])).rejects.toThrow('down');
    fail = false;
    expect(await cache.get()).toBe('ok');
    expect(cache.logins).toBe(2);
  });
});

describe('requestToken', () => {
  const url = 'https://kc.example.com';
  const respond = (status: number, body: unknown): FetchLike => async () => new Response(JSON.stringify(body), { status });

  it('uses the client-credentials grant for a client and the admin-cli password grant for a user', async () => {
    const bodies: string[] = [];
    const fetchFn: FetchLike = async (u, init) => {
      bodies.push(`${u} ${String(init.body)}`);
      return new Response(JSON.stringify({ access_token: 'a', expires_in: 60 }));
    };
    expect(await requestToken(fetchFn, url, 'master', { clientId: 'op', clientSecret: 's' })).toEqual({ value: 'a', expiresInSeconds: 60 });
    await requestToken(fetchFn, url, 'master', { username: 'admin', password: 'p w' });
    expect(bodies).toEqual([
      `${url}/realms/master/protocol/openid-connect/token grant_type=client_credentials&client_id=op&client_secret=s`,
      `${url}/realms/master/protocol/openid-connect/token grant_type=password&client_id=admin-cli&username=admin&password=p+w`,
    ]);
  });

  it.each([
    [401, { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' }],
    [400, { error: 'invalid_grant', error_description: 'Invalid user credentials' }],
    [404, { error: 'Realm does not exist' }],
  ])('reports a %i from the token endpoint as Unauthorized without the secret', async (status, body) => {
    const err = await requestToken(respond(status, body), url, 'master', { clientId: 'op', clientSecret: 'top-secret' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'Unauthorized', status });
    expect((err as Error).message).toMatch(/^log in to Keycloak realm "master" as client "op": Keycloak answered/);
    expect((err as Error).message).not.toContain('top-secret');
  });

  it('reports a 503 or a refused connection as Unavailable', async () => {
    await expect(requestToken(respond(503, 'down'), url, 'master', { clientId: 'op', clientSecret: 's' })).rejects.toMatchObject({ kind: 'Unavailable' });
    const refused: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    };
    await expect(requestToken(refused, url, 'master', { username: 'admin', password: 'p' })).rejects.toMatchObject({
      kind: 'Unavailable',
      message: 'log in to Keycloak realm "master" as user "admin": Keycloak unreachable (ECONNREFUSED)',
    });
  });
});
