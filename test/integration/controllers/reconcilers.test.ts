import type { DashGroup, DashRealm, DashRoleBinding, DashUser } from '../../../src/api/index.js';
import { reconcileGroup } from '../../../src/controllers/group/reconcile.js';
import { reconcileRealm } from '../../../src/controllers/realm/reconcile.js';
import { reconcileBinding, finalizeBinding } from '../../../src/controllers/rolebinding/reconcile.js';
import { reconcileUser } from '../../../src/controllers/user/reconcile.js';
import { loadTestEnv, uniqueName } from '../../env/test-env.js';
import { KeycloakGrants } from '../support/keycloak-grants.js';
import { KeycloakRest } from '../support/keycloak-rest.js';
import { MemoryWorld } from './memory-deps.js';

const reconcilers = { DashRealm: reconcileRealm, DashGroup: reconcileGroup, DashUser: reconcileUser, DashRoleBinding: reconcileBinding };

describe('reconcilers against the real Keycloak', () => {
  const world = new MemoryWorld();
  const realmName = uniqueName('rec');
  // Keycloak is read back raw: the reconcilers' own adapter and realm view are what is tested.
  const rest = new KeycloakRest(loadTestEnv());
  afterAll(async () => {
    await rest.deleteRealm(realmName);
    await world.registry.close();
  });
  /** A binding pass records its grants in status; the next one (woken by that write) maps them. */
  const settleBinding = async (name: string) => {
    for (let i = 0; i < 2; i++) await world.run(world.deps.cache.get('DashRoleBinding', 'test', name) as DashRoleBinding, reconcileBinding);
  };

  it('creates a realm with its client, roles and default viewer, then changes nothing on a second pass', async () => {
    const realm = world.put('DashRealm', 'dash', { realm: realmName, login: { rememberMe: true }, passwordPolicy: { length: 10 } });
    const first = await world.run(realm, reconcileRealm);
    expect(first.status).toMatchObject({ adopted: false });
    const got = await rest.realm(realmName);
    expect(got?.rememberMe).toBe(true);
    expect(got?.passwordPolicy).toBe('length(10)');
    await rest.write('PUT', `/${realmName}`, { adminEventsEnabled: true });
    const before = await rest.adminEventCount(realmName);
    await world.run(world.deps.cache.get('DashRealm', 'test', 'dash') as DashRealm, reconcileRealm);
    expect(await rest.adminEventCount(realmName)).toBe(before);
  });

  it('nests groups, grants roles through them, and reports effective roles with sources', async () => {
    const top = world.put('DashGroup', 'engineering', { realmRef: { name: 'dash' } }) as DashGroup;
    await world.run(top, reconcileGroup);
    const child = world.put('DashGroup', 'platform', { realmRef: { name: 'dash' }, parentRef: { name: 'engineering' } }) as DashGroup;
    const childOut = await world.run(child, reconcileGroup);
    expect(childOut.status).toMatchObject({ path: 'engineering/platform' });

    const user = world.put('DashUser', 'alice', { realmRef: { name: 'dash' }, username: 'alice', groups: [{ name: 'platform' }] }) as DashUser;
    await world.run(user, reconcileUser);
    world.put('DashRoleBinding', 'eng-admin', { realmRef: { name: 'dash' }, roles: ['admin'], subjects: [{ kind: 'Group', name: 'engineering' }] });
    await settleBinding('eng-admin');
    world.put('DashRoleBinding', 'alice-licensed', { realmRef: { name: 'dash' }, roles: ['licensed_user'], subjects: [{ kind: 'User', name: 'alice' }] });
    await settleBinding('alice-licensed');

    await world.run(world.deps.cache.get('DashGroup', 'test', 'engineering') as DashGroup, reconcileGroup);
    await world.run(world.deps.cache.get('DashGroup', 'test', 'platform') as DashGroup, reconcileGroup);
    const out = await world.run(world.deps.cache.get('DashUser', 'test', 'alice') as DashUser, reconcileUser);
    expect(out.status).toMatchObject({
      assignedRoles: ['licensed_user'],
      groups: ['engineering/platform'],
      effectiveRoles: [
        { name: 'admin', sources: ['group:engineering'] },
        { name: 'licensed_user', sources: ['direct'] },
        { name: 'viewer', sources: ['default'] },
      ],
    });

    // A second pass over every unchanged object writes nothing to Keycloak.
    const before = await rest.adminEventCount(realmName);
    world.requests.clear();
    for (const kind of ['DashRealm', 'DashGroup', 'DashUser', 'DashRoleBinding'] as const) {
      for (const obj of world.deps.cache.list(kind, 'test')) await world.run(obj as never, reconcilers[kind] as never);
    }
    expect(await rest.adminEventCount(realmName)).toBe(before);
    expect([...world.requests.keys()].filter((m) => m !== 'GET' && m !== 'POST')).toEqual([]);

    // Deleting the binding takes back the licensed_user grant it made, as Keycloak itself
    // answers (the realm view replays the operator's own writes, so it cannot tell).
    const grants = new KeycloakGrants(rest, realmName);
    const alice = { kind: 'users' as const, id: (out.status as { keycloakId: string }).keycloakId };
    expect(await grants.direct(alice)).toEqual(['licensed_user']);
    const fin = await finalizeBinding(world.deps.cache.get('DashRoleBinding', 'test', 'alice-licensed') as DashRoleBinding, world.deps);
    expect(fin.done).toBe(true);
    world.remove('DashRoleBinding', 'alice-licensed');
    expect(await grants.direct(alice)).toEqual([]);
  });
});
