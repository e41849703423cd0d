import type { AdminEvent } from '../../../src/keycloak/port.js';
import { driftTargets } from '../../../src/controllers/drift/event-targets.js';
import { advanceCursor, startCursor } from '../../../src/controllers/drift/feed-cursor.js';
import { supportsAdminEventFeed } from '../../../src/controllers/realm/drift-detection.js';

const U = '0b9f6f7e-1111-4c1c-9a55-000000000001';
const G = '0b9f6f7e-2222-4c1c-9a55-000000000002';
const C = '0b9f6f7e-3333-4c1c-9a55-000000000003';

describe('driftTargets: what an admin event touched', () => {
  it.each([
    ['a user field edited', 'USER', `users/${U}`, [{ kind: 'user', id: U }]],
    ['a user deleted', 'USER', `users/${U}`, [{ kind: 'user', id: U }]],
    ['a membership added or removed (the user manages it)', 'GROUP_MEMBERSHIP', `users/${U}/groups/${G}`, [{ kind: 'user', id: U }]],
    ['a client role mapping of a user', 'CLIENT_ROLE_MAPPING', `users/${U}/role-mappings/clients/${C}`, [{ kind: 'roleMappings', subject: 'user', id: U }]],
    ['a realm role mapping of a user', 'REALM_ROLE_MAPPING', `users/${U}/role-mappings/realm`, [{ kind: 'roleMappings', subject: 'user', id: U }]],
    ['a group renamed or deleted', 'GROUP', `groups/${G}`, [{ kind: 'group', id: G }]],
    ['a role mapping of a group', 'CLIENT_ROLE_MAPPING', `groups/${G}/role-mappings/clients/${C}`, [{ kind: 'roleMappings', subject: 'group', id: G }]],
    ['a login switch flipped (realm update, no path)', 'REALM', '', [{ kind: 'realm' }]],
    ['the events config changed', 'REALM', 'events/config', [{ kind: 'realm' }]],
    ['a required action changed', 'REQUIRED_ACTION', 'authentication/required-actions/CONFIGURE_TOTP', [{ kind: 'realm' }]],
    ['the default roles changed', 'REALM_ROLE', 'roles/default-roles-dash/composites', [{ kind: 'realm' }]],
    ['a client role changed', 'CLIENT_ROLE', `clients/${C}/roles/viewer`, [{ kind: 'realm' }]],
    ['the user profile changed', 'USER_PROFILE', 'users/profile', [{ kind: 'realm' }]],
    ['something unmanaged (an identity provider)', 'IDENTITY_PROVIDER', 'identity-provider/instances/github', []],
    ['a hostile path: not an id where an id goes', 'USER', 'users/../../master', []],
    ['a hostile path: an overlong one', 'USER', `users/${'a'.repeat(5000)}`, []],
  ] as const)('%s', (_name, resourceType, resourcePath, expected) => {
    expect(driftTargets({ resourceType, resourcePath })).toEqual(expected);
  });
});

const event = (id: string, timeMs: number): AdminEvent => ({ id, timeMs, operationType: 'UPDATE', resourceType: 'USER', resourcePath: `users/${U}` });

describe('advanceCursor: reading the feed without missing or repeating events', () => {
  it('hands out new events once and moves to the last one', () => {
    const first = advanceCursor(startCursor(100), [event('a', 100), event('b', 105)], 10);
    expect(first.fresh.map((e) => e.id)).toEqual(['a', 'b']);
    expect(first.cursor).toEqual({ fromMs: 105, handledAtFrom: ['b'], anchorId: 'b' });
    // The next read starts at 105 inclusive: b comes again and is not handed out again.
    const second = advanceCursor(first.cursor, [event('b', 105), event('c', 105), event('d', 110)], 10);
    expect(second.fresh.map((e) => e.id)).toEqual(['c', 'd']);
    expect(second.gap).toBeUndefined();
  });

  it('an empty read keeps the cursor and reports no gap', () => {
    const step = advanceCursor(startCursor(100), [], 10);
    expect(step).toEqual({ cursor: { fromMs: 100, handledAtFrom: [] }, fresh: [], gap: undefined, more: false });
  });

  it('a gap when the anchor is gone: the events expired or someone deleted them', () => {
    const step = advanceCursor({ fromMs: 105, handledAtFrom: ['b'], anchorId: 'b' }, [event('x', 200)], 10);
    expect(step.gap).toMatch(/no longer in Keycloak/);
    expect(step.fresh.map((e) => e.id)).toEqual(['x']);
  });

  it('a gap when the anchor is gone and nothing new came', () => {
    expect(advanceCursor({ fromMs: 105, handledAtFrom: ['b'], anchorId: 'b' }, [], 10).gap).toMatch(/no longer in Keycloak/);
  });

  it('a full page is read on (more), not a gap, while the cursor can move', () => {
    const step = advanceCursor(startCursor(100), [event('a', 100), event('b', 101)], 2);
    expect(step).toMatchObject({ more: true, gap: undefined });
  });

  it('a full page all in the cursor\'s millisecond is a gap: the cursor cannot move past it', () => {
    const step = advanceCursor(startCursor(100), [event('a', 100), event('b', 100)], 2);
    expect(step.gap).toMatch(/share one millisecond/);
    expect(step.more).toBe(false);
  });
});

describe('supportsAdminEventFeed', () => {
  it.each([['26.7.3', true], ['26.2.0', true], ['26.1.5', false], ['25.0.6', false], ['999.0.0-SNAPSHOT', true], ['', false], ['nonsense', false]])('%s -> %s', (version, expected) => {
    expect(supportsAdminEventFeed(version)).toBe(expected);
  });
});
