import { createHash } from 'node:crypto';
import type { DataKind, DataSource, ObjectData } from './client.js';
import type { KubeObject } from './object.js';
import { ConfigMapKind, SecretKind, kindId, type ResourceKind } from './resource-kind.js';

/** One key of a Secret, decoded, and a marker that changes whenever that value changes. */
export interface SecretValue {
  value: string;
  /** Opaque and safe to store in status: 32 hex chars of SHA-256 over the Secret's uid and the value, never the value. */
  version: string;
}

/** Anything that can get an object from a cache (a `CacheReader` or a reconcile's tracking one). */
export interface ObjectGetter {
  get<T extends KubeObject = KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string): T | undefined;
}

/** How long values stay without a read, and how many objects' values are kept at most. */
export interface DataReaderOptions {
  /** Default 15 min: longer than the default resync, so a value that every resync reads stays. */
  idleMs?: number;
  /** Default 1000 objects; the least recently read goes first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  uid: string;
  resourceVersion: string;
  /** Only the keys someone asked for; undefined for a key the object does not have. */
  values: Map<string, string | undefined>;
  readAt: number;
}

/**
 * Reads single keys of Secrets and ConfigMaps that the informer cache knows only by metadata.
 * The object is looked up in `cache` first: through a reconcile's tracking cache that makes it a
 * dependency (its next change runs the reader again), and an object the cache does not hold is
 * missing without a request. The value then comes from a GET, kept per object and
 * resourceVersion while it is read (replaced when the resourceVersion moves, dropped when unread
 * for `idleMs`); concurrent reads of one object at one resourceVersion share one GET.
 */
export class ReferencedDataReader {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<ObjectData | undefined>>();
  readonly #idleMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(private readonly source: DataSource, options: DataReaderOptions = {}) {
    this.#idleMs = options.idleMs ?? 15 * 60_000;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Key `key` of Secret `namespace/name`; undefined when the Secret or the key is missing. API server errors are thrown. */
  async readSecret(cache: ObjectGetter, namespace: string, name: string, key: string): Promise<SecretValue | undefined> {
    const read = await this.#read(SecretKind, cache, namespace, name, key);
    return read && { value: read.value, version: contentVersion(read.uid, read.value) };
  }

  /** Key `key` of ConfigMap `namespace/name`; undefined when the ConfigMap or the key is missing. */
  async readConfigMap(cache: ObjectGetter, namespace: string, name: string, key: string): Promise<string | undefined> {
    return (await this.#read(ConfigMapKind, cache, namespace, name, key))?.value;
  }

  /** How many objects' values are held (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  async #read(kind: DataKind, cache: ObjectGetter, namespace: string, name: string, key: string): Promise<{ value: string; uid: string } | undefined> {
    const id = `${kindId(kind)}\u0000${namespace}\u0000${name}`;
    const meta = cache.get(kind, namespace, name);
    if (!meta) {
      this.#entries.delete(id);
      this.#sweep();
      return undefined;
    }
    const resourceVersion = meta.metadata.resourceVersion ?? '';
    let entry = this.#entries.get(id);
    if (!entry || entry.resourceVersion !== resourceVersion || !entry.values.has(key)) {
      const data = await this.#fetch(kind, namespace, name, `${id}\u0000${resourceVersion}`);
      if (!data) return undefined;
      entry = this.#entries.get(id);
      if (!entry || entry.resourceVersion !== data.resourceVersion) {
        entry = { uid: data.uid, resourceVersion: data.resourceVersion, values: new Map(), readAt: 0 };
      }
      entry.values.set(key, data.data[key]);
    }
    // Re-inserting keeps the map ordered by last read, which `#sweep` relies on.
    entry.readAt = this.#now();
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    this.#sweep();
    const value = entry.values.get(key);
    return value === undefined ? undefined : { value, uid: entry.uid };
  }

  // Shared only by readers that saw the same resourceVersion: a GET started before a reader saw a
  // newer one could answer with older content, and its pass would miss the change.
  #fetch(kind: DataKind, namespace: string, name: string, slot: string): Promise<ObjectData | undefined> {
    let pending = this.#inflight.get(slot);
    if (!pending) {
      pending = this.source.readData(kind, namespace, name).finally(() => this.#inflight.delete(slot));
      this.#inflight.set(slot, pending);
    }
    return pending;
  }

  #sweep(): void {
    const oldest = this.#now() - this.#idleMs;
    for (const [id, entry] of this.#entries) {
      if (entry.readAt >= oldest && this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(id);
    }
  }
}

/**
 * The version marker of a Secret value: it moves only when the content does (a label or
 * annotation edit leaves it), and the uid salt keeps it from being a plain hash that a reader
 * of status could match against guessed passwords.
 */
export function contentVersion(uid: string, value: string): string {
  return createHash('sha256').update(`${uid}\u0000${value}`).digest('hex').slice(0, 32);
}
