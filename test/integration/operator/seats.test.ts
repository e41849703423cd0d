import { execFileSync } from 'node:child_process';
import { secondAdmin } from '../support/keycloak-fixtures.js';
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

    // A member an administrator added by hand to a subgroup of a licensed group holds a seat too
    // (the operator reads memberships once and learns of this change from the admin events, so
    // the change is made by a second realm administrator: the operator skips its own events).
    const outsider = await secondAdmin(rest, op.env, op.realm);
    const fay = (await outsider.write('POST', `/${op.realm}/users`, { username: 'idp-fay', enabled: true })).location?.split('/').pop() ?? '';
    const juniors = (await op.get<{ status?: { keycloakId?: string } }>('DashGroup', 'juniors'))?.status?.keycloakId ?? '';
    await outsider.write('PUT', `/${op.realm}/users/${fay}/groups/${juniors}`);
    await seats({ licensedUsers: 4, admins: 1, users: 7 }, 30_000); // console-admin and idp-fay are users too

    // Leaving the group frees the seat, seen without waiting for a resync of the realm.
    op.apply(user('ben', { groups: [] }));
    await seats({ licensedUsers: 3, admins: 1, users: 7 });
    expect(await metric('licensed_users')).toBe(3);
  });
});

// spec.licenseSeats: a grant that would push licensedUsers above the limit is not made.
describe('a license seat limit', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=5s', '--dependency-wait=2s'], realm: { licenseSeats: 2 } });
  const kubectl = (...args: string[]) => execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, ...args], { encoding: 'utf8', timeout: 60_000 });
  const licensed = async (username: string) => {
    const [found] = await rest.usersNamed(op.realm, username);
    return found ? (await rest.userClientRoles(op.realm, found.id, 'dash')).includes('licensed_user') : false;
  };
  type Bound = { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } };
  const ready = (b: Bound) => b.status?.conditions?.find((c) => c.type === 'Ready');

  it('never lets three bindings that grant at once take more than two seats, reports SeatLimitReached with a Warning, and grants once the limit allows', async () => {
    op.apply([user('ada'), user('bob'), user('cyd')]);
    for (const name of ['ada', 'bob', 'cyd']) await op.waitFor<{ status?: { keycloakId?: string } }>('DashUser', name, (u) => u.status?.keycloakId !== undefined);
    op.apply(['ada', 'bob', 'cyd'].map((name) => binding(`lic-${name}`, ['licensed_user', 'viewer'], [{ kind: 'User', name }])));
    const outcome = async () => Promise.all(['ada', 'bob', 'cyd'].map(async (name) => ({ name, licensed: await licensed(name), reason: ready((await op.get<Bound>('DashRoleBinding', `lic-${name}`)) ?? {})?.reason })));
    let seen: Awaited<ReturnType<typeof outcome>> = [];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      seen = await outcome();
      if (seen.filter((s) => s.reason === 'SeatLimitReached').length === 1 && seen.filter((s) => s.licensed).length === 2) break;
    }
    expect(seen.filter((s) => s.licensed)).toHaveLength(2);
    const refused = seen.find((s) => s.reason === 'SeatLimitReached');
    expect(refused?.licensed).toBe(false);
    const binding0 = await op.get<Bound>('DashRoleBinding', `lic-${refused?.name}`);
    expect(ready(binding0 ?? {})?.message).toMatch(/spec\.licenseSeats 2 and 2 in use; 1 seat\(s\) missing/);
    const events = JSON.parse(kubectl('get', 'events.events.k8s.io', '-o', 'json')) as { items: { type: string; reason: string; regarding: { name: string } }[] };
    expect(events.items.some((e) => e.type === 'Warning' && e.reason === 'SeatLimitReached' && e.regarding.name === `lic-${refused?.name}`)).toBe(true);
    // A few retries later, still only two seats taken.
    await new Promise((r) => setTimeout(r, 5000));
    expect((await outcome()).filter((s) => s.licensed)).toHaveLength(2);
    expect(kubectl('get', 'dashrealms').split('\n')[1]).toMatch(new RegExp(`${op.realm}\\s+2\\s+2\\s`));

    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: op.realm, licenseSeats: 3 } });
    await op.waitReady('DashRoleBinding', `lic-${refused?.name}`, 60_000);
    expect(await licensed(refused?.name ?? '')).toBe(true);
  });
});
