import { execFileSync } from 'node:child_process';
import { useOperator } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const user = (name: string, extra: object = {}) => ({ apiVersion: v, kind: 'DashUser', metadata: { name }, spec: { realmRef, username: name, ...extra } });
const group = (name: string, spec: object = {}) => ({ apiVersion: v, kind: 'DashGroup', metadata: { name }, spec: { realmRef, ...spec } });
const binding = (name: string, roles: string[], subjects: object[]) => ({ apiVersion: v, kind: 'DashRoleBinding', metadata: { name }, spec: { realmRef, roles, subjects } });
type Seats = { licensedUsers: number; admins: number; users: number };
type RealmStatus = { status?: { seats?: Seats } };

// SPEC "Added in v1alpha1": DashRealm status.seats counted from what Keycloak holds (effective
// roles, group-derived included), the seat metrics and printer columns. Keycloak is set up and
// tampered with through raw REST (KeycloakRest), never through src/keycloak.
describe('license seats', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=5s'], realm: {} });
  const kubectl = (...args: string[]) => execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, ...args], { encoding: 'utf8', timeout: 60_000 });
  const seats = (expected: Seats, timeoutMs = 60_000) =>
    op.waitFor<RealmStatus>('DashRealm', 'dash', (r) => (Object.keys(expected) as (keyof Seats)[]).every((k) => r.status?.seats?.[k] === expected[k]), timeoutMs);
  const metric = async (name: string) => {
    const text = await (await fetch(op.metricsUrl)).text();
    const line = text.split('\n').find((l) => l.startsWith(`dash_keycloak_operator_${name}{realm="${op.realm}"}`));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };

  it('counts users and effective licensed_user and admin holders: direct, through a parent group, by hand in Keycloak', async () => {
    op.apply([
      group('analysts'), group('juniors', { parentRef: { name: 'analysts' } }),
      user('ann'), user('ben', { groups: [{ name: 'juniors' }] }), user('cat'), user('dan'),
      binding('licensed', ['licensed_user'], [{ kind: 'User', name: 'ann' }, { kind: 'Group', name: 'analysts' }]),
      binding('admins', ['admin'], [{ kind: 'User', name: 'dan' }]),
    ]);
    // ann directly, ben as a member of analysts/juniors (roles of the parent reach subgroup members).
    await seats({ licensedUsers: 2, admins: 1, users: 4 });

    // A user an IdP or an administrator created, with licensed_user mapped by hand, holds a seat too.
    const { location } = await rest.write('POST', `/${op.realm}/users`, { username: 'idp-eve', enabled: true });
    const eve = location?.split('/').pop() ?? '';
    const clientUuid = await rest.clientUuid(op.realm, 'dash') ?? '';
    const role = await rest.get<{ id: string; name: string }>(`/${op.realm}/clients/${clientUuid}/roles/licensed_user`);
    await rest.write('POST', `/${op.realm}/users/${eve}/role-mappings/clients/${clientUuid}`, [role]);
    await seats({ licensedUsers: 3, admins: 1, users: 5 });
    expect(await metric('licensed_users')).toBe(3);
    expect(await metric('users')).toBe(5);
    const table = kubectl('get', 'dashrealms');
    expect(table).toMatch(/LICENSED\s+SEATS/);
    expect(table.split("\n")[1]).toMatch(new RegExp(`${op.realm}\\s+3\\s`)); // no limit: the Seats column is empty

    // Leaving the group frees the seat, seen without waiting for a resync of the realm.
    op.apply(user('ben', { groups: [] }));
    await seats({ licensedUsers: 2, admins: 1, users: 5 });
    expect(await metric('licensed_users')).toBe(2);
  });
});
