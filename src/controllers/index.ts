// The controllers' public surface: what main wires into the runtime.
import type { Logger } from 'pino';
import type { DashRealm } from '../api/index.js';
import type { CacheReader, ControllerRegistration, WakePriority } from '../runtime/index.js';
import { DriftPoller } from './drift/poller.js';
import type { DriftMetrics } from './drift/metrics.js';
import { groupController } from './group/controller.js';
import { DASH_KINDS, controllerDeps, type ControllerOptions } from './kinds.js';
import { realmController } from './realm/controller.js';
import { bindingController } from './rolebinding/controller.js';
import { userController } from './user/controller.js';

export { classifyFailure } from './errors.js';
export { DASH_KINDS, controllerDeps, type ControllerOptions } from './kinds.js';
export { driftMetrics, type DriftMetrics } from './drift/metrics.js';
export { CorrectionLedger } from './drift/corrections.js';
export { logoutPendingMetrics } from './user/logout-metrics.js';
export { seatMetrics, type SeatMetrics } from './realm/seats.js';

/** The four controllers, in dependency order. */
export function controllers(options: ControllerOptions): ControllerRegistration[] {
  return [realmController(options), groupController(options), userController(options), bindingController(options)];
}

/**
 * The admin event poller over the manager's cache: it queues keys through `enqueue` (the
 * manager's), one read per followed realm every `intervalMs`.
 */
export function driftPoller(
  options: ControllerOptions, runtime: { cache: CacheReader; enqueue(kind: (typeof DASH_KINDS)[keyof typeof DASH_KINDS], keys: string[], cause: string, priority?: WakePriority): void },
  settings: { intervalMs: number; metrics: DriftMetrics; logger: Logger },
): DriftPoller {
  const deps = controllerDeps(runtime.cache, options);
  return new DriftPoller({
    cache: runtime.cache,
    connect: (realm: DashRealm) => deps.keycloak.forRealm(realm),
    enqueue: (kind, keys, cause, priority) => runtime.enqueue(DASH_KINDS[kind], keys, cause, priority),
    noteOutsideChange: (kind, key, atMs) => options.driftCorrections.noteOutsideChange(kind, key, atMs),
    ...settings,
  });
}
