import pino from 'pino';
import type { DashResource, Kind } from '../../../src/api/index.js';
import type { BoundKeycloak } from '../../../src/controllers/context.js';
import { DriftPoller } from '../../../src/controllers/drift/poller.js';
import type { AdminEvent } from '../../../src/keycloak/port.js';
import type { WakePriority } from '../../../src/runtime/index.js';
import { objectStore } from './object-cache.js';

const OPERATOR = 'operator-sa-user';
const ALICE = '11111111-2222-4333-8444-555555555555';
const realmRef = { name: 'dash' };
const meta = (name: string) => ({ name, namespace: 'ns', uid: `uid-${name}` });
const following = {
  metadata: meta('dash'), spec: { realm: 'dash', driftDetection: 'AdminEvents' },
  status: { conditions: [{ type: 'DriftDetection', status: 'True', reason: 'AdminEvents', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
};
const objects = [
  { kind: 'DashRealm', ...following },
  { kind: 'DashUser', metadata: meta('alice'), spec: { realmRef, username: 'alice' }, status: { keycloakId: ALICE } },
  { kind: 'DashUser', metadata: meta('bob'), spec: { realmRef, username: 'bob' }, status: { keycloakId: 'other-id' } },
  { kind: 'DashRoleBinding', metadata: meta('alice-licensed'), spec: { realmRef, roles: ['licensed_user'], subjects: [{ kind: 'User', name: 'alice' }] } },
] as unknown as DashResource<Kind>[];

const event = (id: string, timeMs: number, authUserId: string, resourcePath = `users/${ALICE}`): AdminEvent =>
  ({ id, timeMs, authUserId, operationType: 'UPDATE', resourceType: 'USER', resourcePath });

const quietMetrics = { recordCorrection: () => undefined, observeDetection: () => undefined, recordResync: () => undefined, recordPoll: () => undefined };

/** A poller over the production indexes and a Keycloak that answers `pages` in turn (an Error: the read fails). */
function pollerWith(pages: (AdminEvent[] | Error)[]) {
  const queued: { kind: Kind; key: string; cause: string; priority?: WakePriority }[] = [];
  const noted: string[] = [];
  const reads: number[] = [];
  const kc = {
    actingUserId: async () => OPERATOR,
    readAdminEvents: async (_realm: string, fromMs: number) => {
      reads.push(fromMs);
      const page = pages.shift() ?? [];
      if (page instanceof Error) throw page;
      return page;
    },
  } as unknown as BoundKeycloak;
  const poller = new DriftPoller({
    cache: objectStore(objects), connect: async () => kc, metrics: quietMetrics, logger: pino({ level: 'silent' }), intervalMs: 1000, now: () => 10_000,
    enqueue: (kind, keys, cause, priority) => queued.push(...keys.map((key) => ({ kind, key, cause, ...(priority ? { priority } : {}) }))),
    noteOutsideChange: (kind, key, atMs) => noted.push(`${kind} ${key} ${atMs}`),
  });
  return { poller, queued, noted, reads };
}

describe('DriftPoller', () => {
  it('wakes the user an outside change touched, and nothing for the operator\'s own changes', async () => {
    const { poller, queued } = pollerWith([[event('own', 9_000, OPERATOR), event('theirs', 9_500, 'console-admin')]]);
    await poller.pollOnce();
    expect(queued).toEqual([{ kind: 'DashUser', key: 'ns/alice', cause: 'AdminEvent', priority: 'urgent' }]);
  });

  it('notes when each woken object was changed outside (the latest change), for whichever pass corrects it', async () => {
    const { poller, queued, noted } = pollerWith([[
      event('first', 9_200, 'console-admin'), event('own', 9_300, OPERATOR), event('second', 9_600, 'console-admin'),
      event('bob', 9_400, 'console-admin', 'users/other-id'),
    ]]);
    await poller.pollOnce();
    expect(noted).toEqual(['DashUser ns/alice 9200', 'DashUser ns/alice 9600', 'DashUser ns/bob 9400']);
    expect(queued).toEqual([{ kind: 'DashUser', key: 'ns/alice', cause: 'AdminEvent', priority: 'urgent' }, { kind: 'DashUser', key: 'ns/bob', cause: 'AdminEvent', priority: 'urgent' }]);
  });

  it('a role mapping change of a user wakes the bindings naming it, not the user (who would report the drift before it is corrected)', async () => {
    const { poller, queued } = pollerWith([[event('theirs', 9_500, 'console-admin', `users/${ALICE}/role-mappings/clients/c`)]]);
    await poller.pollOnce();
    expect(queued).toEqual([{ kind: 'DashRoleBinding', key: 'ns/alice-licensed', cause: 'AdminEvent', priority: 'urgent' }]);
  });

  it('one read per realm per poll, continuing from the last event read', async () => {
    const { poller, reads } = pollerWith([[event('a', 9_100, OPERATOR)], []]);
    await poller.pollOnce();
    await poller.pollOnce();
    expect(reads).toEqual([5_000, 9_100]);
  });

  it('a failed read resyncs every object of the realm once a read succeeds again', async () => {
    const { poller, queued } = pollerWith([new Error('Keycloak answered 503'), []]);
    await poller.pollOnce();
    expect(queued).toEqual([]);
    await poller.pollOnce();
    expect(queued.filter((q) => q.priority !== undefined)).toEqual([]); // a gap wakes everything: no queue jumping
    expect(queued.map((q) => `${q.kind} ${q.key} ${q.cause}`).sort()).toEqual([
      'DashRealm ns/dash AdminEventGap', 'DashRoleBinding ns/alice-licensed AdminEventGap', 'DashUser ns/alice AdminEventGap', 'DashUser ns/bob AdminEventGap',
    ]);
  });

  it('does not read a realm in Resync mode, nor one whose admin events are not followed yet', async () => {
    const realms = [
      { kind: 'DashRealm', ...following, metadata: meta('resync'), spec: { realm: 'a', driftDetection: 'Resync' } },
      { kind: 'DashRealm', ...following, metadata: meta('new'), spec: { realm: 'b', driftDetection: 'AdminEvents' }, status: {} },
    ] as unknown as DashResource<Kind>[];
    const connected: string[] = [];
    const poller = new DriftPoller({
      cache: objectStore(realms), connect: async (r) => { connected.push(r.metadata.name); throw new Error('no Keycloak here'); },
      enqueue: () => undefined, noteOutsideChange: () => undefined, logger: pino({ level: 'silent' }), intervalMs: 1000, metrics: quietMetrics,
    });
    await poller.pollOnce();
    expect(connected).toEqual([]);
  });
});
