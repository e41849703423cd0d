import { describe, expect, it } from '@jest/globals';
import { describeOmitted, fitStatus, parseStatus, textLength, type Kind } from '../../../src/api/index.js';

const groups = (n: number) => Array.from({ length: n }, (_, i) => `team-${String(i).padStart(3, '0')}`);
const valid = (kind: Kind, status: object) => parseStatus(kind, { status });
const none = { entries: {}, characters: {} };

describe('fitStatus', () => {
  it('leaves a status within its bounds as it is, with nothing omitted', () => {
    const status = { groups: groups(3), assignedRoles: ['admin'], sessions: 2 };
    expect(fitStatus('DashUser', status)).toEqual({ status, omitted: none });
  });

  it('keeps the first entries of a list beyond maxItems and counts the rest', () => {
    const { status, omitted } = fitStatus('DashUser', { groups: groups(300) });
    expect(status.groups).toEqual(groups(256));
    expect(omitted).toEqual({ entries: { groups: 44 }, characters: {} });
    expect(valid('DashUser', status).ok).toBe(true);
    expect(valid('DashUser', { groups: groups(300) }).ok).toBe(false);
  });

  it('cuts a text beyond maxLength to the bound, ending in …, and counts the characters cut', () => {
    const long = `${'a'.repeat(600)}/${'b'.repeat(600)}`;
    const { status, omitted } = fitStatus('DashUser', { groups: ['short', long] });
    const cut = (status.groups as string[])[1] ?? '';
    expect(textLength(cut)).toBe(1024);
    expect(cut.endsWith('…')).toBe(true);
    expect(omitted.characters).toEqual({ 'groups[1]': 1201 - 1023 });
    expect(valid('DashUser', status).ok).toBe(true);
  });

  it('fits nested lists (role binding subjects and their grants, warnings) and names them in one sorted sentence', () => {
    const subjects = [{ kind: 'User', name: 'alice', resolved: true, grants: Array.from({ length: 40 }, (_, i) => `role-${i}`) }];
    const { status, omitted } = fitStatus('DashRoleBinding', { warnings: Array.from({ length: 20 }, (_, i) => `warning ${i}`), subjects });
    expect(omitted.entries).toEqual({ 'subjects[0].grants': 8, warnings: 4 });
    expect(describeOmitted(omitted)).toBe('subjects[0].grants: 8 entries; warnings: 4 entries');
    expect(valid('DashRoleBinding', status).ok).toBe(true);
  });

  it('is idempotent: a fitted status fits as is', () => {
    const once = fitStatus('DashUser', { groups: groups(300), effectiveRoles: [{ name: 'viewer', sources: ['x'.repeat(2000)] }] }).status;
    expect(fitStatus('DashUser', once)).toEqual({ status: once, omitted: none });
  });

  it('caps conditions keeping Ready (sorted first)', () => {
    const conditions = Array.from({ length: 18 }, (_, i) => ({ type: i === 0 ? 'Ready' : `C${i}`, status: 'True', reason: 'R', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }));
    const { status, omitted } = fitStatus('DashGroup', { conditions });
    expect((status.conditions as { type: string }[])[0]?.type).toBe('Ready');
    expect(omitted.entries).toEqual({ conditions: 2 });
  });
});
