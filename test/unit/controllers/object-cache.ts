import type { DashResource, Kind } from '../../../src/api/index.js';
import type { ResourceCache } from '../../../src/controllers/context.js';
import { controllers, type ControllerOptions } from '../../../src/controllers/index.js';
import { resourceCache } from '../../../src/controllers/kinds.js';
import { ObjectStore } from '../../../src/runtime/object-store.js';
import type { ControllerRegistration } from '../../../src/runtime/reconciler.js';

/** Objects of our kinds, by kind (each object's own `kind` field may be left out). */
export type ObjectsByKind = Partial<{ [K in Kind]: readonly DashResource<K>[] }>;

/** The four production registrations (watch rules, indexes); building them touches none of the options. */
export const registrations = (): ControllerRegistration[] => controllers({} as ControllerOptions);

/** A runtime ObjectStore holding `objects` (by kind, or a list of objects that carry their kind), with the production registrations' kinds and indexes. */
export function objectStore(objects: ObjectsByKind | readonly DashResource<Kind>[] = {}): ObjectStore {
  const store = new ObjectStore();
  for (const registration of registrations()) {
    store.addKind(registration.kind);
    for (const [name, fn] of Object.entries(registration.indexes ?? {})) store.addIndex(registration.kind, name, fn);
  }
  const entries = Array.isArray(objects)
    ? objects.map((obj) => [obj.kind, [obj]] as const)
    : Object.entries(objects) as [Kind, DashResource<Kind>[]][];
  for (const [kind, list] of entries) {
    for (const obj of list) store.apply('add', store.resolve(kind), { ...obj, kind });
  }
  return store;
}

/** A controller's typed cache over `objects`, looked up as in production (same indexes). */
export const objectCache = (objects: ObjectsByKind | readonly DashResource<Kind>[] = {}): ResourceCache => resourceCache(objectStore(objects));
