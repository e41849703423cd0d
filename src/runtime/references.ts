import { kindId, type ResourceKind } from '../kube/resource-kind.js';

/** An object (or, without `name`, every object of a kind in a namespace) that another object depends on. */
export interface ObjectRef {
  kind: ResourceKind;
  namespace: string;
  name?: string;
}

/** Who holds references: one key of one controller. */
export interface Owner {
  /** The controller's id (its kind's `kindId`). */
  readonly controller: string;
  /** The queue key, `namespace/name`. */
  readonly key: string;
}

/** Where a reference was declared: derived from the spec, or recorded while a reconcile read the cache. */
export type ReferenceSource = 'spec' | 'reads';

// Map keys of composite identities: an encoding that cannot collide, and is never parsed back.
const idOf = (...parts: string[]): string => JSON.stringify(parts);
const refId = (ref: ObjectRef): string => idOf(kindId(ref.kind), ref.namespace, ref.name ?? '*');
const slotId = (owner: Owner, source: ReferenceSource): string => idOf(source, owner.controller, owner.key);

interface Slot {
  owner: Owner;
  refs: Set<string>;
}

/**
 * Who depends on what: owners declare the objects they reference, and a change to a
 * referenced object asks for its owners. Declaring replaces the owner's earlier references
 * from the same source, so stale references disappear.
 */
export class ReferenceIndex {
  readonly #slots = new Map<string, Slot>();
  /** ref id -> slot ids */
  readonly #byRef = new Map<string, Set<string>>();

  /** Replaces what `owner` references from `source`. */
  set(owner: Owner, source: ReferenceSource, refs: Iterable<ObjectRef>): void {
    const slot = slotId(owner, source);
    this.#drop(slot);
    const ids = new Set([...refs].map(refId));
    if (ids.size === 0) return;
    this.#slots.set(slot, { owner, refs: ids });
    for (const id of ids) {
      let slots = this.#byRef.get(id);
      if (!slots) this.#byRef.set(id, (slots = new Set()));
      slots.add(slot);
    }
  }

  /** Forgets everything `owner` referenced (the owner is gone). */
  clear(owner: Owner): void {
    this.#drop(slotId(owner, 'spec'));
    this.#drop(slotId(owner, 'reads'));
  }

  /** The owners that reference this object exactly or its whole namespace. */
  ownersOf(kind: ResourceKind, namespace: string, name: string): Owner[] {
    const slots = [...(this.#byRef.get(refId({ kind, namespace, name })) ?? []), ...(this.#byRef.get(refId({ kind, namespace })) ?? [])];
    const owners = new Map<string, Owner>();
    for (const slot of slots) {
      const owner = this.#slots.get(slot)?.owner;
      if (owner) owners.set(idOf(owner.controller, owner.key), owner);
    }
    return [...owners.values()];
  }

  /** How many owners hold references (for tests and metrics). */
  get size(): number {
    return new Set([...this.#slots.values()].map(({ owner }) => idOf(owner.controller, owner.key))).size;
  }

  #drop(slot: string): void {
    const found = this.#slots.get(slot);
    if (!found) return;
    this.#slots.delete(slot);
    for (const id of found.refs) {
      const slots = this.#byRef.get(id);
      slots?.delete(slot);
      if (slots?.size === 0) this.#byRef.delete(id);
    }
  }
}
