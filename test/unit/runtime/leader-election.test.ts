import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { KubeClient } from '../../../src/kube/client.js';
import { KubeApiError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/kube/object.js';
import { LeaderElector, type LeaderElectionConfig } from '../../../src/runtime/leader-election.js';
import { silentLogger } from './fakes.js';

type Lease = KubeObject & { spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number } };

/** The one Lease, with optimistic concurrency; `down` makes a replica's client fail as if partitioned. */
class LeaseServer {
  lease: Lease | undefined;
  version = 0;

  client(down: () => boolean): KubeClient {
    const check = () => {
      if (down()) throw new KubeApiError(0, 'Unreachable', 'connection refused');
    };
    const clone = (l: Lease) => JSON.parse(JSON.stringify(l)) as Lease;
    return {
      list: async () => { throw new Error('unused'); },
      mergePatch: async () => { throw new Error('unused'); },
      get: async () => {
        check();
        return this.lease && clone(this.lease);
      },
      create: async (_k, _ns, body) => {
        check();
        if (this.lease) throw new KubeApiError(409, 'AlreadyExists', 'exists');
        this.lease = { ...(body as Lease), metadata: { ...(body as Lease).metadata, resourceVersion: String(++this.version) } };
        return clone(this.lease);
      },
      replace: async (_k, _ns, _name, body) => {
        check();
        const b = body as Lease;
        if (b.metadata.resourceVersion !== this.lease?.metadata.resourceVersion) throw new KubeApiError(409, 'Conflict', 'stale');
        this.lease = { ...b, metadata: { ...b.metadata, resourceVersion: String(++this.version) } };
        return clone(this.lease);
      },
    };
  }
}

const timings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const config = (identity: string): LeaderElectionConfig => ({ namespace: 'ns', name: 'dash-keycloak-operator', identity, ...timings });
let server: LeaseServer;
const electors: LeaderElector[] = [];

function candidate(identity: string, down: () => boolean = () => false) {
  const log: string[] = [];
  const elector = new LeaderElector(server.client(down), config(identity), {
    onStartedLeading: () => log.push('started'),
    onStoppedLeading: () => log.push('stopped'),
  }, silentLogger);
  electors.push(elector);
  elector.start();
  return { elector, log };
}

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  server = new LeaseServer();
});
afterEach(async () => {
  for (const e of electors.splice(0)) await e.stop();
  jest.useRealTimers();
});

describe('leader election on a Lease', () => {
  it('a lone candidate creates the lease and leads, with MicroTime stamps and client-go durations', async () => {
    const a = candidate('a');
    await jest.advanceTimersByTimeAsync(100);
    expect(a.elector.isLeader).toBe(true);
    expect(a.log).toEqual(['started']);
    expect(server.lease?.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(server.lease?.spec?.renewTime).toMatch(/\.\d{6}Z$/);
    expect(server.lease?.spec?.acquireTime).toMatch(/\.\d{6}Z$/);
  });

  it('a standby never leads while the leader renews, and the leader keeps its acquireTime', async () => {
    const a = candidate('a');
    await jest.advanceTimersByTimeAsync(100);
    const acquired = server.lease?.spec?.acquireTime;
    const b = candidate('b');
    await jest.advanceTimersByTimeAsync(120_000);
    expect(a.elector.isLeader).toBe(true);
    expect(b.elector.isLeader).toBe(false);
    expect(b.log).toEqual([]);
    expect(server.lease?.spec?.acquireTime).toBe(acquired);
    expect(server.lease?.spec?.renewTime).not.toBe(acquired);
  });

  it('a standby takes over when the leader dies, about one lease duration later; the dead leader steps down by its renew deadline', async () => {
    let aDead = false;
    const a = candidate('a', () => aDead);
    await jest.advanceTimersByTimeAsync(100);
    const b = candidate('b');
    await jest.advanceTimersByTimeAsync(30_000);
    aDead = true;
    // The dead leader gives up (renew deadline + one retry) before anyone may take over (lease duration - one retry).
    await jest.advanceTimersByTimeAsync(timings.renewDeadlineMs + timings.retryPeriodMs + 100);
    expect(a.elector.isLeader).toBe(false);
    expect(a.log).toEqual(['started', 'stopped']);
    expect(b.elector.isLeader).toBe(false);
    await jest.advanceTimersByTimeAsync(timings.leaseDurationMs - timings.renewDeadlineMs + 2.4 * timings.retryPeriodMs);
    expect(b.elector.isLeader).toBe(true);
    expect(server.lease?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('a graceful stop releases the lease and a standby takes it within a retry period', async () => {
    const a = candidate('a');
    await jest.advanceTimersByTimeAsync(100);
    const b = candidate('b');
    await jest.advanceTimersByTimeAsync(10_000);
    await a.elector.stop();
    expect(server.lease?.spec?.holderIdentity).toBeUndefined();
    expect(server.lease?.spec?.leaseDurationSeconds).toBe(1);
    expect(a.log).toEqual(['started', 'stopped']);
    await jest.advanceTimersByTimeAsync(1.2 * timings.retryPeriodMs + 100);
    expect(b.elector.isLeader).toBe(true);
  });

  it('a leader that misses renewals for less than the renew deadline stays leader', async () => {
    let down = false;
    const a = candidate('a', () => down);
    await jest.advanceTimersByTimeAsync(100);
    down = true;
    await jest.advanceTimersByTimeAsync(timings.renewDeadlineMs - timings.retryPeriodMs - 100);
    down = false;
    await jest.advanceTimersByTimeAsync(3 * timings.retryPeriodMs);
    expect(a.elector.isLeader).toBe(true);
    expect(a.log).toEqual(['started']);
  });

  it('a leader cut off past the renew deadline steps down, and leads again when the API server is back', async () => {
    let down = false;
    const a = candidate('a', () => down);
    await jest.advanceTimersByTimeAsync(100);
    down = true;
    await jest.advanceTimersByTimeAsync(timings.renewDeadlineMs + 2 * timings.retryPeriodMs);
    expect(a.elector.isLeader).toBe(false);
    down = false;
    await jest.advanceTimersByTimeAsync(3 * timings.retryPeriodMs);
    expect(a.elector.isLeader).toBe(true);
    expect(a.log).toEqual(['started', 'stopped', 'started']);
  });
});
