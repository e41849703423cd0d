import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDispatcher } from '../../../src/keycloak/dispatcher.js';
import { KeycloakHttp } from '../../../src/keycloak/http.js';
import { TokenCache } from '../../../src/keycloak/token.js';
import { PassStoppedError, runInPass } from '../../../src/runtime/pass-signal.js';

// A local listener stands in for Keycloak: what matters is which requests reach a socket.
let server: Server;
let url: string;
const received: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function http(): KeycloakHttp {
  const { dispatcher } = createDispatcher({ onRequest: () => undefined });
  return new KeycloakHttp({ url, timeoutMs: 2000, maxConcurrency: 2, dispatcher, tokens: new TokenCache(async () => ({ value: 't', expiresInSeconds: 60 })) });
}

describe('writes of a stopped pass', () => {
  it('are refused before they reach Keycloak, with a PassStoppedError naming why; reads still go out', async () => {
    const kc = http();
    const lease = new AbortController();
    await runInPass(lease.signal, () => kc.request('create group', 'POST', '/dash/groups', { body: { name: 'a' } }));
    lease.abort(new Error('this replica lost the leader lease'));
    received.length = 0;
    const write = runInPass(lease.signal, () => kc.request('create group', 'POST', '/dash/groups', { body: { name: 'b' } }));
    await expect(write).rejects.toThrow(PassStoppedError);
    await expect(write).rejects.toThrow('POST /admin/realms/dash/groups not sent: this replica lost the leader lease');
    const update = runInPass(lease.signal, () => kc.call('update realm', (admin) => admin.realms.update({ realm: 'dash' }, { enabled: true })));
    await expect(update).rejects.toThrow(PassStoppedError);
    await runInPass(lease.signal, () => kc.get('read group', '/dash/groups/1'));
    expect(received).toEqual(['GET /admin/realms/dash/groups/1']);
  });

  it('outside a pass (CLI, start-up) nothing is refused', async () => {
    received.length = 0;
    await http().request('create group', 'POST', '/dash/groups', { body: { name: 'c' } });
    expect(received).toEqual(['POST /admin/realms/dash/groups']);
  });
});
