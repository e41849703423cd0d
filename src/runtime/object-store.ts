import type { KubeObject } from '../kube/object.js';
import { kindId, type ResourceKind } from '../kube/resource-kind.js';
import { formatKey } from './keys.js';

/** A kind, given as a `ResourceKind` or by its `kind` name (e.g. `'DashGroup'`) when that is unambiguous among the watched kinds. */
export type KindRef = ResourceKind | string;

/** Read access to the informer caches. Objects are shared with the cache: never mutate them. */
export interface CacheReader {
  /** One object, or undefined when the cache does not hold it. */
  get<T extends KubeObject = KubeObject>(kind: KindRef, namespace: string | undefined, name: string): T | undefined;
  /** Every cached object of a kind, in one namespace or in all. */
  list<T extends KubeObject = KubeObject>(kind: KindRef, namespace?: string): T[];
  /** Objects whose index function returned `value` (see `ObjectStore.addIndex`). */
  byIndex<T extends KubeObject = KubeObject>(kind: KindRef, index: string, value: string): T[];
  /** The watched kind `ref` names; throws when it is not watched or a name is ambiguous. */
  resolve(ref: KindRef): ResourceKind;
}

/** A change in the cache; `old` is the object it replaced (update) or removed (delete). */
export interface CacheEvent {
  type: 'add' | 'update' | 'delete';
  kind: ResourceKind;
  obj: KubeObject;
  old?: KubeObject;
}

/** Values an object is indexed under, e.g. `['ns/groupA', 'ns/groupB']` for the groups a user references. */
export type IndexFunction = (obj: KubeObject) => string[];

interface KindStore {
  kind: ResourceKind;
  /** namespace -> name -> object */
  objects: Map<string, Map<string, KubeObject>>;
  indexes: Map<string, { fn: IndexFunction; values: Map<string, Set<string>> }>;
}

/**
 * The objects the informers delivered, per kind, with secondary indexes. It is fed by
 * `apply` (one call per informer callback) and tells its listeners each change with the
 * replaced object, which client-node's informer does not give.
 */
export class ObjectStore implements CacheReader {
  readonly #kinds = new Map<string, KindStore>();
  readonly #listeners: ((event: CacheEvent) => void)[] = [];

  /** Makes `kind` known (idempotent); reads of an unknown kind throw, and so does adding it again with another `metadataOnly`. */
  addKind(kind: ResourceKind): void {
    const known = this.#kinds.get(kindId(kind))?.kind;
    if (!known) this.#kinds.set(kindId(kind), { kind, objects: new Map(), indexes: new Map() });
    else if (Boolean(known.metadataOnly) !== Boolean(kind.metadataOnly)) {
      throw new Error(`${kind.kind} is cached ${known.metadataOnly ? 'as metadata only' : 'in full'} already: pass the same ResourceKind everywhere`);
    }
  }

  /** The known kinds. */
  kinds(): ResourceKind[] {
    return [...this.#kinds.values()].map((k) => k.kind);
  }

  /** Adds a secondary index over `kind`; values should include the namespace when they name namespaced objects. */
  addIndex(kind: KindRef, name: string, fn: IndexFunction): void {
    const store = this.#store(kind);
    const values = new Map<string, Set<string>>();
    store.indexes.set(name, { fn, values });
    for (const obj of this.#all(store)) for (const value of fn(obj)) addTo(values, value, formatKeyOf(obj));
  }

  /** Calls `listener` after every change (synchronously, so it must not block). */
  onChange(listener: (event: CacheEvent) => void): void {
    this.#listeners.push(listener);
  }

  /** Applies one informer callback and notifies the listeners. */
  apply(type: 'add' | 'update' | 'delete', kind: ResourceKind, obj: KubeObject): void {
    const store = this.#store(kind);
    const namespace = obj.metadata.namespace ?? '';
    let names = store.objects.get(namespace);
    const old = names?.get(obj.metadata.name);
    if (old) this.#unindex(store, old);
    if (type === 'delete') {
      names?.delete(obj.metadata.name);
      if (names?.size === 0) store.objects.delete(namespace);
    } else {
      if (!names) store.objects.set(namespace, (names = new Map()));
      names.set(obj.metadata.name, obj);
      for (const [, index] of store.indexes) for (const value of index.fn(obj)) addTo(index.values, value, formatKeyOf(obj));
    }
    // An informer re-list reports an object it already had as added; tell it as the update it is.
    const event: CacheEvent = { type: type === 'add' && old ? 'update' : type, kind, obj, old };
    for (const listener of this.#listeners) listener(event);
  }

  get<T extends KubeObject = KubeObject>(kind: KindRef, namespace: string | undefined, name: string): T | undefined {
    return this.#store(kind).objects.get(namespace ?? '')?.get(name) as T | undefined;
  }

  list<T extends KubeObject = KubeObject>(kind: KindRef, namespace?: string): T[] {
    const store = this.#store(kind);
    if (namespace === undefined) return this.#all(store) as T[];
    return [...(store.objects.get(namespace)?.values() ?? [])] as T[];
  }

  byIndex<T extends KubeObject = KubeObject>(kind: KindRef, index: string, value: string): T[] {
    const store = this.#store(kind);
    const found = store.indexes.get(index);
    if (!found) throw new Error(`${store.kind.kind} has no index ${index}`);
    return [...(found.values.get(value) ?? [])].flatMap((key) => {
      const slash = key.indexOf('/');
      const obj = slash < 0 ? this.get(kind, '', key) : this.get(kind, key.slice(0, slash), key.slice(slash + 1));
      return obj ? [obj as T] : [];
    });
  }

  resolve(ref: KindRef): ResourceKind {
    return this.#store(ref).kind;
  }

  #store(ref: KindRef): KindStore {
    if (typeof ref !== 'string') {
      const store = this.#kinds.get(kindId(ref));
      if (!store) throw new Error(`${ref.kind} is not watched: register a controller for it or add it to the manager's kinds`);
      return store;
    }
    const matches = [...this.#kinds.values()].filter((s) => s.kind.kind === ref || kindId(s.kind) === ref);
    if (matches.length === 1) return matches[0];
    throw new Error(matches.length === 0 ? `${ref} is not watched` : `${ref} is ambiguous: pass the ResourceKind`);
  }

  #all(store: KindStore): KubeObject[] {
    return [...store.objects.values()].flatMap((names) => [...names.values()]);
  }

  #unindex(store: KindStore, obj: KubeObject): void {
    for (const [, index] of store.indexes) {
      for (const value of index.fn(obj)) {
        const keys = index.values.get(value);
        keys?.delete(formatKeyOf(obj));
        if (keys?.size === 0) index.values.delete(value);
      }
    }
  }
}

function formatKeyOf(obj: KubeObject): string {
  return formatKey({ namespace: obj.metadata.namespace ?? '', name: obj.metadata.name });
}

function addTo(map: Map<string, Set<string>>, value: string, key: string): void {
  let keys = map.get(value);
  if (!keys) map.set(value, (keys = new Set()));
  keys.add(key);
}
