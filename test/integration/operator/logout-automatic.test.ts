import { createLoginClient, eventually, login, sessions } from '../support/keycloak-fixtures.js';
import { useOperator, type OperatorUnderTest } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const password = { secretRef: { name: 'pw', key: 'password' }, temporary: false };
const person = (name: string, groups: object[]) => ({
  apiVersion: v, kind: 'DashUser', metadata: { name },
  spec: { realmRef, username: name, email: `${name}@example.com`, firstName: name, lastName: 'Test', groups, initialPassword: password },
});

// Sessions are read through raw REST (KeycloakRest), never through src/keycloak.
describe('logoutPolicy: Automatic', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=5s'] });

  it('logs out exactly the users a group role change reaches, and records an Event', async () => {
    op.apply([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pw' }, stringData: { password: 'Auto-logout-1' } },
      { apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: op.realm, logoutPolicy: 'Automatic' } },
      { apiVersion: v, kind: 'DashGroup', metadata: { name: 'ops' }, spec: { realmRef } },
      person('member', [{ name: 'ops' }]),
      person('outsider', []),
    ]);
    const member = await op.waitReady<{ status: { keycloakId: string } }>('DashUser', 'member');
    const outsider = await op.waitReady<{ status: { keycloakId: string } }>('DashUser', 'outsider');
    const client = await createLoginClient(rest, op.realm);
    expect((await login(op.env, op.realm, client, 'member', 'Auto-logout-1')).status).toBe(200);
    expect((await login(op.env, op.realm, client, 'outsider', 'Auto-logout-1')).status).toBe(200);
    expect(await sessions(rest, op.realm, member.status.keycloakId)).toHaveLength(1);

    op.apply({ apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'ops-admin' }, spec: { realmRef, roles: ['admin'], subjects: [{ kind: 'Group', name: 'ops' }] } });
    await eventually("member's sessions to end", async () => (await sessions(rest, op.realm, member.status.keycloakId)).length === 0, 60_000);
    expect(await sessions(rest, op.realm, outsider.status.keycloakId)).toHaveLength(1);
    const events = JSON.parse(await kubectlEvents(op)) as { items: { reason: string; regarding: { name: string } }[] };
    expect(events.items.some((e) => e.reason === 'LoggedOut' && e.regarding.name === 'member')).toBe(true);
    expect(events.items.some((e) => e.reason === 'LoggedOut' && e.regarding.name === 'outsider')).toBe(false);
  });
});

async function kubectlEvents(op: OperatorUnderTest): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  return execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, 'get', 'events.events.k8s.io', '-n', op.namespace, '-o', 'json'], { encoding: 'utf8' });
}
