import { execFileSync } from 'node:child_process';
import { readyCondition, useOperator } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };

describe('adoption, conflicts, warnings and a vanished realm', () => {
  /** Keycloak read (and set up) through raw REST, never through src/keycloak. */
  const { op, rest: kc } = useOperator({ extraArgs: ['--resync-period=5s'], realm: {} });
  // A timeout, so a kubectl that waits for good fails the test instead of blocking Jest.
  const kubectl = (...args: string[]) => execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, ...args], { encoding: 'utf8', timeout: 60_000 });
  /** Whether the object is gone within the timeout. */
  const gone = async (kind: 'DashRealm' | 'DashGroup', name: string, timeoutMs = 30_000): Promise<boolean> => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      if (await op.get(kind, name) === undefined) return true;
    }
    return false;
  };

  it('adopts an existing group, keeps it on delete, and refuses a second claim with Conflict', async () => {
    const existing = (await kc.write('POST', `/${op.realm}/groups`, { name: 'finance' })).location!.split('/').pop()!;
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'finance', annotations: { 'identity.dashops.dev/adopt': 'true' } }, spec: { realmRef } });
    const adopted = await op.waitReady<{ status: { adopted: boolean; keycloakId: string } }>('DashGroup', 'finance');
    expect(adopted.status).toMatchObject({ adopted: true, keycloakId: existing });

    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'finance-again' }, spec: { realmRef, name: 'finance' } });
    const second = await op.waitFor('DashGroup', 'finance-again', (o) => readyCondition(o)?.reason === 'Conflict');
    expect(readyCondition(second)?.message).toContain('DashGroup finance');

    kubectl('delete', 'dashgroup', 'finance-again', 'finance');
    expect(await kc.get(`/${op.realm}/groups/${existing}`)).toBeDefined();
  });

  it('refuses a second DashUser for the same username', async () => {
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'dora' }, spec: { realmRef, username: 'dora' } });
    await op.waitReady('DashUser', 'dora');
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'dora-twin' }, spec: { realmRef, username: 'dora' } });
    const twin = await op.waitFor('DashUser', 'dora-twin', (o) => readyCondition(o)?.reason === 'Conflict');
    expect(readyCondition(twin)?.message).toContain('DashUser dora');
  });

  it('warns when licensed_user is mapped to a group, with a condition and an Event', async () => {
    op.apply([
      { apiVersion: v, kind: 'DashGroup', metadata: { name: 'sales' }, spec: { realmRef } },
      { apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'sales-licensed' }, spec: { realmRef, roles: ['licensed_user'], subjects: [{ kind: 'Group', name: 'sales' }] } },
    ]);
    const binding = await op.waitFor<{ status: { conditions: { type: string; status: string; message: string }[] } }>('DashRoleBinding', 'sales-licensed',
      (o) => JSON.stringify(o).includes('"LicensedUserOnGroup"'));
    expect(binding.status.conditions.find((c) => c.type === 'LicenseAdvice')).toMatchObject({ status: 'True' });
    const events = JSON.parse(kubectl('get', 'events.events.k8s.io', '-o', 'json')) as { items: { type: string; reason: string; regarding: { name: string } }[] };
    expect(events.items.some((e) => e.type === 'Warning' && e.reason === 'LicensedUserOnGroup' && e.regarding.name === 'sales-licensed')).toBe(true);
  });

  it('releases a group whose DashRealm is gone, with a Warning, without hanging', async () => {
    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'lost' }, spec: { realm: `${op.realm}-lost` } });
    await op.waitReady('DashRealm', 'lost');
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'orphan' }, spec: { realmRef: { name: 'lost' } } });
    await op.waitReady('DashGroup', 'orphan');
    // The realm vanishes without its cleanup (its finalizer removed by hand once deletion has
    // begun, as after a lost Keycloak; removed before, the operator would add it back).
    kubectl('delete', 'dashrealm', 'lost', '--wait=false');
    kubectl('patch', 'dashrealm', 'lost', '--type=merge', '-p', '{"metadata":{"finalizers":null}}');
    expect(await gone('DashRealm', 'lost')).toBe(true);
    kubectl('delete', 'dashgroup', 'orphan', '--wait=false');
    expect(await gone('DashGroup', 'orphan')).toBe(true);
    const events = JSON.parse(kubectl('get', 'events.events.k8s.io', '-o', 'json')) as { items: { type: string; reason: string; regarding: { name: string } }[] };
    expect(events.items.some((e) => e.type === 'Warning' && e.reason === 'RealmGone' && e.regarding.name === 'orphan')).toBe(true);
    await kc.deleteRealm(`${op.realm}-lost`);
  });
});
