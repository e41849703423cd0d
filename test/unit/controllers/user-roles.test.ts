import { effectiveRolesWithSources, pathChain } from '../../../src/controllers/user/effective-roles.js';
import { logoutPending } from '../../../src/controllers/user/logout-pending.js';

describe('effective roles with sources', () => {
  it('expands a group path to its ancestors', () => {
    expect(pathChain('/engineering/platform/sre')).toEqual(['engineering', 'engineering/platform', 'engineering/platform/sre']);
  });

  it('attributes roles through a two-level group tree plus the default viewer', () => {
    const roles = effectiveRolesWithSources({
      effective: ['viewer', 'licensed_user', 'admin'],
      direct: ['licensed_user'],
      groupRoles: new Map([['engineering/platform', []], ['engineering', ['admin', 'licensed_user']]]),
      defaultRoles: ['viewer'],
    });
    expect(roles).toEqual([
      { name: 'admin', sources: ['group:engineering'] },
      { name: 'licensed_user', sources: ['direct', 'group:engineering'] },
      { name: 'viewer', sources: ['default'] },
    ]);
  });

  it('counts an ancestor whose mappings were not given as no source, and marks unexplained roles', () => {
    const roles = effectiveRolesWithSources({ effective: ['admin'], direct: [], groupRoles: new Map([['a/b', []]]), defaultRoles: [] });
    expect(roles).toEqual([{ name: 'admin', sources: ['composite'] }]);
  });

  it('gives nothing for a user without roles', () => {
    expect(effectiveRolesWithSources({ effective: [], direct: [], groupRoles: new Map(), defaultRoles: ['viewer'] })).toEqual([]);
  });
});

describe('logout pending', () => {
  it.each([
    ['no sessions', [], [100], { pending: false, staleSessions: 0 }],
    ['no group change', [50], [], { pending: false, staleSessions: 0 }],
    ['session newer than the change', [150], [100], { pending: false, staleSessions: 0 }],
    ['session older than the change', [50], [100], { pending: true, sinceMs: 100, staleSessions: 1 }],
    ['two changes after the oldest session: since the first', [50, 120], [100, 200], { pending: true, sinceMs: 100, staleSessions: 2 }],
    ['old change before every session, new change after one', [150, 300], [100, 200], { pending: true, sinceMs: 200, staleSessions: 1 }],
  ])('%s', (_name, sessions, changes, expected) => {
    expect(logoutPending(sessions, changes)).toEqual(expected);
  });
});
