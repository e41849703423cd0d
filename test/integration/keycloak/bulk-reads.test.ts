import { defaultRolesName } from '../../../src/keycloak/clients.js';
import { passwordLogin, withRealm } from './helpers.js';

// The realm-wide reads behind the controllers' realm view: role holders, the role graph and
// every session of a realm, checked against what was set up through per-object calls.
describe('realm-wide reads through the Keycloak port', () => {
  const { kc, realm } = withRealm('kc-bulk');
  let client = '';
  const users: Record<string, string> = {};

  beforeAll(async () => {
    client = await kc.createClient(realm, { clientId: 'dash' });
    for (const role of ['admin', 'licensed_user', 'viewer']) await kc.createClientRole(realm, client, role);
    const roles = (await kc.listClientRoles(realm, client)) ?? [];
    const role = (name: string) => roles.filter((r) => r.name === name);
    await kc.addDefaultRoles(realm, role('viewer'));
    const top = await kc.createGroup(realm, { name: 'team' });
    const sub = await kc.createGroup(realm, { name: 'ops' }, top);
    await kc.addClientRoleMappings(realm, { kind: 'group', id: sub }, client, role('admin'));
    // 105 users: more than one page of role holders.
    for (let i = 0; i < 105; i++) users[`u${i}`] = await kc.createUser(realm, { username: `user-${i}`, enabled: true, email: `user-${i}@example.test`, firstName: "User", lastName: `Number ${i}`, emailVerified: true });
    for (let i = 0; i < 102; i++) await kc.addClientRoleMappings(realm, { kind: 'user', id: users[`u${i}`]! }, client, role('licensed_user'));
  }, 120_000);

  // 102 and 105 holders: more than Keycloak's default page of 100, so a server that capped the
  // requested page (HOLDER_PAGE_SIZE) at its default would end the list early here.
  it('lists the direct holders of a client role and of a realm role beyond 100 holders, groups by path', async () => {
    const licensed = await kc.listRoleHolders(realm, { clientUuid: client, name: 'licensed_user' });
    expect(licensed.users).toHaveLength(102);
    expect(new Set(licensed.users)).toEqual(new Set(Array.from({ length: 102 }, (_, i) => users[`u${i}`])));
    expect(licensed.groupPaths).toEqual([]);
    expect(await kc.listRoleHolders(realm, { clientUuid: client, name: 'admin' })).toEqual({ users: [], groupPaths: ['team/ops'] });
    const defaults = await kc.listRoleHolders(realm, { name: defaultRolesName(realm) });
    expect(defaults.users).toHaveLength(105);
    expect(await kc.listRoleHolders(realm, { clientUuid: client, name: 'no-such-role' })).toEqual({ users: [], groupPaths: [] });
  });

  // 105 users: more than Keycloak's default page of 100, so a server that capped the requested
  // page (USER_PAGE_SIZE) would end either list early here.
  it('lists every user beyond 100 users, as getUser reads them', async () => {
    const all = await kc.listUsers(realm);
    expect(all).toHaveLength(105);
    const one = all.find((u) => u.id === users.u7);
    expect(one).toEqual(await kc.getUser(realm, users.u7!));
  });

  it('lists every user beyond 100 users with its lockout, from the brute-force user list', async () => {
    const all = await kc.listUsers(realm, { lockouts: true });
    expect(new Set(all.map((u) => u.id))).toEqual(new Set(Object.values(users)));
    expect(all.every((u) => u.lockout?.disabled === false)).toBe(true);
  });

  it('reads the role graph: default-roles contains the dash viewer role', async () => {
    const graph = await kc.listRoleGraph(realm);
    const byName = (name: string, clientUuid?: string) => graph.roles.find((r) => r.name === name && r.clientUuid === clientUuid);
    const viewer = byName('viewer', client);
    const defaults = byName(defaultRolesName(realm));
    expect(viewer && defaults).toBeDefined();
    expect(graph.composites.get(defaults!.id)).toContain(viewer!.id);
    expect(graph.composites.has(viewer!.id)).toBe(false);
    expect(byName('manage-account', graph.roles.find((r) => r.name === 'manage-account')?.clientUuid)).toBeDefined();
  });

  it('lists every session of the realm once, with its user, across clients', async () => {
    await kc.createClient(realm, { clientId: 'login-a', publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false });
    await kc.createClient(realm, { clientId: 'login-b', publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false });
    for (const name of ['u1', 'u2']) await kc.resetPassword(realm, users[name]!, 'Correct-Horse-1', false);
    expect(await kc.listRealmSessions(realm)).toEqual([]);
    const before = Date.now();
    await passwordLogin(realm, 'login-a', 'user-1', 'Correct-Horse-1');
    await passwordLogin(realm, 'login-b', 'user-1', 'Correct-Horse-1');
    await passwordLogin(realm, 'login-b', 'user-2', 'Correct-Horse-1');
    const sessions = await kc.listRealmSessions(realm);
    expect(sessions.map((s) => s.userId).sort()).toEqual([users.u1, users.u1, users.u2].sort());
    expect(new Set(sessions.map((s) => s.id)).size).toBe(3);
    for (const s of sessions) expect(s.startMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  });
});
