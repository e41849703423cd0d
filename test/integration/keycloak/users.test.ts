import type { RoleRef } from '../../../src/keycloak/index.js';
import { passwordLogin, rawAdmin, withRealm } from './helpers.js';

const profile = { email: 'alice@example.test', firstName: 'Alice', lastName: 'Liddell', enabled: true, emailVerified: true };

describe('users through the Keycloak port', () => {
  const { kc, realm } = withRealm('kc-user');

  it('creates a user and finds it by exact username, whatever its case', async () => {
    const id = await kc.createUser(realm, { username: 'Alice', ...profile });
    await kc.createUser(realm, { username: 'alice2', enabled: true });
    expect(await kc.findUserByUsername(realm, 'ALICE')).toMatchObject({ id, username: 'alice', ...profile, requiredActions: [] });
    expect(await kc.findUserByUsername(realm, 'ali')).toBeUndefined();
    expect((await kc.findUserByUsername(realm, 'alice2'))?.username).toBe('alice2');
    expect(await kc.getUser(realm, id)).toMatchObject({ username: 'alice', email: profile.email });
    await expect(kc.createUser(realm, { username: 'alice' })).rejects.toMatchObject({
      kind: 'Conflict',
      message: `create user "alice" in realm "${realm}": Keycloak answered 409 (User exists with same username)`,
    });
  });

  it('tells whether a user has a password, and what the user profile keeps', async () => {
    const id = await kc.createUser(realm, { username: 'pia', enabled: true });
    expect(await kc.hasPassword(realm, id)).toBe(false);
    await kc.resetPassword(realm, id, 'Pia-password-1', false);
    expect(await kc.hasPassword(realm, id)).toBe(true);
    expect(await kc.hasPassword(realm, 'no-such-user')).toBe(false);
    // Keycloak 26's default profile: the four built-in attributes, unmanaged attributes dropped.
    expect(await kc.readUserProfilePolicy(realm)).toEqual({ declared: ['email', 'firstName', 'lastName', 'username'], unmanagedAttributePolicy: 'DISABLED' });
    const profile = (await rawAdmin<Record<string, unknown>>('GET', `/${realm}/users/profile`)).data;
    await rawAdmin('PUT', `/${realm}/users/profile`, { ...profile, unmanagedAttributePolicy: 'ADMIN_EDIT' });
    expect((await kc.readUserProfilePolicy(realm)).unmanagedAttributePolicy).toBe('ADMIN_EDIT');
    await rawAdmin('PUT', `/${realm}/users/profile`, profile);
    await kc.deleteUser(realm, id);
  });

  it('updates only the given fields', async () => {
    const id = (await kc.findUserByUsername(realm, 'alice'))!.id;
    await kc.updateUser(realm, id, { lastName: 'Pleasance' });
    await kc.updateUser(realm, id, { requiredActions: ['UPDATE_PASSWORD'] });
    expect(await kc.getUser(realm, id)).toMatchObject({ ...profile, lastName: 'Pleasance', requiredActions: ['UPDATE_PASSWORD'] });
    await kc.updateUser(realm, id, { requiredActions: [], lastName: 'Liddell' });
  });

  it('writes attributes without losing the profile fields the PUT would otherwise drop', async () => {
    // Keycloak 24+ keeps only attributes its user profile declares: allow unmanaged ones here.
    const userProfile = (await rawAdmin<Record<string, unknown>>('GET', `/${realm}/users/profile`)).data;
    await rawAdmin('PUT', `/${realm}/users/profile`, { ...userProfile, unmanagedAttributePolicy: 'ENABLED' });
    const id = (await kc.findUserByUsername(realm, 'alice'))!.id;
    await kc.updateUser(realm, id, { attributes: { department: ['analytics'] } });
    expect(await kc.getUser(realm, id)).toMatchObject({ ...profile, attributes: { department: ['analytics'] } });
    await kc.updateUser(realm, id, { firstName: 'Al' });
    expect(await kc.getUser(realm, id)).toMatchObject({ firstName: 'Al', attributes: { department: ['analytics'] } });
    await kc.updateUser(realm, id, { firstName: profile.firstName });
  });

  it('reports a value the user profile rejects as Invalid, naming the field', async () => {
    const id = (await kc.findUserByUsername(realm, 'alice'))!.id;
    await expect(kc.updateUser(realm, id, { email: 'not-an-email' })).rejects.toMatchObject({
      kind: 'Invalid',
      message: `update user ${id} (email) in realm "${realm}": Keycloak answered 400 (email: error-invalid-email)`,
    });
  });

  it('joins and leaves groups, listing their paths; leaving twice succeeds', async () => {
    const id = (await kc.findUserByUsername(realm, 'alice'))!.id;
    const parent = await kc.createGroup(realm, { name: 'engineering' });
    const child = await kc.createGroup(realm, { name: 'platform' }, parent);
    await kc.addUserToGroup(realm, id, child);
    await kc.addUserToGroup(realm, id, child);
    expect(await kc.listUserGroups(realm, id)).toEqual([{ id: child, name: 'platform', path: '/engineering/platform' }]);
    await kc.removeUserFromGroup(realm, id, child);
    await kc.removeUserFromGroup(realm, id, child);
    expect(await kc.listUserGroups(realm, id)).toEqual([]);
  });

  it('deletes a user; deleting again succeeds and reads find nothing', async () => {
    const id = await kc.createUser(realm, { username: 'doomed', enabled: true });
    await kc.deleteUser(realm, id);
    await kc.deleteUser(realm, id);
    expect(await kc.getUser(realm, id)).toBeUndefined();
    expect(await kc.findUserByUsername(realm, 'doomed')).toBeUndefined();
    expect(await kc.listUserGroups(realm, id)).toEqual([]);
    expect(await kc.listUserSessions(realm, id)).toEqual([]);
  });
});

describe('client role mappings through the Keycloak port', () => {
  const { kc, realm } = withRealm('kc-roles');
  let clientId: string;
  let roles: Record<string, RoleRef>;
  const names = (refs: RoleRef[]) => refs.map((r) => r.name).sort();

  beforeAll(async () => {
    clientId = await kc.createClient(realm, { clientId: 'dash' });
    for (const role of ['admin', 'licensed_user', 'viewer']) await kc.createClientRole(realm, clientId, role);
    roles = Object.fromEntries((await kc.listClientRoles(realm, clientId))!.map((r) => [r.name, r]));
    await kc.addDefaultRoles(realm, [roles.viewer]);
  });

  it('tells direct from effective roles: a role of an ancestor group and the default role appear only as effective', async () => {
    const user = { kind: 'user', id: await kc.createUser(realm, { username: 'bob', enabled: true }) } as const;
    const top = await kc.createGroup(realm, { name: 'engineering' });
    const sub = await kc.createGroup(realm, { name: 'platform' }, top);
    await kc.addClientRoleMappings(realm, { kind: 'group', id: top }, clientId, [roles.admin]);
    await kc.addUserToGroup(realm, user.id, sub);
    await kc.addClientRoleMappings(realm, user, clientId, [roles.licensed_user]);
    await kc.addClientRoleMappings(realm, user, clientId, [roles.licensed_user]);

    expect(names(await kc.listClientRoleMappings(realm, user, clientId, 'direct'))).toEqual(['licensed_user']);
    expect(names(await kc.listClientRoleMappings(realm, user, clientId, 'effective'))).toEqual(['admin', 'licensed_user', 'viewer']);
    expect(names(await kc.listClientRoleMappings(realm, { kind: 'group', id: top }, clientId, 'direct'))).toEqual(['admin']);
    // A group's effective mappings: Keycloak 26.7 leaves its ancestors' roles out, 26.4 adds
    // them (npm run test:compat). The operator never reads a group's effective roles: it
    // walks the ancestors itself (realm view, effective-roles.ts).
    const subEffective = names(await kc.listClientRoleMappings(realm, { kind: 'group', id: sub }, clientId, 'effective'));
    expect([[], ['admin']]).toContainEqual(subEffective);

    await kc.removeClientRoleMappings(realm, user, clientId, [roles.licensed_user]);
    await kc.removeClientRoleMappings(realm, user, clientId, [roles.licensed_user]);
    await kc.removeClientRoleMappings(realm, { kind: 'group', id: top }, clientId, [roles.admin]);
    expect(names(await kc.listClientRoleMappings(realm, user, clientId, 'effective'))).toEqual(['viewer']);
    expect(await kc.listClientRoleMappings(realm, { kind: 'user', id: '00000000-0000-0000-0000-000000000000' }, clientId, 'direct')).toEqual([]);
  });
});

describe('passwords, sessions and logout through the Keycloak port', () => {
  const { kc, realm } = withRealm('kc-session');
  let userId: string;
  const login = () => passwordLogin(realm, 'session-test', 'carol', 'Correct-Horse-1');

  beforeAll(async () => {
    await kc.createClient(realm, { clientId: 'session-test', publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false });
    userId = await kc.createUser(realm, { username: 'carol', email: 'carol@example.test', firstName: 'Carol', lastName: 'C', enabled: true, emailVerified: true });
  });

  it('sets a password the user can log in with, and a temporary one that must be changed first', async () => {
    await kc.resetPassword(realm, userId, 'Correct-Horse-1', true);
    await expect(login()).rejects.toThrow(/Account is not fully set up/);
    await kc.resetPassword(realm, userId, 'Correct-Horse-1', false);
    await expect(login()).resolves.toBeUndefined();
  });

  it('lists real sessions with their start time and client, and ends them per user', async () => {
    await kc.logoutUser(realm, userId);
    const before = Date.now();
    await login();
    await login();
    const sessions = await kc.listUserSessions(realm, userId);
    expect(sessions).toHaveLength(2);
    for (const session of sessions) {
      // Keycloak keeps session times in whole seconds.
      expect(session.startMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(session.startMs).toBeLessThanOrEqual(Date.now());
      expect(session.clients).toEqual(['session-test']);
    }
    await kc.logoutUser(realm, userId);
    expect(await kc.listUserSessions(realm, userId)).toEqual([]);
  });

  it('ends every session of the realm at once', async () => {
    await login();
    expect(await kc.listUserSessions(realm, userId)).toHaveLength(1);
    await kc.logoutAllSessions(realm);
    expect(await kc.listUserSessions(realm, userId)).toEqual([]);
  });

  it('fails the execute-actions e-mail of a realm without SMTP settings with Keycloak\'s 500, so as Unavailable', async () => {
    await expect(kc.executeActionsEmail(realm, userId, ['UPDATE_PASSWORD'], 300)).rejects.toMatchObject({
      kind: 'Unavailable',
      status: 500,
      message: expect.stringContaining('Failed to send execute actions email'),
    });
  });
});
