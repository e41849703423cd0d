import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Agent } from 'undici';
import { KeycloakHttp, connectionFetch } from '../../../src/keycloak/http.js';
import { TokenCache, requestToken } from '../../../src/keycloak/token.js';

// Two local listeners: `keycloak` answers every request (the token endpoint too, unless told
// to answer it) with a 307 toward `elsewhere`, which records what reaches it.
interface Listener {
  server: Server;
  url: string;
  requests: string[];
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

async function listen(handle: (req: IncomingMessage) => Answer): Promise<Listener> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${body}`);
      const answer = handle(req);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('a redirect from Keycloak', () => {
  let elsewhere: Listener;
  let keycloak: Listener;
  let answerTokens = false;
  const agent = new Agent();

  beforeAll(async () => {
    elsewhere = await listen(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"access_token":"stolen","expires_in":60}' }));
    keycloak = await listen((req): Answer => {
      if (answerTokens && req.url?.endsWith('/protocol/openid-connect/token')) {
        return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"access_token":"t1","expires_in":300}' };
      }
      return { status: 307, headers: { location: `${elsewhere.url}/collect/path?code=leaked-in-location` } };
    });
  });

  beforeEach(() => {
    elsewhere.requests.length = 0;
    keycloak.requests.length = 0;
    answerTokens = false;
  });

  afterAll(async () => {
    await agent.close();
    await Promise.all([elsewhere, keycloak].map((l) => new Promise((resolve) => l.server.close(resolve))));
  });

  const port = (l: Listener) => new URL(l.url).host;

  it('on the token request is refused: the credentials never reach the other listener', async () => {
    const login = connectionFetch(agent, 2000);
    const err = await requestToken(login, keycloak.url, 'master', { clientId: 'op', clientSecret: 'top-secret' }, 2000).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'Unavailable', status: 307 });
    expect((err as Error).message).toBe(`log in to Keycloak realm "master" as client "op": redirect refused: Keycloak answered 307 toward ${port(elsewhere)}; the Keycloak URL must be the address Keycloak answers on itself`);
    expect((err as Error).message).not.toMatch(/leaked-in-location|top-secret|collect/);
    expect(keycloak.requests).toHaveLength(1);
    expect(elsewhere.requests).toEqual([]);
  });

  it('on the token request is refused even with a fetch that would follow it', async () => {
    const err = await requestToken(fetch, keycloak.url, 'master', { username: 'admin', password: 'top-secret' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'Unavailable', message: expect.stringContaining('redirect refused') });
    expect(elsewhere.requests).toEqual([]);
  });

  describe('on an admin request', () => {
    const http = () => new KeycloakHttp({
      url: keycloak.url, timeoutMs: 2000, maxConcurrency: 2, dispatcher: agent,
      tokens: new TokenCache(() => requestToken(connectionFetch(agent, 2000), keycloak.url, 'master', { clientId: 'op', clientSecret: 'top-secret' })),
    });

    it('through the admin client is refused: the bearer token never reaches the other listener', async () => {
      answerTokens = true;
      const err = await http().call('read realm "dash"', (admin) => admin.realms.findOne({ realm: 'dash' })).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'Unavailable', status: 307 });
      expect((err as Error).message).toBe(`read realm "dash": redirect refused: Keycloak answered 307 toward ${port(elsewhere)}; the Keycloak URL must be the address Keycloak answers on itself`);
      expect(keycloak.requests.map((r) => r.split(' ')[1])).toEqual(['/realms/master/protocol/openid-connect/token', '/admin/realms/dash']);
      expect(elsewhere.requests).toEqual([]);
    });

    it('through a raw REST call is refused the same way', async () => {
      answerTokens = true;
      const err = await http().request('update the user profile of realm "dash"', 'PUT', '/dash/users/profile', { body: { attributes: [] } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'Unavailable', status: 307, message: expect.stringMatching(/^update the user profile of realm "dash": redirect refused/) });
      expect(elsewhere.requests).toEqual([]);
    });
  });
});
