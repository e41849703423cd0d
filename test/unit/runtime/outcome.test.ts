import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../src/kube/object.js';
import { FinalizerStep, finalizerPatch, finalizerStep } from '../../../src/runtime/finalizer.js';
import { NextRun, OUTCOMES, Outcome, OutcomeError, classifyError } from '../../../src/runtime/outcome.js';

describe('the outcome table', () => {
  it.each([
    [Outcome.Reconciled, 'True', NextRun.Resync],
    [Outcome.Invalid, 'False', NextRun.SpecChange],
    [Outcome.Waiting, 'False', NextRun.Wait],
    [Outcome.Conflict, 'False', NextRun.Backoff],
    [Outcome.Unavailable, 'False', NextRun.Backoff],
    [Outcome.AuthFailed, 'False', NextRun.Backoff],
    [Outcome.Rejected, 'False', NextRun.Backoff],
    [Outcome.Deleting, 'False', NextRun.Wait],
    [Outcome.Error, 'False', NextRun.Backoff],
  ] as const)('%s: Ready=%s, next run %s', (outcome, ready, next) => {
    expect(OUTCOMES[outcome]).toMatchObject({ ready, next });
  });

  it('covers every outcome', () => {
    expect(Object.keys(OUTCOMES).sort()).toEqual(Object.values(Outcome).sort());
  });
});

describe('classifyError', () => {
  it('takes an OutcomeError as it is, with its own reason', () => {
    expect(classifyError(new OutcomeError(Outcome.Waiting, 'spec.realmRef: DashRealm x not found', { reason: 'WaitingForRealm' })))
      .toEqual({ outcome: 'Waiting', message: 'spec.realmRef: DashRealm x not found', reason: 'WaitingForRealm' });
  });

  it('asks the injected classifiers, in order, before falling back', () => {
    class PortError extends Error {}
    const classify = (err: unknown) => (err instanceof PortError ? { outcome: Outcome.Unavailable, message: err.message, reason: 'PortUnavailable' } : undefined);
    expect(classifyError(new PortError('down'), [() => undefined, classify])).toEqual({ outcome: 'Unavailable', message: 'down', reason: 'PortUnavailable' });
  });

  it('knows one error type: an error that merely carries an outcome property is not taken at its word', () => {
    const err = Object.assign(new Error('Keycloak group a is managed by b'), { outcome: 'Conflict', reason: 'Conflict' });
    expect(classifyError(err)).toEqual({ outcome: 'Error', message: 'Keycloak group a is managed by b' });
  });

  it('makes anything else an Error with its message, and identical failures give identical messages', () => {
    expect(classifyError(new Error('boom'))).toEqual({ outcome: 'Error', message: 'boom' });
    expect(classifyError(Object.assign(new Error('x'), { outcome: 'NotAnOutcome' })).outcome).toBe('Error');
    expect(classifyError(new Error('same'))).toEqual(classifyError(new Error('same')));
    expect(classifyError('text').message).toBe('text');
  });
});

const obj = (meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({ metadata: { name: 'x', namespace: 'ns', resourceVersion: '7', ...meta } });
const finalized = (o: KubeObject, f = 'f'): KubeObject => ({ ...o, metadata: { ...o.metadata, finalizers: [...(o.metadata.finalizers ?? []), f] } });
const deleting = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });

describe('the finalizer table', () => {
  it.each([
    ['a new object', obj(), FinalizerStep.Add],
    ['an object with our finalizer', finalized(obj()), FinalizerStep.Apply],
    ['a deleted object with our finalizer', deleting(finalized(obj())), FinalizerStep.Cleanup],
    ['a deleted object without it', deleting(finalized(obj(), 'other')), FinalizerStep.Skip],
  ])('%s: %s', (_title, o, step) => {
    expect(finalizerStep(o, 'f')).toBe(step);
  });

  it('without a finalizer, applies or skips', () => {
    expect(finalizerStep(obj(), undefined)).toBe(FinalizerStep.Apply);
    expect(finalizerStep(deleting(obj()), undefined)).toBe(FinalizerStep.Skip);
  });

  it('patches the list with the resourceVersion read, keeping other finalizers', () => {
    expect(finalizerPatch(finalized(obj(), 'other'), 'f', true)).toEqual({ metadata: { finalizers: ['other', 'f'], resourceVersion: '7' } });
    expect(finalizerPatch(finalized(finalized(obj(), 'other')), 'f', false)).toEqual({ metadata: { finalizers: ['other'], resourceVersion: '7' } });
  });
});
