import type { Logger } from 'pino';
import type { KubeObject } from '../kube/object.js';
import type { ResourceKind } from '../kube/resource-kind.js';
import type { ConditionRequest } from './conditions.js';
import type { EventRequest } from './events.js';
import type { ObjectKey } from './keys.js';
import type { CacheReader, KindRef } from './object-store.js';
import type { ObjectRef } from './references.js';

/** What a reconcile or cleanup gets besides the object. */
export interface ReconcileContext {
  /** The queue key, `namespace/name`. */
  readonly key: string;
  /** A child logger bound to kind, namespace and name. */
  readonly logger: Logger;
  /**
   * The informer caches. Every `get` through this reader is remembered as a dependency, found
   * or not: when that object appears, changes (status included) or goes, this key runs again.
   * `list` and `byIndex` record nothing (use `track` or a watch rule for those).
   */
  readonly cache: CacheReader;
  /** Declares a dependency: one object, or every object of the kind in a namespace (no name). */
  track(ref: ObjectRef): void;
  /**
   * Aborted when this replica loses the leader lease, or at shutdown past the drain timeout.
   * Once aborted, the Keycloak dispatcher refuses the pass's admin writes (PassStoppedError)
   * and the runtime writes no status for it.
   */
  readonly signal: AbortSignal;
}

/** What a successful reconcile returns; the runtime turns it into status (Ready=True), events and the next run. */
export interface ReconcileResult {
  /** The kind's own status fields, without conditions and observedGeneration; undefined keeps the stored ones. */
  status?: Record<string, unknown>;
  /** Conditions besides Ready; the stored ones of other types are dropped. */
  conditions?: ConditionRequest[];
  /** Events to record (once per object version: a retry does not record them twice). */
  events?: EventRequest[];
  /** Run again after this long, even if nothing changes (e.g. while waiting for something outside Kubernetes). */
  requeueAfterMs?: number;
  /** Message of Ready=True; default `Reconciled successfully`. */
  message?: string;
  /**
   * The pass wrote what it intends (its status records it) and a next pass completes the work:
   * Ready=False, reason `Progressing`, with this message, instead of Ready=True, so that Ready
   * keeps meaning "Keycloak holds what the spec says".
   */
  progressing?: string;
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
 * the event that woke it) and must be idempotent. Failures are thrown: an `OutcomeError`, an
 * error the injected classifiers know, an error with an `outcome` property, or anything else
 * (outcome `Error`, retried with backoff). `finalize` must tolerate `reconcile` never having run.
 */
export interface Reconciler<T extends KubeObject = KubeObject> {
  reconcile(obj: T, ctx: ReconcileContext): Promise<ReconcileResult>;
  finalize?(obj: T, ctx: ReconcileContext): Promise<FinalizeResult>;
}

/** A spec validation: the spec to reconcile (defaults applied), or a message naming the field. */
export type ParseResult = { ok: true; spec: unknown } | { ok: false; message: string };

/** Wakes keys of the controller when an object of another kind changes, status included. */
export interface WatchRule {
  kind: KindRef;
  /** The keys of the controller's kind to run for this changed (or deleted) object; `old` is the object before an update. */
  map(obj: KubeObject, cache: CacheReader, old?: KubeObject): ObjectKey[];
}

/** One controller: a kind, its reconciler and how it is woken. */
export interface ControllerRegistration<T extends KubeObject = KubeObject> {
  kind: ResourceKind;
  reconciler: Reconciler<T>;
  /** Finalizer name; required for `reconciler.finalize` to run (the four-case table). */
  finalizer?: string;
  /** Validates the object before `reconcile`; a failure is InvalidSpec with its message and the reconciler is not called. */
  parse?(obj: T): ParseResult;
  /** Objects this one references by spec (e.g. Secrets): a change to one of them runs this key. */
  references?(obj: T): ObjectRef[];
  /** Other kinds whose changes wake keys of this controller. */
  watches?: WatchRule[];
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
export function defineController<T extends KubeObject>(registration: ControllerRegistration<T>): ControllerRegistration {
  return registration as unknown as ControllerRegistration;
}
