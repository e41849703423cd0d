import type { Logger } from 'pino';
import type { KubeObject } from '../kube/object.js';
import type { ResourceKind } from '../kube/resource-kind.js';
import type { ConditionRequest } from './conditions.js';
import type { EventRequest } from './events.js';
import type { ObjectKey } from './keys.js';
import type { CacheReader, IndexFunction, KindRef } from './object-store.js';
import type { ObjectRef } from './references.js';

/** What a reconcile or cleanup gets besides the object. */
export interface ReconcileContext {
  /** The queue key, `namespace/name`. */
  readonly key: string;
  /** A child logger bound to kind, namespace and name. */
  readonly logger: Logger;
  /**
   * The informer caches. Every `get` through this reader is remembered as a dependency, found
   * or not: when that object appears, changes (status included) or goes, this key runs again
   * (after a pass that succeeded, only for kinds no watch rule of the controller covers: the
   * rule knows which changes matter). `list` and `byIndex` record nothing: a watch rule says
   * which of many objects wake this one.
   */
  readonly cache: CacheReader;
  /**
   * Aborted when this replica loses the leader lease, or at shutdown past the drain timeout.
   * Once aborted, clients that consult pass-signal.ts (the Keycloak port does) refuse the
   * pass's writes, and the runtime writes no status for it.
   */
  readonly signal: AbortSignal;
  /**
   * The causes callers gave when they queued this key through `Manager.enqueue` since its last
   * pass, and while this pass runs (opaque tags, e.g. an external change feed); empty for
   * watch events and the resync.
   */
  readonly wokenBy: ReadonlySet<string>;
}

/**
 * What a successful reconcile returns; the runtime turns it into status (Ready=True), events
 * and the next run. `S` is the kind's status type.
 */
export interface ReconcileResult<S extends object = Record<string, unknown>> {
  /** The kind's own status fields, without conditions and observedGeneration; undefined keeps the stored ones. */
  status?: S;
  /** Conditions besides Ready; the stored ones of other types are dropped. */
  conditions?: ConditionRequest[];
  /** Events to record (once per object version: a retry does not record them twice). */
  events?: EventRequest[];
  /** Run again after this long, even if nothing changes (e.g. while waiting for something outside Kubernetes). */
  requeueAfterMs?: number;
  /** Message of Ready=True; default `Reconciled successfully`. */
  message?: string;
  /** Reason of Ready=True; default `Reconciled`. */
  reason?: string;
  /**
   * The pass wrote what it intends (its status records it) and a next pass completes the work:
   * Ready=False, reason `Progressing`, with this message, instead of Ready=True, so that Ready
   * keeps meaning "what the spec describes is in place". The key runs again shortly (100 ms,
   * unless `requeueAfterMs` says otherwise), once the written status can be in the cache.
   */
  progressing?: string;
  /**
   * Objects to run after this pass, once its status is written: ones that report what this pass
   * changed outside Kubernetes when nothing a watch rule sees changed with it (a role mapping
   * made again after someone removed it: the grant's record in status stays as it was).
   */
  wake?: { kind: KindRef; keys: readonly ObjectKey[] }[];
}

/** What a cleanup returns: whether the finalizer may go, why not yet, and events. */
export interface FinalizeResult {
  done: boolean;
  /** Why cleanup waits (the message of Ready=False, reason Deleting). */
  waiting?: string;
  events?: EventRequest[];
  /** When not done, try again after this long (default: the dependency wait). */
  requeueAfterMs?: number;
}

/**
 * A level-based reconciler for one kind. It gets the object as the cache holds it now (never
 * the event that woke it), its spec as `parse` returned it, and must be idempotent. Failures
 * are thrown: an `OutcomeError`, an error the injected classifiers know, or anything else
 * (outcome `Error`, retried with backoff). `finalize` must tolerate `reconcile` never having run.
 */
export interface Reconciler<T extends KubeObject = KubeObject, S extends object = Record<string, unknown>> {
  reconcile(obj: T, ctx: ReconcileContext): Promise<ReconcileResult<S>>;
  finalize?(obj: T, ctx: ReconcileContext): Promise<FinalizeResult>;
}

/**
 * Wakes keys of the controller when an object of a kind it reads changes, status included (as
 * controller-runtime's Watches with a map function). The watching controller declares it; a
 * rule may watch the controller's own kind (a parent group waking its children).
 */
export interface WatchRule<W extends KubeObject = KubeObject> {
  kind: KindRef;
  /** The keys of the controller's kind to run for this changed (or deleted) object; `old` is the object before an update. */
  map(obj: W, cache: CacheReader, old?: W): ObjectKey[];
  /**
   * Run the keys this long after the first change instead of at once: changes arriving
   * meanwhile add no pass (a burst of members joining a group recounts it once).
   */
  coalesceMs?: number;
  /**
   * Run the keys no sooner than this long after their previous pass started. The first wake
   * after a quiet spell runs as usual; a key woken again and again (a binding whose hundred
   * subjects report one after another) runs once per spacing, each pass seeing every change
   * since the last, instead of once per change, each writing its status again.
   */
  spacingMs?: number;
}

/** Types a watch rule over objects of a known shape for a registration. */
export function watch<W extends KubeObject>(kind: KindRef, map: WatchRule<W>['map'], options: { coalesceMs?: number; spacingMs?: number } = {}): WatchRule {
  return { kind, map: map as WatchRule['map'], ...options };
}

/** One controller: a kind, its reconciler and how it is woken. */
export interface ControllerRegistration<T extends KubeObject = KubeObject, S extends object = Record<string, unknown>> {
  kind: ResourceKind;
  reconciler: Reconciler<T, S>;
  /** Finalizer name; required for `reconciler.finalize` to run (the four-case table). */
  finalizer?: string;
  /**
   * Validates the object before `reconcile` and returns the spec to reconcile (defaults
   * applied); a failure is Invalid (Ready reason InvalidSpec) with its message, and the
   * reconciler is not called. The object the reconciler gets carries the returned spec.
   */
  parse?(obj: T): { ok: true; spec: unknown } | { ok: false; message: string };
  /** Objects this one references by spec (e.g. Secrets): a change to one of them runs this key. */
  references?(obj: T): ObjectRef[];
  /** Kinds whose changes wake keys of this controller. */
  watches?: WatchRule[];
  /**
   * Secondary indexes over this controller's kind, by name (see `CacheReader.byIndex`): watch
   * rules and reconcilers look objects up through them instead of scanning the cache.
   */
  indexes?: Record<string, IndexFunction>;
  /** Concurrent reconciles of this kind (default: the manager's). */
  concurrency?: number;
  /**
   * Fits status fields to the kind's schema bounds before they are written (caps lists, cuts
   * texts), with conditions that say what was left out (none when nothing was). Must be pure
   * and idempotent: the fitted status is diffed against the stored one.
   */
  fitStatus?(status: Record<string, unknown>): { status: Record<string, unknown>; conditions: ConditionRequest[] };
}

/** Types a registration for the manager (whose registry holds registrations of every kind). */
export function defineController<T extends KubeObject, S extends object>(registration: ControllerRegistration<T, S>): ControllerRegistration {
  return registration as unknown as ControllerRegistration;
}
