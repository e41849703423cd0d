// The runtime's public surface: a small controller-runtime. It knows Kubernetes objects, not
// what they describe: kinds, reconcilers, watch rules, indexes and error classifiers are
// handed to it at wiring time.
export { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export {
  ConditionStatus, READY, readConditions, readyOf, rfc3339, setCondition, transitions, type Condition, type ConditionRequest,
} from './conditions.js';
export { Controller, RESYNC_CAUSE, type ControllerOptions } from './controller.js';
export { isStatusOnlyChange } from './wake-router.js';
export { EventRecorder, type EventRequest, type EventSource } from './events.js';
export { FinalizerStep, finalizerPatch, finalizerStep } from './finalizer.js';
export { startHttpServers, type HttpEndpoints, type HttpOptions, type Probes } from './http-server.js';
export { DEFAULT_INFORMER_BACKOFF, ResilientInformer } from './informer.js';
export { formatKey, objectKey, parseKey, queueKey, type ObjectKey } from './keys.js';
export { DEFAULT_LEASE_TIMINGS, LeaderElector, type LeaderCallbacks, type LeaderElectionConfig } from './leader-election.js';
export { Manager, type LeaderTask, type ManagerDeps, type ManagerOptions } from './manager.js';
export { passWrites } from './pass-signal.js';
export { METRICS_PREFIX, createMetrics, type OperatorMetrics } from './metrics.js';
export { ObjectStore, type CacheEvent, type CacheReader, type IndexFunction, type KindRef } from './object-store.js';
export {
  NextRun, OUTCOMES, Outcome, OutcomeError, classifyError, type Classified, type ErrorClassifier, type OutcomeRule,
} from './outcome.js';
export {
  defineController, watch, type ControllerRegistration, type FinalizeResult, type ReconcileContext, type ReconcileResult,
  type Reconciler, type WatchRule,
} from './reconciler.js';
export { ReferenceIndex, type ObjectRef, type Owner } from './references.js';
export { canonical, mergePatchDiff, nextStatus, statusPatch, type StatusDecision } from './status.js';
export { PROGRESSING } from './status-write.js';
export { WorkQueue, type WakePriority } from './work-queue.js';
