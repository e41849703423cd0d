import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { parse } from 'yaml';
import { KeycloakConnectionRegistry, createKeycloakConnection } from '../../../src/keycloak/index.js';
import { adminConnection, env, rawAdmin, realmName } from './helpers.js';

describe('a Keycloak connection', () => {
  it('logs in once per token lifetime, not per call, even with many concurrent calls', async () => {
    const kc = adminConnection({ maxConcurrency: 4 });
    try {
      await Promise.all(Array.from({ length: 40 }, () => kc.getRealm('master')));
      for (let i = 0; i < 20; i++) await kc.listRequiredActions('master');
      expect(kc.loginCount()).toBe(1);
    } finally {
      await kc.close();
    }
  });

  it('reports every HTTP request, the login included, with method, status and duration', async () => {
    const seen: [string, number, number][] = [];
    const kc = adminConnection({ onRequest: (method, status, seconds) => seen.push([method, status, seconds]) });
    try {
      await kc.getRealm(realmName('kc-missing'));
      expect(seen.map(([method, status]) => `${method} ${status}`)).toEqual(['POST 200', 'GET 404']);
      expect(seen.every(([, , seconds]) => seconds > 0 && seconds < 10)).toBe(true);
    } finally {
      await kc.close();
    }
  });

  it('logs in with the admin password grant too', async () => {
    const kc = createKeycloakConnection({ url: `${env.KEYCLOAK_URL}/`, credentials: { username: env.KEYCLOAK_ADMIN_USERNAME, password: env.KEYCLOAK_ADMIN_PASSWORD } });
    try {
      expect((await kc.getRealm('master'))?.realm).toBe('master');
      expect(kc.loginCount()).toBe(1);
    } finally {
      await kc.close();
    }
  });

  it('fails with Unauthorized, naming the client and not the secret, when the credentials are wrong', async () => {
    const kc = createKeycloakConnection({ url: env.KEYCLOAK_URL, credentials: { clientId: env.KEYCLOAK_ADMIN_CLIENT_ID, clientSecret: 'wrong-secret' } });
    try {
      const err = await kc.getRealm('master').catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'Unauthorized', status: 401 });
      expect((err as Error).message).toBe(
        `read realm "master": log in to Keycloak realm "master" as client "${env.KEYCLOAK_ADMIN_CLIENT_ID}": Keycloak answered 401 (unauthorized_client: Invalid client or Invalid client credentials)`,
      );
      expect((err as Error).message).not.toContain('wrong-secret');
    } finally {
      await kc.close();
    }
  });

  describe('with its own service-account admin client', () => {
    const clientId = realmName('kc-test-admin');
    let clientUuid: string;
    let serviceAccountId: string;

    beforeAll(async () => {
      clientUuid = (await rawAdmin('POST', '/master/clients', { clientId, secret: 'test-secret', serviceAccountsEnabled: true, standardFlowEnabled: false, publicClient: false })).location!.split('/').pop()!;
      serviceAccountId = (await rawAdmin<{ id: string }>('GET', `/master/clients/${clientUuid}/service-account-user`)).data.id;
    });

    afterAll(async () => {
      await rawAdmin('DELETE', `/master/clients/${clientUuid}`);
    });

    const connect = () => createKeycloakConnection({ url: env.KEYCLOAK_URL, credentials: { clientId, clientSecret: 'test-secret' } });

    it('reports a client without admin roles (403) as Unauthorized', async () => {
      const kc = connect();
      try {
        await expect(kc.getRealm('master')).rejects.toMatchObject({ kind: 'Unauthorized', status: 403, message: 'read realm "master": Keycloak answered 403 (HTTP 403 Forbidden)' });
      } finally {
        await kc.close();
      }
    });

    it('logs in again once when Keycloak revokes the cached token (401), and goes on', async () => {
      const admin = (await rawAdmin<{ id: string; name: string }>('GET', '/master/roles/admin')).data;
      await rawAdmin('POST', `/master/users/${serviceAccountId}/role-mappings/realm`, [admin]);
      const kc = connect();
      try {
        expect((await kc.getRealm('master'))?.realm).toBe('master');
        // Tokens issued before the user's not-before time (whole seconds) are refused from now on.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await rawAdmin('POST', `/master/users/${serviceAccountId}/logout`);
        expect((await kc.getRealm('master'))?.realm).toBe('master');
        expect(kc.loginCount()).toBe(2);
      } finally {
        await kc.close();
      }
    });
  });

  describe('when Keycloak is not there', () => {
    let silent: Server;
    const sockets: Socket[] = [];

    beforeAll(async () => {
      // Accepts connections and never answers.
      silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('fails with Unavailable when nothing listens', async () => {
      const closed = await freePort();
      const kc = createKeycloakConnection({ url: `http://127.0.0.1:${closed}`, credentials: { clientId: 'x', clientSecret: 'y' } });
      try {
        await expect(kc.getRealm('dash')).rejects.toMatchObject({
          kind: 'Unavailable',
          message: `read realm "dash": log in to Keycloak realm "master" as client "x": Keycloak unreachable (ECONNREFUSED)`,
        });
      } finally {
        await kc.close();
      }
    });

    it('fails with Unavailable after the request timeout when nothing answers', async () => {
      const port = (silent.address() as AddressInfo).port;
      const kc = createKeycloakConnection({ url: `http://127.0.0.1:${port}`, credentials: { clientId: 'x', clientSecret: 'y' }, timeoutMs: 300 });
      try {
        const started = Date.now();
        await expect(kc.getRealm('dash')).rejects.toMatchObject({ kind: 'Unavailable', message: expect.stringContaining('Keycloak did not answer after 300 ms') });
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        await kc.close();
      }
    });
  });

  it('trusts the CA bundle it is given, and only that (checked against the test kube-apiserver\'s TLS)', async () => {
    const kubeconfig = parse(readFileSync(env.KUBECONFIG, 'utf8')) as { clusters: { cluster: Record<string, string> }[] };
    const ca = Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
    const target = { url: env.KUBE_APISERVER_URL, credentials: { clientId: 'x', clientSecret: 'y' } };
    const trusting = createKeycloakConnection({ ...target, caBundle: ca });
    const untrusting = createKeycloakConnection(target);
    try {
      // The TLS handshake succeeds; the API server then has no token endpoint for us.
      await expect(trusting.getRealm('dash')).rejects.toMatchObject({ kind: 'Unauthorized', status: expect.any(Number) });
      await expect(untrusting.getRealm('dash')).rejects.toMatchObject({ kind: 'Unavailable', message: expect.stringMatching(/unreachable \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)\)/) });
    } finally {
      await Promise.all([trusting.close(), untrusting.close()]);
    }
  });
});

describe('the connection registry', () => {
  const registry = new KeycloakConnectionRegistry({ timeoutMs: 5000 });
  const target = { url: env.KEYCLOAK_URL, credentials: { clientId: env.KEYCLOAK_ADMIN_CLIENT_ID, clientSecret: env.KEYCLOAK_ADMIN_CLIENT_SECRET } };

  afterAll(() => registry.close());

  it('hands out one connection, and so one login, per target across reconciles', async () => {
    for (let reconcile = 0; reconcile < 10; reconcile++) await registry.get({ ...target, url: `${env.KEYCLOAK_URL}/` }).getRealm('master');
    expect(registry.size).toBe(1);
    expect(registry.get(target).loginCount()).toBe(1);
  });

  it('gives another secret its own connection without closing the first one, and keeps others apart', async () => {
    const before = registry.get(target);
    const rotated = registry.get({ ...target, credentials: { ...target.credentials, clientSecret: 'rotated' } });
    expect(rotated).not.toBe(before);
    expect(registry.size).toBe(2);
    await expect(rotated.getRealm('master')).rejects.toMatchObject({ kind: 'Unauthorized' });
    expect((await before.getRealm('master'))?.realm).toBe('master');
    expect(registry.get({ ...target, authRealm: 'other' })).not.toBe(rotated);
    expect(registry.size).toBe(3);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
