import { describe, expect, it } from '@jest/globals';
import { readConditions, rfc3339, setCondition, transitions, validReason, type Condition } from '../../../src/runtime/conditions.js';
import { canonical, mergePatchDiff, nextStatus, statusPatch } from '../../../src/runtime/status.js';

const t0 = new Date('2026-01-01T00:00:00.123Z');
const t1 = new Date('2026-01-01T01:00:00.456Z');
const ready = (status: 'True' | 'False', reason = status === 'True' ? 'Reconciled' : 'KeycloakUnavailable', message = 'm') => ({ type: 'Ready', status, reason, message });

describe('conditions', () => {
  it('have exactly the metav1.Condition shape, with RFC 3339 second-precision times', () => {
    expect(setCondition(undefined, ready('True'), 3, t0)).toEqual({
      type: 'Ready', status: 'True', reason: 'Reconciled', message: 'm', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 3,
    });
    expect(rfc3339(t1)).toBe('2026-01-01T01:00:00Z');
  });

  it('keep lastTransitionTime while the status stays, even when reason and message change', () => {
    const first = setCondition(undefined, ready('False', 'WaitingForRealm', 'a'), 1, t0);
    const second = setCondition(first, ready('False', 'KeycloakUnavailable', 'b'), 2, t1);
    expect(second.lastTransitionTime).toBe(first.lastTransitionTime);
    expect(second).toMatchObject({ reason: 'KeycloakUnavailable', message: 'b', observedGeneration: 2 });
  });

  it('take a new lastTransitionTime when the status flips', () => {
    const first = setCondition(undefined, ready('False'), 1, t0);
    expect(setCondition(first, ready('True'), 1, t1).lastTransitionTime).toBe('2026-01-01T01:00:00Z');
  });

  it('get a reason that passes API validation', () => {
    expect(validReason('WaitingForGroup')).toBe('WaitingForGroup');
    expect(validReason('waiting for: group!')).toBe('waitingfor:group');
    expect(validReason('9 lives')).toBe('lives');
    expect(validReason('  ')).toBe('Unknown');
  });

  it('report a transition on a new condition or a changed status or reason, not on a new message', () => {
    const before: Condition[] = [setCondition(undefined, ready('False', 'A', 'x'), 1, t0)];
    expect(transitions(before, [setCondition(before[0], ready('False', 'A', 'y'), 1, t1)])).toEqual([]);
    expect(transitions(before, [setCondition(before[0], ready('False', 'B', 'x'), 1, t1)])).toHaveLength(1);
    expect(transitions(before, [setCondition(before[0], ready('True'), 1, t1)])).toHaveLength(1);
    expect(transitions([], before)).toHaveLength(1);
  });

  it('drop malformed stored conditions instead of failing', () => {
    expect(readConditions([{ type: 'Ready' }, null, 'x', { type: 'Ready', status: 'True', lastTransitionTime: 'z' }])).toHaveLength(1);
    expect(readConditions(undefined)).toEqual([]);
  });
});

describe('nextStatus', () => {
  it('stamps observedGeneration and puts Ready first', () => {
    const status = nextStatus({}, { fields: { path: '/a' }, conditions: [ready('True'), { type: 'Drift', status: 'False', reason: 'None', message: '' }], keepOtherConditions: false }, 4, t0);
    expect(status.observedGeneration).toBe(4);
    expect((status.conditions as Condition[]).map((c) => c.type)).toEqual(['Ready', 'Drift']);
    expect(status.path).toBe('/a');
  });

  it('keeps the stored fields and other conditions after a failure, and drops other conditions after a success', () => {
    const stored = nextStatus({}, { fields: { path: '/a' }, conditions: [ready('True'), { type: 'Drift', status: 'True', reason: 'X', message: '' }], keepOtherConditions: false }, 1, t0);
    const failed = nextStatus(stored, { conditions: [ready('False')], keepOtherConditions: true }, 2, t1);
    expect(failed.path).toBe('/a');
    expect((failed.conditions as Condition[]).map((c) => c.type)).toEqual(['Ready', 'Drift']);
    const succeeded = nextStatus(failed, { fields: { path: '/b' }, conditions: [ready('True')], keepOtherConditions: false }, 2, t1);
    expect((succeeded.conditions as Condition[]).map((c) => c.type)).toEqual(['Ready']);
  });

  it('ignores conditions and observedGeneration a reconciler put among its fields', () => {
    const status = nextStatus({}, { fields: { conditions: ['junk'], observedGeneration: 99, n: 1 }, conditions: [ready('True')], keepOtherConditions: false }, 2, t0);
    expect(status.observedGeneration).toBe(2);
    expect((status.conditions as Condition[])[0].type).toBe('Ready');
  });
});

describe('statusPatch: status is written only when it changed', () => {
  it('is undefined when the same pass runs again later (same fields, same conditions, same generation)', () => {
    const decision = { fields: { roles: ['a', 'b'], id: 'x', gone: undefined }, conditions: [ready('True')], keepOtherConditions: false };
    const first = nextStatus({}, decision, 1, t0);
    const stored = JSON.parse(JSON.stringify(first)) as Record<string, unknown>;
    expect(statusPatch(stored, nextStatus(stored, decision, 1, t1))).toBeUndefined();
  });

  it('is undefined when only key order differs', () => {
    expect(statusPatch({ a: 1, b: { c: 1, d: 2 } }, { b: { d: 2, c: 1 }, a: 1 })).toBeUndefined();
  });

  it('is written when the generation moves on, even with the same outcome', () => {
    const decision = { fields: {}, conditions: [ready('True')], keepOtherConditions: false };
    const stored = nextStatus({}, decision, 1, t0);
    expect(statusPatch(stored, nextStatus(stored, decision, 2, t1))).toMatchObject({ observedGeneration: 2 });
  });

  it('removes dropped keys at any depth with null (a merge patch would keep them otherwise)', () => {
    expect(mergePatchDiff({ a: 1, nested: { keep: 1, drop: 2 }, list: [1, 2] }, { nested: { keep: 1 }, list: [1] })).toEqual({ a: null, nested: { drop: null }, list: [1] });
  });

  it('canonical form ignores undefined members', () => {
    expect(canonical({ a: 1, b: undefined })).toBe(canonical({ a: 1 }));
  });
});
