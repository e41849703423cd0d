import { RealmView } from '../../../src/controllers/realm-view.js';
import type { KeycloakPort, RealmSession, RoleHolders } from '../../../src/keycloak/port.js';

/** The few reads the view makes, counted, with holders and sessions the test changes at will. */
function fakeKeycloak() {
  const state = {
    holders: new Map<string, RoleHolders>([
      ['admin', { users: ['u1'], groupPaths: ['team/ops'] }], ['viewer', { users: [], groupPaths: [] }], ['default-roles-r', { users: ['u1', 'u2'], groupPaths: [] }],
    ]),
    sessions: [] as RealmSession[],
    /** Groups (path with leading slash, as Keycloak gives it) and their direct members. */
    groups: new Map<string, string[]>([['/team', ['u1']], ['/team/ops', ['u2']], ['/other', ['u3']]]),
    reads: 0,
    /** Held role-holder reads, released by the test (to interleave a write with a load). */
    held: [] as (() => void)[],
    hold: false,
  };
  const port = {
    // dash roles admin and viewer; default-roles-r contains offline_access, which contains viewer.
    listRoleGraph: async () => {
      state.reads++;
      return {
        roles: [{ id: 'r-admin', name: 'admin', clientUuid: 'c' }, { id: 'r-viewer', name: 'viewer', clientUuid: 'c' }, { id: 'r-other', name: 'other', clientUuid: 'x' },
          { id: 'r-default', name: 'default-roles-r' }, { id: 'r-offline', name: 'offline_access' }],
        composites: new Map([['r-default', ['r-offline']], ['r-offline', ['r-viewer']]]),
      };
    },
    listRoleHolders: async (_realm: string, role: { name: string }) => {
      state.reads++;
      const snapshot = structuredClone(state.holders.get(role.name) ?? { users: [], groupPaths: [] });
      if (state.hold) await new Promise<void>((r) => state.held.push(r));
      return snapshot;
    },
    listRealmSessions: async () => { state.reads++; return [...state.sessions]; },
    listGroups: async () => {
      state.reads++;
      return [...state.groups.keys()].map((path) => ({ id: path, path }));
    },
    listGroupMembers: async (_realm: string, id: string) => {
      state.reads++;
      const members = (state.groups.get(id) ?? []).map((m) => ({ id: m, username: m }));
      if (state.hold) await new Promise<void>((r) => state.held.push(r));
      return members;
    },
  } as unknown as KeycloakPort;
  return { port, state };
}

/** A user found in Keycloak, as a binding or the user's own status names it to the view. */
const user = (id: string) => ({ kind: 'User' as const, name: `user-${id}`, id });

describe('RealmView', () => {
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => { now = 1_000_000; });

  it('reads holders and default roles once per TTL, shared by concurrent callers', async () => {
    const { port, state } = fakeKeycloak();
    const view = new RealmView(port, 'r', 'c', clock, 10_000);
    const [a, b, d] = await Promise.all([view.directRoles(user('u1')), view.directRoles({ kind: 'Group', path: 'team/ops' }), view.defaultRoles()]);
    expect([a, b, d]).toEqual([['admin'], ['admin'], ['viewer']]);
    expect(state.reads).toBe(5); // the role graph, holders of the four roles that reach dash roles
    now += 9_999;
    await view.directRoles(user('u2'));
    expect(state.reads).toBe(5);
    now += 2;
    state.holders.set('viewer', { users: ['u2'], groupPaths: [] });
    expect(await view.directRoles(user('u2'))).toEqual(['viewer']);
    expect(state.reads).toBe(10);
  });

  it('shows our own mapping writes at once, also when a load was in flight before them', async () => {
    const { port, state } = fakeKeycloak();
    const view = new RealmView(port, 'r', 'c', clock, 10_000);
    await view.roles();
    view.recordMappings(user('u3'), ['viewer'], 'add');
    view.recordMappings(user('u1'), ['admin'], 'remove');
    expect(await view.directRoles(user('u3'))).toEqual(['viewer']);
    expect(await view.directRoles(user('u1'))).toEqual([]);

    now += 20_000; // expired: the next read loads again, and a write lands while that load runs
    state.hold = true;
    const loading = view.directRoles(user('u4'));
    await new Promise((r) => setImmediate(r));
    now += 5;
    view.recordMappings(user('u4'), ['admin'], 'add');
    expect(state.held).toHaveLength(4);
    state.held.forEach((release) => release());
    expect(await loading).toEqual(['admin']);
  });

  it('answers fresh direct roles from a load that starts now, within the TTL, one load for many holders', async () => {
    const { port, state } = fakeKeycloak();
    const view = new RealmView(port, 'r', 'c', clock, 10_000);
    expect(await view.directRoles(user('u2'))).toEqual([]);
    state.holders.set('admin', { users: ['u1', 'u2'], groupPaths: ['team/ops'] }); // granted by hand
    now += 1_000;
    expect(await view.directRoles(user('u2'))).toEqual([]); // the view within its TTL
    const reads = state.reads;
    const fresh = await view.freshDirectRoles();
    expect([fresh(user('u1')), fresh(user('u2')), fresh({ kind: 'Group', path: 'team/ops' })]).toEqual([['admin'], ['admin'], ['admin']]);
    expect(state.reads).toBe(reads + 5);
  });

  it('computes effective roles from own, group, ancestor and default mappings, unless the view predates the user', async () => {
    const { port } = fakeKeycloak();
    const view = new RealmView(port, 'r', 'c', clock, 10_000);
    expect(await view.effectiveRoles('u1', [], now)).toEqual(['admin', 'viewer']); // direct admin, viewer through default-roles
    expect(await view.effectiveRoles('u3', ['team', 'team/ops'], now)).toEqual(['admin']); // a subgroup's member gets its ancestors' roles
    expect(await view.effectiveRoles('u3', ['team'], now)).toEqual([]);
    expect(await view.effectiveRoles('u3', [], now + 1)).toBeUndefined();
    // A user this pass created holds the default roles, whatever the view knew of it.
    expect(await view.effectiveRoles('u-new', ['team', 'team/ops'], 'created now')).toEqual(['admin', 'viewer']);
  });

  it('reads sessions again when a caller needs a list newer than a change, and after a logout', async () => {
    const { port, state } = fakeKeycloak();
    const view = new RealmView(port, 'r', 'c', clock, 10_000);
    expect(await view.sessionStarts('u1')).toEqual([]);
    state.sessions = [{ id: 's1', userId: 'u1', startMs: now + 1 }];
    now += 10;
    expect(await view.sessionStarts('u1')).toEqual([]); // within the TTL and no newer need: reused
    expect(await view.sessionStarts('u1', now - 1)).toEqual([now - 9]); // a change after the last list: read again
    view.recordLogout('u1');
    state.sessions = [];
    now += 1;
    expect(await view.sessionStarts('u1')).toEqual([]);
    expect(state.reads).toBe(3);
  });

  it('reads group memberships once, a request per group, and keeps them current with our own membership changes', async () => {
    const { port, state } = fakeKeycloak();
    const view = new RealmView(port, 'r', 'c', clock, 10_000);
    expect(await view.members('team', { subtree: true })).toEqual(new Set(['u1', 'u2'])); // a subgroup's members too
    expect(await view.members('team')).toEqual(new Set(['u1']));
    expect(state.reads).toBe(4); // the group list, the members of each of the three groups
    view.recordMembership({ kind: 'join', userId: 'u4', path: 'team/ops' });
    view.recordMembership({ kind: 'leave', userId: 'u1', path: 'team' });
    view.recordMembership({ kind: 'userGroups', userId: 'u3', paths: ['team'] }); // a read of u3's groups: no longer in other
    view.recordMembership({ kind: 'groupCreated', group: { id: 'g-new', name: 'new', path: '/new', attributes: {} } });
    expect(await view.members('team', { subtree: true })).toEqual(new Set(['u2', 'u3', 'u4']));
    expect(await view.members('other')).toEqual(new Set());
    expect(await view.members('new')).toEqual(new Set());
    view.recordMembership({ kind: 'groupDeleted', path: 'team' }); // Keycloak deletes the subgroups with it
    now += 30_000; // longer than the realm view's TTL: memberships are kept longer (MEMBERSHIP_TTL_MS)
    expect(await view.members('other')).toEqual(new Set());
    expect(state.reads).toBe(4);
  });

  it('answers for a group a pass read or created within the TTL, until a change made outside this process is seen or it is deleted', async () => {
    const { port, state } = fakeKeycloak();
    const view = new RealmView(port, 'r', 'c', clock, 10_000);
    const ops = { id: 'g-ops', name: 'ops', path: '/team/ops', attributes: {} };
    view.recordGroupRead(ops);
    now += 9_999;
    expect(view.group('g-ops')).toEqual(ops);
    now += 2;
    expect(view.group('g-ops')).toBeUndefined(); // older than the TTL: the pass reads it itself
    view.recordGroupRead(ops);
    now += 1;
    view.recordExternalChange({ userIds: [], roles: false, memberships: true }); // e.g. a rename by hand in the admin events
    expect(view.group('g-ops')).toBeUndefined();
    view.recordMembership({ kind: 'groupCreated', group: { id: 'g-team', name: 'team', path: '/team', attributes: {} } });
    view.recordGroupRead(ops);
    expect(view.group('g-team')?.name).toBe('team');
    view.recordMembership({ kind: 'groupDeleted', path: 'team' }); // its subgroups go with it
    expect(view.group('g-team')).toBeUndefined();
    expect(view.group('g-ops')).toBeUndefined();
    expect(state.reads).toBe(0);
  });

  it('keeps group reads and memberships taken since the admin events were followed for FOLLOWED_TTL_MS, while the poller keeps reading them', async () => {
    const { port, state } = fakeKeycloak();
    const view = new RealmView(port, 'r', 'c', clock, 10_000);
    const ops = { id: 'g-ops', name: 'ops', path: '/team/ops', attributes: {} };
    view.recordGroupRead(ops); // before the feed covers anything: only the TTL applies to it
    await view.members('team');
    expect(state.reads).toBe(4);
    now += 1;
    view.recordFeedRead({ fromMs: now, startedAtMs: now });
    now += 10_001;
    view.recordFeedRead({ fromMs: now - 2_000, startedAtMs: now });
    expect(view.group('g-ops')).toBeUndefined();
    view.recordGroupRead(ops);
    await view.members('team', { notBeforeMs: now }); // read again, now within the followed feed
    expect(state.reads).toBe(8);
    for (let i = 0; i < 29; i++) { // 290 s of polls every 10 s: nothing read again
      now += 10_000;
      view.recordFeedRead({ fromMs: now - 2_000, startedAtMs: now });
    }
    expect(view.group('g-ops')).toEqual(ops);
    expect(await view.members('team')).toEqual(new Set(['u1']));
    expect(state.reads).toBe(8);
    now += 10_001; // FOLLOWED_TTL_MS passed
    view.recordFeedRead({ fromMs: now - 2_000, startedAtMs: now });
    expect(view.group('g-ops')).toBeUndefined();
    view.recordGroupRead(ops);
    await view.members('team');
    expect(state.reads).toBe(12);
    for (let i = 0; i < 7; i++) { // 70 s of polls: a resync pass trusts only the TTLs (a change made with the operator's own credentials is no drift in the events)
      now += 10_000;
      view.recordFeedRead({ fromMs: now - 2_000, startedAtMs: now });
    }
    expect(view.group('g-ops')).toEqual(ops);
    expect(view.group('g-ops', { resync: true })).toBeUndefined();
    await view.members('team', { resync: true });
    expect(state.reads).toBe(16);
    now += 10_001; // the poller stopped reading: back to the TTLs
    expect(view.group('g-ops')).toBeUndefined();
  });

  it('reads memberships again for a group it does not know and after a change made outside this process', async () => {
    const { port, state } = fakeKeycloak();
    const view = new RealmView(port, 'r', 'c', clock, 10_000);
    await view.members('team');
    state.groups.set('/made/elsewhere', ['u4']);
    now += 1;
    expect(await view.members('made/elsewhere')).toEqual(new Set(['u4']));
    expect(state.reads).toBe(4 + 5);
    state.groups.set('/other', ['u3', 'u1']);
    now += 1;
    view.recordExternalChange({ userIds: ['u1'], roles: false, memberships: true });
    expect(await view.members('other')).toEqual(new Set(['u1', 'u3']));
    expect(state.reads).toBe(4 + 5 + 5);
  });

  it('replays every membership change made while memberships were loading', async () => {
    const { port, state } = fakeKeycloak();
    const view = new RealmView(port, 'r', 'c', clock, 10_000);
    state.hold = true;
    const loading = view.members('other');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    view.recordMembership({ kind: 'join', userId: 'u9', path: 'other' });
    now += 1;
    view.recordMembership({ kind: 'join', userId: 'u8', path: 'other' }); // a second write must not push the first out of the log
    expect(state.held).toHaveLength(3);
    state.held.forEach((release) => release());
    expect(await loading).toEqual(new Set(['u3', 'u8', 'u9']));
  });
});
