import { rawAdmin, withRealm } from './helpers.js';

describe('clients, client roles and default roles through the Keycloak port', () => {
  const { kc, realm } = withRealm('kc-client');

  it('creates a client and finds it by exact clientId only', async () => {
    const id = await kc.createClient(realm, { clientId: 'dash', name: 'Dash Enterprise' });
    await kc.createClient(realm, { clientId: 'dash-extra' });
    expect(await kc.findClient(realm, 'dash')).toMatchObject({ id, clientId: 'dash', enabled: true });
    expect(await kc.findClient(realm, 'das')).toBeUndefined();
    expect(await kc.findClient(realm, 'DASH')).toBeUndefined();
    await expect(kc.createClient(realm, { clientId: 'dash' })).rejects.toMatchObject({ kind: 'Conflict' });
  });

  it('creates client roles, lists them, and adds one to default-roles-<realm> idempotently', async () => {
    const client = await kc.findClient(realm, 'dash');
    for (const role of ['viewer', 'licensed_user', 'admin']) await kc.createClientRole(realm, client!.id, role);
    await expect(kc.createClientRole(realm, client!.id, 'viewer')).rejects.toMatchObject({ kind: 'Conflict' });
    const roles = (await kc.listClientRoles(realm, client!.id))!;
    expect(roles.map((r) => r.name).sort()).toEqual(['admin', 'licensed_user', 'viewer']);
    expect(await kc.listDefaultClientRoles(realm, client!.id)).toEqual([]);
    const viewer = roles.filter((r) => r.name === 'viewer');
    await kc.addDefaultRoles(realm, viewer);
    await kc.addDefaultRoles(realm, viewer);
    expect(await kc.listDefaultClientRoles(realm, client!.id)).toEqual(viewer);
  });

  it('reads the roles of a missing client as undefined', async () => {
    expect(await kc.listClientRoles(realm, '00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });
});

describe('groups through the Keycloak port', () => {
  const { kc, realm } = withRealm('kc-group');

  it('resolves nested paths three levels deep with equal child names under different parents', async () => {
    const ids: Record<string, string> = {};
    for (const top of ['engineering', 'finance']) {
      ids[top] = await kc.createGroup(realm, { name: top });
      ids[`${top}/platform`] = await kc.createGroup(realm, { name: 'platform' }, ids[top]);
      ids[`${top}/platform/ops`] = await kc.createGroup(realm, { name: 'ops' }, ids[`${top}/platform`]);
    }
    for (const [path, id] of Object.entries(ids)) {
      expect(await kc.findGroupByPath(realm, path)).toMatchObject({ id, path: `/${path}` });
      expect((await kc.findGroupByPath(realm, `/${path}`))?.id).toBe(id);
    }
    expect(await kc.findGroupByPath(realm, 'engineering/ops')).toBeUndefined();
    expect(await kc.findGroupByPath(realm, 'platform')).toBeUndefined();
    expect(await kc.findGroupByPath(realm, '')).toBeUndefined();
    expect(await kc.getGroup(realm, ids['finance/platform/ops'])).toMatchObject({ name: 'ops', path: '/finance/platform/ops', parentId: ids['finance/platform'] });
  });

  it('matches names exactly: `ab` finds neither `abc` nor a child `ab`, and `a` finds nothing', async () => {
    const abc = await kc.createGroup(realm, { name: 'abc' });
    const x = await kc.createGroup(realm, { name: 'x' });
    const xab = await kc.createGroup(realm, { name: 'ab' }, x);
    expect(await kc.findTopLevelGroup(realm, 'ab')).toBeUndefined();
    const ab = await kc.createGroup(realm, { name: 'ab' });
    expect((await kc.findTopLevelGroup(realm, 'ab'))?.id).toBe(ab);
    expect((await kc.findTopLevelGroup(realm, 'abc'))?.id).toBe(abc);
    expect(await kc.findTopLevelGroup(realm, 'a')).toBeUndefined();
    expect((await kc.findChildGroup(realm, x, 'ab'))?.id).toBe(xab);
    expect(await kc.findChildGroup(realm, x, 'a')).toBeUndefined();
    expect(await kc.findChildGroup(realm, x, 'abc')).toBeUndefined();
  });

  it('finds a child among more siblings than Keycloak\'s default subgroup page of 10', async () => {
    const parent = await kc.createGroup(realm, { name: 'many' });
    for (let i = 1; i <= 12; i++) await kc.createGroup(realm, { name: `team-${String(i).padStart(2, '0')}` }, parent);
    expect((await kc.findChildGroup(realm, parent, 'team-12'))?.path).toBe('/many/team-12');
    expect((await rawAdmin<unknown[]>('GET', `/${realm}/groups/${parent}/children`)).data).toHaveLength(10);
  });

  it('keeps attributes on a rename, replaces them when given, and refuses a sibling\'s name', async () => {
    const id = await kc.createGroup(realm, { name: 'renamed-later', attributes: { 'identity.dashops.dev/owner': ['ns/grp'] } });
    await kc.updateGroup(realm, id, { name: 'renamed' });
    expect(await kc.getGroup(realm, id)).toMatchObject({ name: 'renamed', attributes: { 'identity.dashops.dev/owner': ['ns/grp'] } });
    await kc.updateGroup(realm, id, { name: 'renamed', attributes: { other: ['v'] } });
    expect((await kc.getGroup(realm, id))?.attributes).toEqual({ other: ['v'] });
    await expect(kc.updateGroup(realm, id, { name: 'engineering' })).rejects.toMatchObject({ kind: 'Conflict' });
    await expect(kc.createGroup(realm, { name: 'engineering' })).rejects.toMatchObject({
      kind: 'Conflict',
      message: `create group "engineering" in realm "${realm}": Keycloak answered 409 (Top level group named 'engineering' already exists.)`,
    });
  });

  it('deletes a group with its subgroups; deleting again succeeds and lookups under it find nothing', async () => {
    const parent = await kc.createGroup(realm, { name: 'doomed' });
    const child = await kc.createGroup(realm, { name: 'child' }, parent);
    await kc.deleteGroup(realm, parent);
    await kc.deleteGroup(realm, parent);
    expect(await kc.getGroup(realm, child)).toBeUndefined();
    expect(await kc.findChildGroup(realm, parent, 'child')).toBeUndefined();
    await expect(kc.createGroup(realm, { name: 'orphan' }, parent)).rejects.toMatchObject({ kind: 'NotFound' });
  });

  it('lists every member across pages of 100, or at most `limit`', async () => {
    const group = await kc.createGroup(realm, { name: 'crowd' });
    const usernames = Array.from({ length: 105 }, (_, i) => `member-${String(i).padStart(3, '0')}`);
    await Promise.all(usernames.map(async (username) => {
      const id = await kc.createUser(realm, { username, enabled: true });
      await kc.addUserToGroup(realm, id, group);
    }));
    const members = await kc.listGroupMembers(realm, group);
    expect(members.map((m) => m.username).sort()).toEqual(usernames);
    expect(await kc.listGroupMembers(realm, group, { limit: 10 })).toHaveLength(10);
    expect(await kc.listGroupMembers(realm, '00000000-0000-0000-0000-000000000000')).toEqual([]);
  });
});
