import type { DashUser } from '../../../src/api/index.js';
import { lockoutReport, unlockRequested } from '../../../src/controllers/user/lockout.js';

const user = (annotation?: string, handled?: string) => ({
  metadata: { name: 'lena', namespace: 'ns', annotations: annotation === undefined ? {} : { 'identity.dashops.dev/unlock': annotation } },
  spec: { username: 'lena', realmRef: { name: 'dash' } },
  status: handled === undefined ? {} : { lastUnlock: { value: handled, at: '2026-01-01T00:00:00Z' } },
}) as unknown as DashUser;

describe('the unlock annotation', () => {
  it.each([
    ['no annotation', user(), undefined],
    ['a value not acted on yet', user('1'), '1'],
    ['the value acted on already', user('1', '1'), undefined],
    ['a new value', user('2', '1'), '2'],
    ['an empty value', user(''), undefined],
  ] as const)('%s', (_name, u, expected) => {
    expect(unlockRequested(u)).toBe(expected);
  });
});

describe('the lockout report', () => {
  it('says nothing when lockouts are not read (realm without bruteForceProtection.enabled)', () => {
    expect(lockoutReport(undefined)).toEqual({ status: {}, conditions: [] });
  });

  it('reports a lockout as LockedOut True, with the failures and how to unlock', () => {
    const report = lockoutReport({ lockout: { disabled: true, numFailures: 3, lastFailureMs: 0 }, events: [] });
    expect(report.status).toEqual({ lockedOut: true, lastUnlock: undefined });
    expect(report.conditions).toEqual([expect.objectContaining({ type: 'LockedOut', status: 'True', reason: 'LockedOut', message: expect.stringContaining('identity.dashops.dev/unlock') })]);
  });

  it('reports a user who can log in as NotLockedOut, even with failures below the limit', () => {
    const report = lockoutReport({ lockout: { disabled: false, numFailures: 1, lastFailureMs: 5 }, events: [] });
    expect(report.status.lockedOut).toBe(false);
    expect(report.conditions).toEqual([expect.objectContaining({ type: 'LockedOut', status: 'False', reason: 'NotLockedOut' })]);
  });
});
