import { KeycloakGrants, type Holder } from '../support/keycloak-grants.js';
import { eventually, login } from '../support/keycloak-fixtures.js';
import { FRESH_VIEW_MIN_SUBJECTS } from '../../../src/controllers/rolebinding/observe.js';
import { readyCondition, useOperator, type OperatorUnderTest } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
type UserStatus = { status: { keycloakId: string; assignedRoles: string[]; effectiveRoles: { name: string; sources: string[] }[]; logoutPending: boolean; sessions: number } };
type BindingStatus = { status?: { subjects?: { kind: string; name?: string; path?: string; grants?: string[] }[] } };

const realmRef = { name: 'dash' };
const user = (name: string, extra: object = {}) => ({ apiVersion: v, kind: 'DashUser', metadata: { name }, spec: { realmRef, username: name, ...extra } });
const group = (name: string, spec: object = {}) => ({ apiVersion: v, kind: 'DashGroup', metadata: { name }, spec: { realmRef, ...spec } });
const binding = (name: string, roles: string[], subjects: object[]) => ({ apiVersion: v, kind: 'DashRoleBinding', metadata: { name }, spec: { realmRef, roles, subjects } });
const roleNames = (u: UserStatus) => u.status.effectiveRoles.map((r) => `${r.name}<-${r.sources.join('+')}`);

// Keycloak state is read (and tampered with) through raw REST only: never through src/keycloak.
describe('DashUser and DashRoleBinding through the running operator', () => {
  const { op, rest } = useOperator({
    extraArgs: ['--resync-period=5s'],
    apply: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pw' }, stringData: { password: 'Initial-pass-1' } }],
    realm: { licenseRevocation: 'Protect' },
  });
  let kc: KeycloakGrants;
  let loginClient: string;
  beforeAll(async () => {
    kc = new KeycloakGrants(rest, op.realm);
    loginClient = await kc.createLoginClient();
  });

  it('waits for groups that do not exist yet, then reports effective roles through a two-level tree plus default viewer', async () => {
    // Keycloak's default user profile wants e-mail and names before a user may log in.
    op.apply(user('alice', { email: 'alice@example.com', firstName: 'Alice', lastName: 'Liddell', groups: [{ name: 'analysts' }], initialPassword: { secretRef: { name: 'pw', key: 'password' }, temporary: false } }));
    const waiting = await op.waitFor('DashUser', 'alice', (o) => readyCondition(o)?.reason === 'WaitingForGroup');
    expect(readyCondition(waiting)?.message).toContain('spec.groups[0]');
    op.apply([
      group('data'), group('analysts', { parentRef: { name: 'data' } }),
      binding('data-admin', ['admin'], [{ kind: 'Group', name: 'data' }]),
    ]);
    const alice = await op.waitFor<UserStatus>('DashUser', 'alice', (o) => (o as UserStatus).status?.effectiveRoles?.some((r) => r.name === 'admin') ?? false, 90_000);
    expect(roleNames(alice)).toEqual(['admin<-group:data', 'viewer<-default']);
    expect(await kc.direct({ kind: 'groups', id: (await kc.groupId('/data')) ?? '' })).toEqual(['admin']);
    // The groups have recorded the change (a login before that could count as stale).
    await op.waitFor('DashGroup', 'analysts', (o) => JSON.stringify(o).includes('"inheritedRoles":["admin"]'));
  });

  it('marks logout pending after a group mapping change, clears it after logout; a direct change marks nothing', async () => {
    expect((await login(op.env, op.realm, loginClient, 'alice', 'Initial-pass-1')).status).toBe(200);
    op.apply(binding('direct', ['licensed_user'], [{ kind: 'User', name: 'alice' }]));
    const direct = await op.waitFor<UserStatus>('DashUser', 'alice', (o) => (o as UserStatus).status?.assignedRoles?.includes('licensed_user') ?? false, 60_000);
    expect(direct.status.logoutPending).toBe(false);
    op.apply(binding('data-admin', ['admin', 'viewer'], [{ kind: 'Group', name: 'data' }]));
    const pending = await op.waitFor<UserStatus>('DashUser', 'alice', (o) => (o as UserStatus).status?.logoutPending === true, 90_000);
    expect(pending.status.sessions).toBeGreaterThan(0);
    await kc.logout(pending.status.keycloakId);
    await op.waitFor<UserStatus>('DashUser', 'alice', (o) => (o as UserStatus).status?.logoutPending === false, 90_000);
  });

  it('keeps the initial password: the user changes it and later reconciles do not reset it', async () => {
    const alice = await op.get<UserStatus>('DashUser', 'alice');
    await kc.resetPassword(alice?.status.keycloakId ?? '', 'Changed-by-user-2');
    await new Promise((r) => setTimeout(r, 12_000)); // two resyncs
    expect((await login(op.env, op.realm, loginClient, 'alice', 'Changed-by-user-2')).status).toBe(200);
    expect((await login(op.env, op.realm, loginClient, 'alice', 'Initial-pass-1')).status).not.toBe(200);
  });

  it('reference-counts licensed_user across bindings and never removes a manual grant', async () => {
    op.apply([user('bob'), binding('lic-a', ['licensed_user'], [{ kind: 'User', name: 'bob' }]), binding('lic-b', ['licensed_user'], [{ kind: 'User', name: 'bob' }])]);
    const bob = await op.waitFor<UserStatus>('DashUser', 'bob', (o) => (o as UserStatus).status?.assignedRoles?.includes('licensed_user') ?? false, 60_000);
    const bobInKeycloak: Holder = { kind: 'users', id: bob.status.keycloakId };
    // Both record the grant before lic-a goes, so the count is what keeps the role.
    for (const name of ['lic-a', 'lic-b']) await op.waitFor<BindingStatus>('DashRoleBinding', name, (o) => grantsOf(o, 'bob').includes('licensed_user'));
    op.delete('DashRoleBinding', 'lic-a');
    // lic-a's finalizer completes (a removal of licensed_user would be held under Protect and
    // keep it): the role stayed because lic-b still grants it, not because of Protect.
    await waitGone(op, 'lic-a');
    expect(await kc.direct(bobInKeycloak)).toContain('licensed_user');

    // A manual admin grant, made in Keycloak, survives a binding that also granted it.
    await kc.grant(bobInKeycloak, ['admin']);
    op.apply(binding('bob-admin', ['admin'], [{ kind: 'User', name: 'bob' }]));
    await op.waitReady('DashRoleBinding', 'bob-admin');
    op.delete('DashRoleBinding', 'bob-admin');
    await waitGone(op, 'bob-admin');
    expect(await kc.direct(bobInKeycloak)).toContain('admin');

    // Protect: deleting the last licensed_user grant is held until confirmed.
    op.delete('DashRoleBinding', 'lic-b');
    // While deleting, status says what waits for confirmation in the Ready condition.
    const held = await op.waitFor('DashRoleBinding', 'lic-b', (o) => readyCondition(o)?.message.includes('held for bob') ?? false, 60_000);
    expect(readyCondition(held)).toMatchObject({ status: 'False', reason: 'Deleting' });
    expect(await kc.direct(bobInKeycloak)).toContain('licensed_user');
    op.apply({ ...binding('lic-b', ['licensed_user'], [{ kind: 'User', name: 'bob' }]), metadata: { name: 'lic-b', annotations: { 'identity.dashops.dev/confirm-license-revocation': 'true' } } });
    await waitGone(op, 'lic-b');
    expect(await kc.direct(bobInKeycloak)).not.toContain('licensed_user');
  });

  it('keeps tracking a group grant after its DashGroup is gone, and revokes it with the binding', async () => {
    op.apply([group('ops', { deletionPolicy: 'Retain' }), binding('ops-admin', ['admin'], [{ kind: 'Group', name: 'ops' }])]);
    await op.waitFor<BindingStatus>('DashRoleBinding', 'ops-admin', (o) => grantsOf(o, 'ops').includes('admin'), 60_000);
    const ops: Holder = { kind: 'groups', id: (await kc.groupId('/ops')) ?? '' };
    await eventually('group ops to hold admin', async () => (await kc.direct(ops)).includes('admin'), 60_000);
    op.delete('DashGroup', 'ops');
    await eventually('DashGroup ops to be gone', async () => (await op.get('DashGroup', 'ops')) === undefined, 60_000);
    // The Keycloak group stays (Retain) with the role the binding gave it; the binding still owns it.
    const kept = await op.waitFor<BindingStatus>('DashRoleBinding', 'ops-admin', (o) => JSON.stringify(o).includes('does not exist'), 60_000);
    expect(grantsOf(kept, 'ops')).toEqual(['admin']);
    expect(await kc.direct(ops)).toEqual(['admin']);
    op.delete('DashRoleBinding', 'ops-admin');
    await waitGone(op, 'ops-admin');
    expect(await kc.direct(ops)).toEqual([]);
  });

  // A binding applied after its many users touches them all at once and reads them again
  // through one fresh load of the realm view (FRESH_VIEW_MIN_SUBJECTS): that load, not the
  // view its first plan used, must see a grant made by hand a moment before.
  it('a binding granting many existing users at once still leaves a grant made by hand a moment before alone', async () => {
    const names = Array.from({ length: FRESH_VIEW_MIN_SUBJECTS }, (_, i) => `crowd-${String(i).padStart(2, '0')}`);
    op.apply(names.map((name) => user(name)));
    const ids = new Map<string, string>();
    for (const name of names) ids.set(name, (await op.waitReady<UserStatus>('DashUser', name, 90_000)).status.keycloakId);
    const byHand: Holder = { kind: 'users', id: ids.get('crowd-07') ?? '' };
    await kc.grant(byHand, ['admin']);
    op.apply(binding('crowd-admin', ['admin'], names.map((name) => ({ kind: 'User', name }))));
    const ready = await op.waitReady<BindingStatus>('DashRoleBinding', 'crowd-admin', 90_000);
    for (const name of names) expect(await kc.direct({ kind: 'users', id: ids.get(name) ?? '' })).toContain('admin');
    expect(grantsOf(ready, 'crowd-07')).toEqual([]);
    expect(grantsOf(ready, 'crowd-08')).toEqual(['admin']);
    op.delete('DashRoleBinding', 'crowd-admin');
    await waitGone(op, 'crowd-admin');
    expect(await kc.direct(byHand)).toContain('admin');
    expect(await kc.direct({ kind: 'users', id: ids.get('crowd-08') ?? '' })).not.toContain('admin');
  }, 240_000);

  it('binds a user that only appears later in Keycloak (as from an IdP) on the next resync', async () => {
    op.apply(binding('idp-user', ['licensed_user'], [{ kind: 'User', name: 'carol' }]));
    await op.waitFor('DashRoleBinding', 'idp-user', (o) => JSON.stringify(o).includes('"resolved":false'));
    const id = await kc.createUser('carol');
    await eventually('carol to hold licensed_user', async () => (await kc.direct({ kind: 'users', id })).includes('licensed_user'), 60_000);
  });
});

function grantsOf(b: BindingStatus, name: string): string[] {
  return b.status?.subjects?.find((s) => s.name === name)?.grants ?? [];
}

async function waitGone(op: OperatorUnderTest, name: string): Promise<void> {
  await eventually(`DashRoleBinding ${name} to be gone`, async () => (await op.get('DashRoleBinding', name)) === undefined, 60_000);
}
