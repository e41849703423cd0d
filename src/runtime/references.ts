import { kindId, type ResourceKind } from '../kube/resource-kind.js';

/** An object (or, without `name`, every object of a kind in a namespace) that another object depends on. */
export interface ObjectRef {
  kind: ResourceKind;
  namespace: string;
  name?: string;
}

/** Where a reference was declared: derived from the spec, or recorded while a reconcile read the cache. */
export type ReferenceSource = 'spec' | 'reads';

/** The index key of a reference (exact object or whole namespace). */
export function refId(ref: ObjectRef): string {
  return `${kindId(ref.kind)}\u0000${ref.namespace}\u0000${ref.name ?? '*'}`;
}

/**
 * Who depends on what: owners (a controller's key, as an opaque string) declare the objects they
 * reference, and a change to a referenced object asks for its owners. Declaring replaces the
 * owner's earlier references from the same source, so stale references disappear.
 */
export class ReferenceIndex {
  readonly #byOwner = new Map<string, Set<string>>();
  readonly #byRef = new Map<string, Set<string>>();

  /** Replaces what `owner` references from `source`. */
  set(owner: string, source: ReferenceSource, refs: Iterable<ObjectRef>): void {
    const slot = `${source}\u0000${owner}`;
    this.#drop(slot);
    const ids = new Set([...refs].map(refId));
    if (ids.size === 0) return;
    this.#byOwner.set(slot, ids);
    for (const id of ids) {
      let owners = this.#byRef.get(id);
      if (!owners) this.#byRef.set(id, (owners = new Set()));
      owners.add(slot);
    }
  }

  /** Forgets everything `owner` referenced (the owner is gone). */
  clear(owner: string): void {
    this.#drop(`spec\u0000${owner}`);
    this.#drop(`reads\u0000${owner}`);
  }

  /** The owners that reference this object exactly or its whole namespace. */
  ownersOf(kind: ResourceKind, namespace: string, name: string): string[] {
    const slots = [
      ...(this.#byRef.get(refId({ kind, namespace, name })) ?? []),
      ...(this.#byRef.get(refId({ kind, namespace })) ?? []),
    ];
    return [...new Set(slots.map((slot) => slot.slice(slot.indexOf('\u0000') + 1)))];
  }

  /** How many owners hold references (for tests and metrics). */
  get size(): number {
    return new Set([...this.#byOwner.keys()].map((slot) => slot.slice(slot.indexOf('\u0000') + 1))).size;
  }

  #drop(slot: string): void {
    const ids = this.#byOwner.get(slot);
    if (!ids) return;
    this.#byOwner.delete(slot);
    for (const id of ids) {
      const owners = this.#byRef.get(id);
      owners?.delete(slot);
      if (owners?.size === 0) this.#byRef.delete(id);
    }
  }
}
