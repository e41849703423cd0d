import { execFileSync } from 'node:child_process';
import { createLoginClient, eventually, login, restUser, sessions } from '../support/keycloak-fixtures.js';
import { isReady, readyCondition, useOperator } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const password = 'Offboard-me-1234';
const person = (name: string, spec: object = {}) => ({
  apiVersion: v, kind: 'DashUser', metadata: { name },
  spec: { realmRef, username: name, email: `${name}@example.com`, firstName: name, lastName: 'Test', initialPassword: { secretRef: { name: 'pw', key: 'password' }, temporary: false }, ...spec },
});

// SPEC "Added in v1alpha1": spec.enabled false ends the user's sessions (Event SessionsRevoked),
// and deletionPolicy Disable keeps the account but disables it and ends its sessions. Real
// OIDC sessions come from Keycloak's token endpoint; Keycloak is read through raw REST.
describe('offboarding a DashUser', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=5s'], realm: {}, apply: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pw' }, stringData: { password } }] });
  let client: string;
  const kubectl = (...args: string[]) => execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, ...args], { encoding: 'utf8', timeout: 90_000 });
  const events = (name: string) => (JSON.parse(kubectl('get', 'events.events.k8s.io', '-o', 'json')) as { items: { type: string; reason: string; regarding: { name: string } }[] })
    .items.filter((e) => e.regarding.name === name);
  /** Logs in (a real SSO session) and returns the refresh token. */
  const session = async (username: string): Promise<string> => {
    const res = await login(op.env, op.realm, client, username, password);
    expect(res.status).toBe(200);
    return ((await res.json()) as { refresh_token: string }).refresh_token;
  };
  const refresh = async (token: string) => {
    const res = await fetch(`${op.env.KEYCLOAK_URL}/realms/${op.realm}/protocol/openid-connect/token`, {
      method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client, refresh_token: token }),
    });
    return { status: res.status, error: ((await res.json()) as { error?: string }).error };
  };

  beforeAll(async () => {
    client = await createLoginClient(rest, op.realm);
  });

  it('spec.enabled false ends every session at once: the refresh token stops working, Event SessionsRevoked', async () => {
    op.apply(person('olga'));
    const ready = await op.waitFor<{ status: { keycloakId: string; initialPassword?: object } }>('DashUser', 'olga', (o) => isReady(o) && o.status.initialPassword !== undefined);
    const tokens = [await session('olga'), await session('olga')];
    expect(await sessions(rest, op.realm, ready.status.keycloakId)).toHaveLength(2);
    expect((await refresh(tokens[0] ?? '')).status).toBe(200);

    op.apply(person('olga', { enabled: false }));
    await eventually('no session left', async () => (await sessions(rest, op.realm, ready.status.keycloakId)).length === 0, 30_000);
    expect((await restUser(rest, op.realm, 'olga'))?.enabled).toBe(false);
    for (const token of tokens) expect(await refresh(token)).toEqual({ status: 400, error: 'invalid_grant' });
    await eventually('a SessionsRevoked Event', async () => events('olga').some((e) => e.reason === 'SessionsRevoked'), 10_000);
  });

  it('deletionPolicy Disable keeps the Keycloak user on deletion, disabled, with every session ended', async () => {
    op.apply(person('dora', { deletionPolicy: 'Disable' }));
    const ready = await op.waitFor<{ status: { keycloakId: string; initialPassword?: object } }>('DashUser', 'dora', (o) => isReady(o) && o.status.initialPassword !== undefined);
    const token = await session('dora');
    expect(await sessions(rest, op.realm, ready.status.keycloakId)).toHaveLength(1);

    kubectl('delete', 'dashuser', 'dora', '--timeout=60s');
    const kept = await restUser(rest, op.realm, 'dora');
    expect(kept?.id).toBe(ready.status.keycloakId);
    expect(kept?.enabled).toBe(false);
    expect(await sessions(rest, op.realm, ready.status.keycloakId)).toHaveLength(0);
    expect(await refresh(token)).toEqual({ status: 400, error: 'invalid_grant' });
    expect((await login(op.env, op.realm, client, 'dora', password)).status).not.toBe(200);
    expect(events('dora').map((e) => e.reason)).toEqual(expect.arrayContaining(['Disabled', 'SessionsRevoked']));
  });

  it('deletionPolicy Disable never disables an account it never managed (one that appeared while the DashUser waited)', async () => {
    op.apply(person('wade', { deletionPolicy: 'Disable', groups: [{ name: 'not-yet' }] }));
    await op.waitFor('DashUser', 'wade', (o) => readyCondition(o)?.reason === 'WaitingForGroup');
    await rest.write('POST', `/${op.realm}/users`, { username: 'wade', enabled: true });
    kubectl('delete', 'dashuser', 'wade', '--timeout=60s');
    expect((await restUser(rest, op.realm, 'wade'))?.enabled).toBe(true);
  });
});
