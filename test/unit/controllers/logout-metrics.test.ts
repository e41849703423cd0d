import { Registry } from 'prom-client';
import { logoutPendingMetrics, pendingLogouts } from '../../../src/controllers/user/logout-metrics.js';
import type { CacheReader } from '../../../src/runtime/index.js';

const now = new Date('2026-01-02T03:00:00Z');
const user = (namespace: string, name: string, status?: object) => ({ metadata: { namespace, name }, status });

describe('pending logouts', () => {
  it('lists only users whose status says a logout is pending, since when, sorted', () => {
    expect(pendingLogouts([
      user('b', 'bob', { logoutPending: true, logoutPendingSince: '2026-01-02T02:00:00Z' }),
      user('a', 'carol', { logoutPending: false }),
      user('a', 'alice', { logoutPending: true, logoutPendingSince: '2026-01-02T02:30:00Z' }),
      user('a', 'dave'),
    ], now)).toEqual([
      { namespace: 'a', name: 'alice', sinceSeconds: Date.parse('2026-01-02T02:30:00Z') / 1000 },
      { namespace: 'b', name: 'bob', sinceSeconds: Date.parse('2026-01-02T02:00:00Z') / 1000 },
    ]);
  });

  it('counts a pending logout without a readable start from now', () => {
    expect(pendingLogouts([user('a', 'alice', { logoutPending: true })], now)).toEqual([{ namespace: 'a', name: 'alice', sinceSeconds: now.getTime() / 1000 }]);
  });

  it('exports one series per waiting user from the cache at scrape time, and drops it once logged out', async () => {
    let users: object[] = [user('dash', 'alice', { logoutPending: true, logoutPendingSince: '2026-01-02T02:00:00Z' })];
    const cache = { list: () => users } as unknown as CacheReader;
    const registry = new Registry();
    logoutPendingMetrics(registry, 'dko_', cache, () => now);
    expect(await registry.metrics()).toContain(`dko_logout_pending_since_seconds{object_namespace="dash",object_name="alice"} ${Date.parse('2026-01-02T02:00:00Z') / 1000}`);
    users = [user('dash', 'alice', { logoutPending: false })];
    expect(await registry.metrics()).not.toContain('object_name="alice"');
  });
});
