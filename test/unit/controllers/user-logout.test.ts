import type { DashUser } from '../../../src/api/index.js';
import { nothingApplied } from '../../../src/controllers/user/apply.js';
import type { UserHoldings } from '../../../src/controllers/user/holdings.js';
import { planLogout, type SessionFacts } from '../../../src/controllers/user/plan-logout.js';
import { userStatus } from '../../../src/controllers/user/status.js';

// A group role change at t=100; sessions started at 50 and 80 predate it, one at 150 does not.
const change = [100];
const facts = (sessionStartsMs: number[], groupChangesMs = change): SessionFacts => ({ sessionStartsMs, groupChangesMs });

describe('planning a logout', () => {
  it.each([
    ['no sessions, nothing changed', {}, 'Automatic', facts([], []), []],
    ['sessions newer than every change', {}, 'Automatic', facts([150]), []],
    ['stale sessions under Manual: reported, not ended', {}, 'Manual', facts([50, 150]), []],
    ['stale sessions under Automatic', {}, 'Automatic', facts([50, 80, 150]), [{ kind: 'logout', cause: 'staleRoles', sessions: 2 }]],
    ['a disabled user with sessions, whatever the policy', { enabled: false }, 'Manual', facts([150]), [{ kind: 'logout', cause: 'disabled', sessions: 1 }]],
    ['a disabled user: every session counts, stale or not', { enabled: false }, 'Automatic', facts([50, 150]), [{ kind: 'logout', cause: 'disabled', sessions: 2 }]],
    ['a disabled user without sessions', { enabled: false }, 'Automatic', facts([]), []],
  ] as const)('%s', (_name, spec, policy, input, expected) => {
    expect(planLogout(spec, policy, input)).toEqual(expected);
  });
});

describe('the status of a user after a pass', () => {
  const user = { metadata: { name: 'ann', namespace: 'ns' }, spec: { username: 'ann', realmRef: { name: 'dash' } } } as unknown as DashUser;
  const holdings: UserHoldings = {
    readAt: new Date(1_000), groups: ['eng'], direct: [], effective: ['admin'], defaults: [], groupRoles: new Map([['eng', ['admin']]]),
    sessionStartsMs: [50, 80], groupChangesMs: change,
  };

  it('reports stale sessions as a pending logout when none was made', () => {
    const status = userStatus(user, { applied: { ...nothingApplied('u1') }, holdings, claim: 'known' });
    expect(status).toMatchObject({ sessions: 2, logoutPending: true, logoutPendingSince: new Date(100).toISOString() });
  });

  it('reports no session and nothing pending once the pass logged the user out', () => {
    const status = userStatus(user, { applied: { ...nothingApplied('u1'), loggedOut: true }, holdings, claim: 'known' });
    expect(status).toMatchObject({ sessions: 0, logoutPending: false, logoutPendingSince: undefined });
  });
});
