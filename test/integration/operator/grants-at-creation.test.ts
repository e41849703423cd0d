import { execFileSync } from 'node:child_process';
import { readyCondition, useOperator } from './harness.js';

// A binding records its grants for a DashUser that will create its Keycloak user; the DashUser
// then creates the user holding them, and its first status already reports them: the user's
// end state needs no pass of the binding in between. Keycloak is read through raw REST only.

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
type Subject = { kind: string; name?: string; resolved: boolean; grants?: string[]; pending?: string[] };
type Binding = { status?: { subjects?: Subject[] } };
type User = { status?: { keycloakId?: string; effectiveRoleNames?: string[]; assignedRoles?: string[]; adopted?: boolean } };
type KubeEvent = { type: string; reason: string; note?: string; regarding: { kind: string; name: string } };

describe('a user created after a binding recorded its grants', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=1h'], realm: {} });
  const kubectl = (...args: string[]) => execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, ...args], { encoding: 'utf8', timeout: 60_000 });
  const events = () => (JSON.parse(kubectl('get', 'events.events.k8s.io', '-o', 'json')) as { items: KubeEvent[] }).items;
  const entry = (b: Binding | undefined, name: string) => b?.status?.subjects?.find((s) => s.kind === 'User' && s.name === name);
  const binding = (name: string, roles: string[], users: string[]) =>
    ({ apiVersion: v, kind: 'DashRoleBinding', metadata: { name }, spec: { realmRef, roles, subjects: users.map((u) => ({ kind: 'User', name: u })) } });

  it('is created holding them, its first status shows them, and the binding maps nothing itself', async () => {
    // alice waits for her group, so the binding records its grant before she exists in Keycloak.
    op.apply([binding('licensed', ['licensed_user'], ['alice']),
      { apiVersion: v, kind: 'DashUser', metadata: { name: 'alice' }, spec: { realmRef, username: 'alice', groups: [{ name: 'staff' }] } }]);
    await op.waitFor<Binding>('DashRoleBinding', 'licensed', (b) => entry(b, 'alice')?.pending?.includes('licensed_user') === true);
    expect(entry(await op.get<Binding>('DashRoleBinding', 'licensed'), 'alice')).toMatchObject({ resolved: false, grants: ['licensed_user'] });
    expect(readyCondition(await op.get('DashUser', 'alice'))?.reason).toBe('WaitingForGroup');

    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'staff' }, spec: { realmRef } });
    // The first status that names the Keycloak user already reports the grant.
    const first = await op.waitFor<User>('DashUser', 'alice', (u) => u.status?.keycloakId !== undefined);
    expect(first.status?.effectiveRoleNames).toEqual(['licensed_user', 'viewer']);
    expect(first.status?.assignedRoles).toEqual(['licensed_user']);
    expect(await rest.userClientRoles(op.realm, first.status!.keycloakId!, 'dash')).toEqual(['licensed_user']);

    await op.waitFor<Binding>('DashRoleBinding', 'licensed', (b) => entry(b, 'alice')?.resolved === true && !entry(b, 'alice')?.pending);
    await op.waitReady('DashRoleBinding', 'licensed');
    const seen = events();
    expect(seen.some((e) => e.regarding.kind === 'DashUser' && e.regarding.name === 'alice' && e.reason === 'Granted'
      && (e.note ?? '').includes('DashRoleBinding licensed'))).toBe(true);
    // The binding confirmed the grant; it wrote no mapping of its own.
    expect(seen.filter((e) => e.regarding.kind === 'DashRoleBinding' && e.reason === 'Granted')).toEqual([]);
  });

  it('a user adopted after a binding recorded for it keeps a role it held by hand when the binding goes', async () => {
    // carol exists in Keycloak with licensed_user mapped by hand.
    const id = (await rest.write('POST', `/${op.realm}/users`, { username: 'carol', enabled: true })).location!.split('/').pop()!;
    const clientUuid = (await rest.clientUuid(op.realm, 'dash'))!;
    const role = (await rest.get<{ id: string; name: string }>(`/${op.realm}/clients/${clientUuid}/roles/licensed_user`))!;
    await rest.write('POST', `/${op.realm}/users/${id}/role-mappings/clients/${clientUuid}`, [role]);

    op.apply(binding('carol-licensed', ['licensed_user'], ['carol']));
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'carol' }, spec: { realmRef, username: 'carol' } });
    await op.waitFor<Binding>('DashRoleBinding', 'carol-licensed', (b) => entry(b, 'carol')?.pending?.includes('licensed_user') === true);
    await op.waitFor('DashUser', 'carol', (u) => readyCondition(u)?.reason === 'AdoptionRequired');

    kubectl('annotate', 'dashuser', 'carol', 'identity.dashops.dev/adopt=true');
    await op.waitFor<User>('DashUser', 'carol', (u) => u.status?.keycloakId === id && u.status.adopted === true);
    // Held before any binding recorded it: manual, so the binding does not own it.
    const resolved = await op.waitFor<Binding>('DashRoleBinding', 'carol-licensed', (b) => entry(b, 'carol')?.resolved === true);
    expect(entry(resolved, 'carol')?.grants ?? []).toEqual([]);

    kubectl('delete', 'dashrolebinding', 'carol-licensed', '--wait=true');
    expect(await rest.userClientRoles(op.realm, id, 'dash')).toEqual(['licensed_user']);
  });
});
