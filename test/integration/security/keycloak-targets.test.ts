import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadTestEnv } from '../../env/test-env.js';
import { isReady, readyCondition, useOperator, type OperatorUnderTest } from '../operator/harness.js';

// Issue 12 items 4 and 6, written as a tenant with edit rights in one namespace would try
// them. Keycloak is read through raw REST (test/integration/support/keycloak-rest.ts), never
// through src/keycloak; a URL the operator must not reach is a local listener that records
// every request it gets.

const v = 'identity.dashops.dev/v1alpha1';
const RESYNC_MS = 2000;

interface Listener {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** A local HTTP listener that records every request; `answer` decides the reply (default 404). */
async function listener(answer: (res: { writeHead(status: number, headers?: Record<string, string>): void; end(body?: string): void }) => void = (res) => {
  res.writeHead(404);
  res.end();
}): Promise<Listener> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Answered logins the operator sent to Keycloak (its own metrics: POSTs to the token endpoint). */
async function successfulLogins(op: OperatorUnderTest): Promise<number> {
  const text = await (await fetch(op.metricsUrl)).text();
  return text.split('\n').filter((l) => l.startsWith('dash_keycloak_operator_keycloak_requests_total{') && l.includes('method="POST"') && l.includes('status="200"')
    && l.includes('route="/realms/*/protocol/openid-connect/token"'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secret = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: data });
const notReadyWith = (op: OperatorUnderTest, name: string, reason: string, timeoutMs?: number) =>
  op.waitFor('DashRealm', name, (o) => readyCondition(o)?.status === 'False' && readyCondition(o)?.reason === reason, timeoutMs);

describe('a tenant pointing its DashRealm at a Keycloak of its choice (item 4)', () => {
  let bait: Listener;
  let redirector: Listener;
  let elsewhere: Listener;
  const clientSecret = `bait-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    bait = await listener();
    elsewhere = await listener();
    redirector = await listener((res) => {
      res.writeHead(307, { location: `${elsewhere.url}/realms/master/protocol/openid-connect/token` });
      res.end();
    });
  });
  // Only the redirector is allow-listed; the bait listener is not (the default connection is the test Keycloak).
  const { op, rest } = useOperator(() => ({
    extraArgs: [`--resync-period=${RESYNC_MS / 1000}s`, `--allowed-keycloak-urls=${redirector.url}`],
    apply: [secret('stolen-admin', { clientId: 'dko-admin-client', clientSecret })],
  }));
  afterAll(async () => {
    await Promise.all([bait, redirector, elsewhere].map((l) => l.close()));
  });

  it('cannot make the operator send a Secret to a URL that is not allow-listed: KeycloakUrlNotAllowed, and no request at all', async () => {
    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'phish' }, spec: { realm: op.realm, keycloak: { url: bait.url, credentialsSecretRef: { name: 'stolen-admin' } } } });
    const refused = await notReadyWith(op, 'phish', 'KeycloakUrlNotAllowed');
    expect(readyCondition(refused)?.message).toContain(`spec.keycloak.url ${bait.url} is not on the operator's allow-list`);
    expect(readyCondition(refused)?.message).toContain('--allowed-keycloak-urls / ALLOWED_KEYCLOAK_URLS');
    await sleep(3 * RESYNC_MS + 500);
    expect(bait.requests).toEqual([]);
    expect(await rest.realm(op.realm)).toBeUndefined();
    expect(op.logs()).not.toContain(clientSecret);
  });

  it('cannot make the operator send credentials over plain http to a host that is not loopback', async () => {
    const url = 'http://192.0.2.10:8080';
    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'plain-http' }, spec: { realm: op.realm, keycloak: { url, credentialsSecretRef: { name: 'stolen-admin' } } } });
    const refused = await notReadyWith(op, 'plain-http', 'KeycloakUrlNotAllowed');
    expect(readyCondition(refused)?.message).toMatch(/^spec\.keycloak\.url http:\/\/192\.0\.2\.10:8080: must use https/);
    expect(op.logs()).not.toContain(clientSecret);
  });

  it('cannot bounce the credentials elsewhere through a redirect from an allow-listed URL', async () => {
    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'bounce' }, spec: { realm: op.realm, keycloak: { url: redirector.url, credentialsSecretRef: { name: 'stolen-admin' } } } });
    const refused = await notReadyWith(op, 'bounce', 'KeycloakUnavailable');
    expect(readyCondition(refused)?.message).toContain(`redirect refused: Keycloak answered 307 toward ${new URL(elsewhere.url).host}`);
    await sleep(3 * RESYNC_MS + 500);
    expect(redirector.requests.length).toBeGreaterThan(0);
    expect(elsewhere.requests).toEqual([]);
    expect(isReady(await op.get('DashRealm', 'bounce'))).toBe(false);
    expect(op.logs()).not.toContain(clientSecret);
  });
});

describe('DashRealms on several credentials of the same Keycloak (item 6)', () => {
  const { op, rest } = useOperator({ extraArgs: [`--resync-period=${RESYNC_MS / 1000}s`, `--allowed-keycloak-urls=${loadTestEnv().KEYCLOAK_URL}`] });
  const clients: { clientId: string; uuid: string; secret: string }[] = [];
  const realmA = () => `${op.realm}-a`;
  const realmB = () => `${op.realm}-b`;
  const realmM = () => `${op.realm}-m`;

  /** A confidential client in master whose service account holds master's admin role; raw REST only. */
  async function adminClient(clientId: string): Promise<{ clientId: string; uuid: string; secret: string }> {
    const created = await rest.write('POST', '/master/clients', {
      clientId, enabled: true, publicClient: false, serviceAccountsEnabled: true, standardFlowEnabled: false, directAccessGrantsEnabled: false,
    });
    const uuid = created.location?.split('/').pop() ?? '';
    const user = await rest.get<{ id: string }>(`/master/clients/${uuid}/service-account-user`);
    const admin = await rest.get<{ id: string; name: string }>('/master/roles/admin');
    await rest.write('POST', `/master/users/${user?.id}/role-mappings/realm`, [admin]);
    const credential = await rest.get<{ value: string }>(`/master/clients/${uuid}/client-secret`);
    return { clientId, uuid, secret: credential?.value ?? '' };
  }

  beforeAll(async () => {
    for (const suffix of ['a', 'b']) clients.push(await adminClient(`${op.realm}-admin-${suffix}`));
    op.apply([
      secret('kc-a', { clientId: clients[0].clientId, clientSecret: clients[0].secret }),
      secret('kc-b', { clientId: clients[1].clientId, clientSecret: clients[1].secret }),
    ]);
  });
  afterAll(async () => {
    for (const realm of [realmA(), realmB(), realmM()]) await rest.deleteRealm(realm);
    for (const client of clients) await rest.write('DELETE', `/master/clients/${client.uuid}`).catch(() => undefined);
  });

  const keycloak = (secretName: string) => ({ url: op.env.KEYCLOAK_URL, credentialsSecretRef: { name: secretName } });
  const teamA = (rememberMe: boolean) => ({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'team-a' }, spec: { realm: realmA(), keycloak: keycloak('kc-a'), login: { rememberMe } } });
  const teamB = (rememberMe: boolean) => ({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'team-b' }, spec: { realm: realmB(), keycloak: keycloak('kc-b'), login: { rememberMe } } });
  const failedWith = (obj: unknown, reason: string) => readyCondition(obj)?.status === 'False' && readyCondition(obj)?.reason === reason;

  it('cannot break another tenant\'s connection with the same client and a guessed secret', async () => {
    op.apply([
      teamA(false), teamB(false),
      secret('kc-guess', { clientId: clients[0].clientId, clientSecret: 'guessed' }),
      { apiVersion: v, kind: 'DashRealm', metadata: { name: 'mallory' }, spec: { realm: realmM(), keycloak: keycloak('kc-guess') } },
    ]);
    await op.waitReady('DashRealm', 'team-a');
    await op.waitReady('DashRealm', 'team-b');
    await op.waitFor('DashRealm', 'mallory', (o) => failedWith(o, 'KeycloakAuthFailed'));

    // Both keep reconciling (every spec change is a pass): team-a must never fail meanwhile,
    // and keeps its one token (with connections keyed without the secret, every pass of
    // mallory closed team-a's connection and team-a logged in again).
    const loginsBefore = await successfulLogins(op);
    const failures: string[] = [];
    for (let round = 1; round <= 16; round++) {
      op.apply([teamA(round % 2 === 1), { apiVersion: v, kind: 'DashRealm', metadata: { name: 'mallory' }, spec: { realm: realmM(), keycloak: keycloak('kc-guess'), login: { rememberMe: round % 2 === 1 } } }]);
      await sleep(400);
      const a = await op.get('DashRealm', 'team-a');
      if (readyCondition(a)?.status === 'False') failures.push(`${readyCondition(a)?.reason}: ${readyCondition(a)?.message}`);
    }
    expect(failures).toEqual([]);
    // At most a renewal of each 60 s token of team-a and team-b.
    expect((await successfulLogins(op)) - loginsBefore).toBeLessThanOrEqual(2);
    await op.waitFor('DashRealm', 'team-a', isReady);
    expect((await rest.realm(realmA()))?.rememberMe).toBe(false);
    expect(await rest.realm(realmM())).toBeUndefined();
  });

  it('keeps the other realm Ready and working while one credential is revoked', async () => {
    op.apply([teamA(false), teamB(false)]);
    await op.waitReady('DashRealm', 'team-a');
    await op.waitReady('DashRealm', 'team-b');

    // Revoke team-a's credential: disable its client and regenerate its secret.
    await rest.write('PUT', `/master/clients/${clients[0].uuid}`, { clientId: clients[0].clientId, enabled: false });
    await rest.write('POST', `/master/clients/${clients[0].uuid}/client-secret`);

    // Until team-a notices (at the latest when its 60 s token expires), team-b never leaves Ready.
    let bWasReadyThroughout = true;
    const deadline = Date.now() + 120_000;
    let failedA: unknown;
    while (Date.now() < deadline && !failedA) {
      const [a, b] = await Promise.all([op.get('DashRealm', 'team-a'), op.get('DashRealm', 'team-b')]);
      if (!isReady(b)) bWasReadyThroughout = false;
      if (failedWith(a, 'KeycloakAuthFailed')) failedA = a;
      else await sleep(500);
    }
    expect(readyCondition(failedA)?.message).toContain(`client "${clients[0].clientId}"`);
    expect(bWasReadyThroughout).toBe(true);

    // team-b keeps working: a change to its spec reaches Keycloak.
    expect((await rest.realm(realmB()))?.rememberMe).toBe(false);
    op.apply(teamB(true));
    await op.waitFor('DashRealm', 'team-b', (o) => isReady(o) && (o as { metadata: { generation: number } }).metadata.generation > 1);
    expect((await rest.realm(realmB()))?.rememberMe).toBe(true);
    expect(failedWith(await op.get('DashRealm', 'team-a'), 'KeycloakAuthFailed')).toBe(true);
    for (const client of clients) expect(op.logs()).not.toContain(client.secret);
  });
});
