import { createMetrics } from '../../../src/runtime/metrics.js';
import { countReady } from '../../../src/runtime/object-metrics.js';

const obj = (generation: number, observed?: number, ready?: { status: string; reason: string }) => ({
  metadata: { name: 'x', generation },
  status: observed === undefined ? undefined : { observedGeneration: observed, conditions: ready ? [{ type: 'Ready', ...ready }] : [] },
});

describe('objects by Ready status and reason', () => {
  it.each([
    ['Ready for its generation', obj(2, 2, { status: 'True', reason: 'Reconciled' }), { ready: 'True', reason: 'Reconciled' }],
    ['not Ready, with the reason', obj(1, 1, { status: 'False', reason: 'WaitingForGroup' }), { ready: 'False', reason: 'WaitingForGroup' }],
    ['never reconciled', obj(1), { ready: 'Unknown', reason: 'NotObserved' }],
    ['Ready for an older generation', obj(3, 2, { status: 'True', reason: 'Reconciled' }), { ready: 'Unknown', reason: 'NotObserved' }],
  ])('counts an object %s', (_, o, want) => {
    expect(countReady('DashUser', [o])).toEqual([{ kind: 'DashUser', count: 1, ...want }]);
  });

  it('gives one sorted row per status and reason, and none for an empty kind', () => {
    const ready = obj(1, 1, { status: 'True', reason: 'Reconciled' });
    const waiting = obj(1, 1, { status: 'False', reason: 'WaitingForGroup' });
    expect(countReady('DashGroup', [waiting, ready, ready])).toEqual([
      { kind: 'DashGroup', ready: 'False', reason: 'WaitingForGroup', count: 1 },
      { kind: 'DashGroup', ready: 'True', reason: 'Reconciled', count: 2 },
    ]);
    expect(countReady('DashGroup', [])).toEqual([]);
  });

  it('is scraped from the cache as it is now: a reason no object has any longer disappears', async () => {
    const metrics = createMetrics({ collectDefaults: false });
    let users: object[] = [obj(1, 1, { status: 'False', reason: 'WaitingForGroup' })];
    metrics.registerObjects('DashUser', () => users);
    expect(await metrics.registry.metrics()).toContain('dash_keycloak_operator_objects{kind="DashUser",ready="False",reason="WaitingForGroup"} 1');
    users = [obj(1, 1, { status: 'True', reason: 'Reconciled' })];
    const scraped = await metrics.registry.metrics();
    expect(scraped).toContain('dash_keycloak_operator_objects{kind="DashUser",ready="True",reason="Reconciled"} 1');
    expect(scraped).not.toContain('WaitingForGroup');
  });
});
