import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/object.js';
import { kindId } from '../kube/resource-kind.js';
import type { EventRecorder } from './events.js';
import { FinalizerStep, finalizerPatch, finalizerStep } from './finalizer.js';
import { parseKey, type ObjectKey } from './keys.js';
import type { OperatorMetrics } from './metrics.js';
import type { CacheReader, KindRef } from './object-store.js';
import { NextRun, OUTCOMES, Outcome, classifyError, type Classified, type ErrorClassifier } from './outcome.js';
import { StatusRejectedError, readyCondition, recordEvents, writeStatus } from './status-write.js';
import type { ControllerRegistration, FinalizeResult, ReconcileResult } from './reconciler.js';
import type { ObjectRef, Owner, ReferenceIndex } from './references.js';
import type { StatusDecision } from './status.js';
import { TrackingContext } from './tracking-context.js';

/** When a key runs next, as the queue understands it. */
export type Schedule =
  | { type: 'forget'; afterMs?: number }
  | { type: 'after'; ms: number }
  | { type: 'backoff' };

/** Everything one pass needs; shared by all passes of a controller. */
export interface RunDeps {
  registration: ControllerRegistration;
  cache: CacheReader;
  client: KubeClient;
  events: EventRecorder;
  references: ReferenceIndex;
  /** The owner of a key in the reference index. */
  owner: (key: string) => Owner;
  classifiers: readonly ErrorClassifier[];
  logger: Logger;
  metrics: OperatorMetrics;
  /** The fixed wait of a Waiting outcome and of a cleanup that is not done. */
  dependencyWaitMs: number;
  now: () => Date;
  /** Queues keys of a registered kind (a pass's `wake`). */
  wake: (kind: KindRef, keys: readonly ObjectKey[]) => void;
}

const FORGET: Schedule = { type: 'forget' };
const BACKOFF: Schedule = { type: 'backoff' };

/**
 * One reconcile pass of one key: read the object from the cache, walk the finalizer table,
 * parse, reconcile or clean up, classify, write status only if it changed, record events for
 * condition transitions, and say when to run next. API server failures (including a 409 on a
 * write) come back as a backoff, never as a thrown error.
 */
export async function runKey(deps: RunDeps, key: string, signal: AbortSignal, wokenBy: ReadonlySet<string> = new Set()): Promise<Schedule> {
  const { registration: reg } = deps;
  const { namespace, name } = parseKey(key);
  const obj = deps.cache.get(reg.kind, namespace, name);
  if (!obj) {
    deps.references.clear(deps.owner(key));
    return FORGET;
  }
  const log = deps.logger.child({ kind: reg.kind.kind, namespace: namespace || undefined, name });
  try {
    switch (finalizerStep(obj, reg.finalizer)) {
      case FinalizerStep.Skip:
        return FORGET;
      case FinalizerStep.Add:
        await deps.client.mergePatch(reg.kind, namespace, name, finalizerPatch(obj, reg.finalizer ?? '', true));
        return FORGET;
      case FinalizerStep.Apply:
        return await apply(deps, obj, key, log, signal, wokenBy);
      case FinalizerStep.Cleanup:
        return await cleanup(deps, obj, key, log, signal);
    }
  } catch (err) {
    if (isConflict(err)) {
      log.debug({ err }, 'conflict writing to the API server; requeued');
    } else if (err instanceof StatusRejectedError) {
      log.warn({ err: err.cause, detail: err.message }, 'the API server refused the status; requeued with backoff');
    } else if (!isNotFound(err)) {
      log.warn({ err }, 'API server request failed; requeued with backoff');
    }
    return BACKOFF;
  }
}

async function apply(deps: RunDeps, obj: KubeObject, key: string, log: Logger, signal: AbortSignal, wokenBy: ReadonlySet<string>): Promise<Schedule> {
  const { registration: reg } = deps;
  const parsed = parse(reg, obj);
  if (parsed.ok) declareReferences(deps, key, withSpec(obj, parsed.spec), log);
  let result: ReconcileResult | undefined;
  let failure: Classified | undefined;
  const started = performance.now();
  if (!parsed.ok) {
    failure = { outcome: Outcome.Invalid, message: parsed.message };
  } else {
    const ctx = new TrackingContext(deps.cache, reg.kind, key, log, signal, wokenBy);
    try {
      result = await reg.reconciler.reconcile(withSpec(obj, parsed.spec), ctx);
    } catch (err) {
      if (signal.aborted) return stopped(log, signal, err);
      failure = classifyError(err, deps.classifiers);
      logFailure(log, failure, err);
    }
    deps.references.set(deps.owner(key), 'reads', failure ? ctx.reads : unwatched(deps, ctx.reads));
  }
  if (signal.aborted) return stopped(log, signal);
  const outcome = failure?.outcome ?? Outcome.Reconciled;
  deps.metrics.recordReconcile(reg.kind.kind, outcome, (performance.now() - started) / 1000);
  const ready = readyCondition(failure, result?.message, result?.progressing, result?.reason);
  const decision: StatusDecision = result
    ? { fields: result.status, conditions: [ready, ...(result.conditions ?? [])], keepOtherConditions: false }
    : { conditions: [ready], keepOtherConditions: true };
  if (!(await writeStatus(deps, obj, decision, result?.events ?? []))) return BACKOFF;
  for (const { kind, keys } of result?.wake ?? []) deps.wake(kind, keys);
  if (!failure) log.debug('reconciled');
  return schedule(deps, outcome, result?.requeueAfterMs ?? (result?.progressing ? PROGRESSING_RECHECK_MS : undefined));
}

/**
 * When a pass that reported progress runs again, by default: as soon as the status it wrote
 * can be in the cache (a watch event takes milliseconds). A pass from a cache that still holds
 * the older status plans from it and its status write meets a 409, retried quietly; its own
 * status write cannot wake it (status-only changes of the object itself wake nobody).
 */
const PROGRESSING_RECHECK_MS = 100;

/**
 * The reads that wake a pass which succeeded: those of kinds no watch rule of the controller
 * covers (Secrets, ConfigMaps). A watched kind is woken by its rule, which knows which changes
 * matter; keeping every read re-ran each member of a group whenever its member count moved.
 * A pass that could not finish (waiting for an object, an error) keeps all its reads.
 */
function unwatched(deps: RunDeps, reads: ObjectRef[]): ObjectRef[] {
  const watched = new Set((deps.registration.watches ?? []).map((w) => kindId(deps.cache.resolve(w.kind))));
  return reads.filter((r) => !watched.has(kindId(r.kind)));
}

async function cleanup(deps: RunDeps, obj: KubeObject, key: string, log: Logger, signal: AbortSignal): Promise<Schedule> {
  const { registration: reg } = deps;
  const parsed = parse(reg, obj);
  let result: FinalizeResult = { done: true };
  if (!parsed.ok) {
    // Admission normally stops such a spec; cleaning up from it is impossible, hanging forever worse.
    result.events = [{ type: 'Warning', reason: 'FinalizerReleased', message: `released without cleanup: ${parsed.message}` }];
  } else if (reg.reconciler.finalize) {
    const ctx = new TrackingContext(deps.cache, reg.kind, key, log, signal);
    try {
      result = await reg.reconciler.finalize(withSpec(obj, parsed.spec), ctx);
    } catch (err) {
      if (signal.aborted) return stopped(log, signal, err);
      const failure = classifyError(err, deps.classifiers);
      logFailure(log, failure, err);
      deps.metrics.recordReconcile(reg.kind.kind, failure.outcome, 0);
      const written = await writeStatus(deps, obj, { conditions: [readyCondition(failure)], keepOtherConditions: true }, []);
      return written ? schedule(deps, failure.outcome) : BACKOFF;
    } finally {
      deps.references.set(deps.owner(key), 'reads', ctx.reads);
    }
  }
  if (signal.aborted) return stopped(log, signal);
  deps.metrics.recordReconcile(reg.kind.kind, Outcome.Deleting, 0);
  if (!result.done) {
    const waiting: Classified = { outcome: Outcome.Deleting, message: result.waiting ?? 'waiting for cleanup to finish' };
    if (!(await writeStatus(deps, obj, { conditions: [readyCondition(waiting)], keepOtherConditions: true }, result.events ?? []))) return BACKOFF;
    return { type: 'after', ms: result.requeueAfterMs ?? deps.dependencyWaitMs };
  }
  await recordEvents(deps, obj, result.events ?? []);
  await deps.client.mergePatch(reg.kind, obj.metadata.namespace, obj.metadata.name, finalizerPatch(obj, reg.finalizer ?? '', false));
  deps.references.clear(deps.owner(key));
  log.info('cleaned up; finalizer removed');
  return FORGET;
}

/**
 * A pass whose signal was aborted (leadership lost, shutdown) ends without status, events or
 * finalizer changes: what it saw may be stale, and another replica may own the key now. The
 * key is forgotten here; the next time this replica leads, every object is queued again.
 */
function stopped(log: Logger, signal: AbortSignal, err?: unknown): Schedule {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
  // The error (a refused write, say) is what the pass met after the stop, not a failure to report.
  const detail = err instanceof Error ? err.message : err === undefined ? undefined : String(err);
  log.info({ reason, detail }, 'pass stopped before its end; nothing more written');
  return FORGET;
}

function schedule(deps: RunDeps, outcome: Outcome, requeueAfterMs?: number): Schedule {
  switch (OUTCOMES[outcome].next) {
    case NextRun.Resync:
      return { type: 'forget', afterMs: requeueAfterMs };
    case NextRun.SpecChange:
      return FORGET;
    case NextRun.Wait:
      return { type: 'after', ms: deps.dependencyWaitMs };
    case NextRun.Backoff:
      return BACKOFF;
  }
}

function logFailure(log: Logger, failure: Classified, err: unknown): void {
  if (failure.outcome === Outcome.Error) log.error({ err }, 'reconcile failed unexpectedly');
  else if (OUTCOMES[failure.outcome].next === NextRun.Backoff) log.warn({ outcome: failure.outcome, reason: failure.reason, detail: failure.message }, 'reconcile failed');
  else log.info({ outcome: failure.outcome, reason: failure.reason, detail: failure.message }, 'reconcile waits');
}

// A parser that throws is a bug in it, but must not turn into a crash loop: it is an invalid spec.
function parse(reg: ControllerRegistration, obj: KubeObject): ReturnType<NonNullable<ControllerRegistration['parse']>> {
  if (!reg.parse) return { ok: true, spec: (obj as { spec?: unknown }).spec };
  try {
    return reg.parse(obj);
  } catch (err) {
    return { ok: false, message: `spec could not be validated: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function declareReferences(deps: RunDeps, key: string, obj: KubeObject, log: Logger): void {
  try {
    deps.references.set(deps.owner(key), 'spec', deps.registration.references?.(obj) ?? []);
  } catch (err) {
    log.error({ err }, 'references() failed; keeping the references declared before');
  }
}

function withSpec(obj: KubeObject, spec: unknown): KubeObject {
  return spec === (obj as { spec?: unknown }).spec ? obj : ({ ...obj, spec } as KubeObject);
}
