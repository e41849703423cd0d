import { createServer, connect, type Server } from 'node:net';
import { freePort } from '../../env/processes.js';
import { eventually } from '../support/keycloak-fixtures.js';
import { readyCondition, useOperator, type OperatorUnderTest } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';

describe('DashRealm and DashGroup through the running operator', () => {
  /** Where the 'far' DashRealm's Keycloak will listen (nothing at first); the operator allows it. */
  let farPort: number;
  beforeAll(async () => {
    farPort = await freePort();
  });
  /** Keycloak read (and tampered with) through raw REST, never through src/keycloak. */
  const { op, rest: kc } = useOperator(() => ({ extraArgs: ['--resync-period=5s', `--allowed-keycloak-urls=http://127.0.0.1:${farPort}`] }));

  it('applies every DashRealm field, and a resync of the unchanged realm and groups writes nothing', async () => {
    op.apply([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'smtp' }, stringData: { password: 'smtp-s3cret-value' } },
      {
        apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' },
        spec: {
          realm: op.realm,
          login: { userRegistration: true, forgotPassword: true, rememberMe: true, verifyEmail: false, loginWithEmail: true, duplicateEmails: false, editUsername: true },
          email: { host: 'smtp.example.com', port: 2525, from: 'dash@example.com', fromDisplayName: 'Dash', starttls: true, auth: { username: 'dash', passwordSecretRef: { name: 'smtp', key: 'password' } } },
          requiredActions: [{ alias: 'CONFIGURE_TOTP', enabled: true, defaultAction: true }, { alias: 'TERMS_AND_CONDITIONS', enabled: true, defaultAction: false }],
          passwordPolicy: { length: 12, digits: 1, notUsername: true },
        },
      },
    ]);
    const realm = await op.waitReady<{ status: { clientUuid: string; adopted: boolean } }>('DashRealm', 'dash');
    expect(realm.status.adopted).toBe(false);
    const got = await kc.realm(op.realm);
    expect(got).toMatchObject({
      registrationAllowed: true, resetPasswordAllowed: true, rememberMe: true, verifyEmail: false,
      loginWithEmailAllowed: true, duplicateEmailsAllowed: false, editUsernameAllowed: true,
      passwordPolicy: 'length(12) and digits(1) and notUsername(undefined)',
    });
    // Keycloak masks a set SMTP password as ********** and never returns it.
    expect(got?.smtpServer).toMatchObject({ host: 'smtp.example.com', port: '2525', from: 'dash@example.com', starttls: 'true', auth: 'true', user: 'dash', password: '**********' });
    const actions = await kc.requiredActions(op.realm);
    expect(actions.find((a) => a.alias === 'CONFIGURE_TOTP')).toMatchObject({ enabled: true, defaultAction: true });
    expect(actions.find((a) => a.alias === 'TERMS_AND_CONDITIONS')).toMatchObject({ enabled: true, defaultAction: false });
    expect(await kc.clientUuid(op.realm, 'dash')).toBe(realm.status.clientUuid);
    expect(await kc.clientRoleNames(op.realm, realm.status.clientUuid)).toEqual(['admin', 'licensed_user', 'viewer']);
    expect(await kc.defaultClientRoleNames(op.realm, realm.status.clientUuid)).toEqual(['viewer']);

    // Nested groups three levels deep, applied child first: each waits for its parent.
    op.apply([
      { apiVersion: v, kind: 'DashGroup', metadata: { name: 'sre' }, spec: { realmRef: { name: 'dash' }, parentRef: { name: 'platform' } } },
      { apiVersion: v, kind: 'DashGroup', metadata: { name: 'platform' }, spec: { realmRef: { name: 'dash' }, parentRef: { name: 'engineering' } } },
    ]);
    const waiting = await op.waitFor('DashGroup', 'sre', (o) => readyCondition(o)?.reason === 'WaitingForParent');
    expect(readyCondition(waiting)?.message).toContain('spec.parentRef');
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'engineering' }, spec: { realmRef: { name: 'dash' } } });
    const sre = await op.waitReady<{ status: { path: string; keycloakId: string } }>('DashGroup', 'sre');
    expect(sre.status.path).toBe('engineering/platform/sre');
    expect((await kc.groupByPath(op.realm, 'engineering/platform/sre'))?.id).toBe(sre.status.keycloakId);

    await kc.updateRealm(op.realm, { adminEventsEnabled: true });
    const since = Date.now();
    const postsBefore = await keycloakPosts(op);
    await new Promise((r) => setTimeout(r, 12_000)); // two resync periods
    expect(await kc.adminEventsSince(op.realm, since)).toEqual([]);
    // With no admin write, every POST is a login: at most one per 60 s token lifetime, not one per reconcile.
    expect(await keycloakPosts(op) - postsBefore).toBeLessThanOrEqual(1);
  });

  it('corrects drift made directly in Keycloak on resync', async () => {
    await op.waitReady('DashRealm', 'dash');
    await kc.updateRealm(op.realm, { rememberMe: false });
    const platform = await kc.groupByPath(op.realm, 'engineering/platform');
    await kc.write('PUT', `/${op.realm}/groups/${platform?.id}`, { name: 'renamed-by-hand' });
    const engineering = await kc.groupByPath(op.realm, 'engineering');
    await eventually('rememberMe back to true', async () => (await kc.realm(op.realm))?.rememberMe === true, 45_000);
    await eventually('group platform renamed back', async () => (await kc.get<{ name: string }>(`/${op.realm}/groups/${platform?.id}`))?.name === 'platform', 45_000);
    // A group deleted by hand is created again (its children with it, level by level).
    await kc.write('DELETE', `/${op.realm}/groups/${engineering?.id}`);
    await eventually('engineering/platform/sre created again', async () => (await kc.groupByPath(op.realm, 'engineering/platform/sre')) !== undefined, 60_000);
  });

  it('keeps the SMTP password across a resync and a host change', async () => {
    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: {
      realm: op.realm, email: { host: 'mail2.example.com', port: 2526, from: 'dash@example.com', auth: { username: 'dash', passwordSecretRef: { name: 'smtp', key: 'password' } } },
    } });
    await eventually('SMTP host mail2.example.com', async () => (await kc.realm(op.realm))?.smtpServer?.host === 'mail2.example.com', 45_000);
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await kc.realm(op.realm))?.smtpServer?.password).toBe('**********');
    expect(op.logs()).not.toContain('smtp-s3cret-value');
  });

  it('reports KeycloakUnavailable while its Keycloak is unreachable, and recovers when it returns', async () => {
    const port = farPort;
    op.apply([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kc-admin' }, stringData: { clientId: op.env.KEYCLOAK_ADMIN_CLIENT_ID, clientSecret: op.env.KEYCLOAK_ADMIN_CLIENT_SECRET } },
      { apiVersion: v, kind: 'DashRealm', metadata: { name: 'far' }, spec: { realm: `${op.realm}-far`, keycloak: { url: `http://127.0.0.1:${port}`, credentialsSecretRef: { name: 'kc-admin' } } } },
    ]);
    const down = await op.waitFor('DashRealm', 'far', (o) => readyCondition(o)?.reason === 'KeycloakUnavailable');
    expect(readyCondition(down)?.status).toBe('False');
    const proxy = await tcpProxy(port, new URL(op.env.KEYCLOAK_URL));
    try {
      await op.waitReady('DashRealm', 'far', 120_000);
      expect(await kc.realm(`${op.realm}-far`)).toBeDefined();
    } finally {
      proxy.close();
      await kc.deleteRealm(`${op.realm}-far`);
    }
  });
});

/** POSTs the operator sent to Keycloak so far (its own metrics). */
async function keycloakPosts(op: OperatorUnderTest): Promise<number> {
  const text = await (await fetch(op.metricsUrl)).text();
  return text.split('\n').filter((l) => l.startsWith('dash_keycloak_operator_keycloak_requests_total{') && l.includes('method="POST"'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Forwards 127.0.0.1:port to the target: Keycloak "comes back" on the address the realm names. */
function tcpProxy(port: number, target: URL): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      const upstream = connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
