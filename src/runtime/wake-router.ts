import type { Logger } from 'pino';
import type { KubeObject } from '../kube/object.js';
import { kindId } from '../kube/resource-kind.js';
import type { Controller } from './controller.js';
import { formatKey, queueKey } from './keys.js';
import type { CacheEvent, CacheReader } from './object-store.js';
import type { ObjectKey } from './keys.js';
import type { ControllerRegistration, WatchRule } from './reconciler.js';
import type { ReferenceIndex } from './references.js';
import { canonical } from './status.js';

/**
 * True when an update changed nothing a reconcile reacts to: same generation (spec),
 * deletionTimestamp, labels, annotations and finalizers. That is a status write (usually our
 * own), which must not run the object again, or every reconcile would trigger the next.
 */
export function isStatusOnlyChange(old: KubeObject, obj: KubeObject): boolean {
  const a = old.metadata;
  const b = obj.metadata;
  return a.generation === b.generation
    && a.deletionTimestamp === b.deletionTimestamp
    && canonical(a.labels ?? {}) === canonical(b.labels ?? {})
    && canonical(a.annotations ?? {}) === canonical(b.annotations ?? {})
    && canonical(a.finalizers ?? []) === canonical(b.finalizers ?? []);
}

/**
 * Whether an update edits an existing object (a new generation, or its deletion): what the work
 * queue hands out first. Not a creation, nor a finalizer or label change: thousands of objects
 * applied at once would then starve the wakes that let them proceed (in the 5,000-user bench,
 * new users waiting for their groups' Ready wakes behind the next users kubectl created).
 */
function isEdit(old: KubeObject, obj: KubeObject): boolean {
  return old.metadata.generation !== obj.metadata.generation || (!old.metadata.deletionTimestamp && !!obj.metadata.deletionTimestamp);
}

interface Route {
  controller: Controller;
  registration: ControllerRegistration;
}

/**
 * Routes cache changes to the keys they wake: an object's own controller (unless the change
 * is status only), controllers whose watch rules map it to their keys, and the owners that
 * referenced it (a Secret their spec names, an object a pass read). Watchers see every
 * change, status included: a dependency becoming Ready is a status change.
 */
export class WakeRouter {
  readonly #routes: Route[] = [];
  readonly #byId = new Map<string, Controller>();

  constructor(private readonly cache: CacheReader, private readonly references: ReferenceIndex, private readonly logger: Logger) {}

  /** Adds a controller to route to. */
  add(controller: Controller, registration: ControllerRegistration): void {
    this.#routes.push({ controller, registration });
    this.#byId.set(controller.id, controller);
  }

  /** Queues the work one cache change calls for. */
  handle(event: CacheEvent): void {
    const { kind, obj } = event;
    const id = kindId(kind);
    for (const { controller, registration } of this.#routes) {
      if (controller.id === id && !(event.type === 'update' && event.old && isStatusOnlyChange(event.old, obj))) {
        if (event.type === 'update' && event.old && isEdit(event.old, obj)) controller.enqueueUrgent(queueKey(obj));
        else controller.enqueue(queueKey(obj));
      }
      for (const rule of registration.watches ?? []) {
        if (kindId(this.cache.resolve(rule.kind)) !== id) continue;
        for (const key of this.#map(rule, obj, event.type === 'update' ? event.old : undefined)) controller.enqueue(formatKey(key), rule.coalesceMs, undefined, rule.spacingMs);
      }
    }
    for (const owner of this.references.ownersOf(kind, obj.metadata.namespace ?? '', obj.metadata.name)) {
      this.#byId.get(owner.controller)?.enqueue(owner.key);
    }
  }

  // This runs inside the informer's callback: a throwing rule must not break the watch.
  #map(rule: WatchRule, obj: KubeObject, old: KubeObject | undefined): ObjectKey[] {
    try {
      return rule.map(obj, this.cache, old);
    } catch (err) {
      this.logger.error({ err, kind: obj.kind, name: obj.metadata.name }, 'watch rule failed; no key woken');
      return [];
    }
  }
}
