import { Gauge, type Registry } from 'prom-client';
import type { CacheReader } from '../../runtime/index.js';

/** One DashUser whose status says a logout is pending, and since when (Unix seconds). */
export interface PendingLogout {
  namespace: string;
  name: string;
  sinceSeconds: number;
}

interface UserStatusView {
  metadata: { namespace?: string; name: string };
  status?: { logoutPending?: boolean; logoutPendingSince?: string };
}

/**
 * The DashUsers whose status reports `logoutPending`, sorted by namespace and name. A pending
 * logout without a parseable `logoutPendingSince` counts from `now` (it is pending, its age unknown).
 */
export function pendingLogouts(users: readonly object[], now: Date): PendingLogout[] {
  return (users as UserStatusView[])
    .filter((u) => u.status?.logoutPending === true)
    .map((u) => {
      const since = Date.parse(u.status?.logoutPendingSince ?? '');
      return { namespace: u.metadata.namespace ?? '', name: u.metadata.name, sinceSeconds: (Number.isNaN(since) ? now.getTime() : since) / 1000 };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/**
 * Registers `logout_pending_since_seconds{object_namespace,object_name}`: one series per DashUser
 * waiting for a logout (SPEC §1: a role change through a group takes effect at the next login),
 * computed from the cache on every scrape, so a user disappears from it once logged out. The
 * labels are not `namespace`/`name`, which Prometheus' own target labels would overwrite.
 */
export function logoutPendingMetrics(registry: Registry, prefix: string, cache: CacheReader, now: () => Date = () => new Date()): void {
  new Gauge({
    name: `${prefix}logout_pending_since_seconds`, help: 'Unix time since which a DashUser has sessions older than a role change that reached it through a group (logout pending)',
    labelNames: ['object_namespace', 'object_name'], registers: [registry],
    collect() {
      this.reset();
      for (const user of pendingLogouts(cache.list('DashUser'), now())) this.set({ object_namespace: user.namespace, object_name: user.name }, user.sinceSeconds);
    },
  });
}
