import { describe, expect, it } from '@jest/globals';
import { fitStatus, parseStatus, textLength, type Kind } from '../../../src/api/index.js';

const groups = (n: number) => Array.from({ length: n }, (_, i) => `team-${String(i).padStart(3, '0')}`);
const valid = (kind: Kind, status: object) => parseStatus(kind, { status });

describe('fitStatus', () => {
  it('leaves a status within its bounds as it is (no omitted field)', () => {
    const status = { groups: groups(3), assignedRoles: ['admin'], sessions: 2 };
    expect(fitStatus('DashUser', status)).toEqual(status);
  });

  it('keeps the first entries of a list beyond maxItems and counts the rest', () => {
    const fitted = fitStatus('DashUser', { groups: groups(300) });
    expect(fitted.groups).toEqual(groups(256));
    expect(fitted.omitted).toEqual({ groups: 44 });
    expect(valid('DashUser', fitted).ok).toBe(true);
    expect(valid('DashUser', { groups: groups(300) }).ok).toBe(false);
  });

  it('cuts a text beyond maxLength to the bound, ending in …, and counts the characters cut', () => {
    const long = `${'a'.repeat(600)}/${'b'.repeat(600)}`;
    const fitted = fitStatus('DashUser', { groups: ['short', long] });
    const cut = (fitted.groups as string[])[1] ?? '';
    expect(textLength(cut)).toBe(1024);
    expect(cut.endsWith('…')).toBe(true);
    expect(fitted.omitted).toEqual({ 'groups[1]': 1201 - 1023 });
    expect(valid('DashUser', fitted).ok).toBe(true);
  });

  it('fits nested lists and texts (role binding subjects, their grants, warnings)', () => {
    const subjects = [{ kind: 'User', name: 'alice', resolved: true, grants: Array.from({ length: 40 }, (_, i) => `role-${i}`) }];
    const fitted = fitStatus('DashRoleBinding', { subjects, warnings: Array.from({ length: 20 }, (_, i) => `warning ${i}`) });
    expect(fitted.omitted).toEqual({ 'subjects[0].grants': 8, warnings: 4 });
    expect(valid('DashRoleBinding', fitted).ok).toBe(true);
  });

  it('is idempotent: a fitted status fits as is, and keeps its counts when its fields are kept', () => {
    const once = fitStatus('DashUser', { groups: groups(300) });
    expect(fitStatus('DashUser', once)).toEqual(once);
  });

  it('drops the counts once the lists fit again', () => {
    expect(fitStatus('DashUser', { groups: groups(3) })).toEqual({ groups: groups(3) });
  });

  it('caps conditions keeping Ready (sorted first) and counts the rest', () => {
    const conditions = Array.from({ length: 18 }, (_, i) => ({ type: i === 0 ? 'Ready' : `C${i}`, status: 'True', reason: 'R', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }));
    const fitted = fitStatus('DashGroup', { conditions });
    expect((fitted.conditions as { type: string }[])[0]?.type).toBe('Ready');
    expect(fitted.omitted).toEqual({ conditions: 2 });
  });
});
