import type { DashGroup, DashUser } from '../../../src/api/index.js';
import { groupReporter, notShowing, userReporter, waitingForReports } from '../../../src/controllers/reported.js';

const ready = [{ type: 'Ready', status: 'True' }];
const user = (name: string, status: object | undefined) => ({ metadata: { name }, status }) as unknown as DashUser;
const group = (name: string, status: object | undefined) => ({ metadata: { name }, status }) as unknown as DashGroup;

describe('who a grant waits for before its maker reports Ready', () => {
  it('a Ready DashUser in Keycloak whose effective roles lack a granted role', () => {
    const stale = userReporter(user('ann', { keycloakId: 'u1', conditions: ready, effectiveRoleNames: ['viewer'] }));
    const current = userReporter(user('ben', { keycloakId: 'u2', conditions: ready, effectiveRoleNames: ['admin', 'viewer'] }));
    expect(notShowing([{ reporter: stale, roles: ['admin'] }, { reporter: current, roles: ['admin'] }])).toEqual(['DashUser ann']);
  });

  it('not a user that is not Ready or not in Keycloak yet (it holds up nothing), nor an unmanaged subject', () => {
    expect(userReporter(user('ann', { keycloakId: 'u1', conditions: [{ type: 'Ready', status: 'False' }], effectiveRoleNames: [] }))).toBeUndefined();
    expect(userReporter(user('ann', { conditions: ready }))).toBeUndefined();
    expect(notShowing([{ reporter: undefined, roles: ['admin'] }])).toEqual([]);
  });

  it("a DashGroup in Keycloak whose roles lack the grant, once per object however many grants", () => {
    const ops = groupReporter(group('ops', { keycloakId: 'g1', roles: [] }));
    expect(notShowing([{ reporter: ops, roles: ['admin'] }, { reporter: ops, roles: ['licensed_user'] }])).toEqual(['DashGroup ops']);
    expect(groupReporter(group('ops', {}))).toBeUndefined();
  });

  it('says whom it waits for, five at most', () => {
    expect(waitingForReports(['DashUser a', 'DashGroup g'])).toBe('granted in Keycloak; waiting for the status of DashUser a, DashGroup g to show it');
    const five = ['a', 'b', 'c', 'd', 'e'].map((name) => `DashUser ${name}`);
    expect(waitingForReports(five)).toContain('DashUser a, DashUser b, DashUser c, DashUser d, DashUser e to show it');
  });

  it('beyond five, a message that does not change as reports arrive (each change is a status write)', () => {
    const users = (count: number) => Array.from({ length: count }, (_, i) => `DashUser u${i}`);
    const many = waitingForReports(users(37));
    expect(many).toBe('granted in Keycloak; waiting for the status of more than 5 DashUsers to show it (named once 5 or fewer are left)');
    expect(waitingForReports(users(36).slice(1))).toBe(many);
    expect(waitingForReports(users(6))).toBe(many);
    expect(waitingForReports([...users(6), 'DashGroup ops'])).toContain('more than 5 DashGroups and DashUsers to show it');
  });
});
