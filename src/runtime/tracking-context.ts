import type { Logger } from 'pino';
import type { KubeObject } from '../kube/object.js';
import { kindId, type ResourceKind } from '../kube/resource-kind.js';
import { parseKey } from './keys.js';
import type { CacheReader, KindRef } from './object-store.js';
import type { ReconcileContext } from './reconciler.js';
import type { ObjectRef } from './references.js';

/**
 * The context of one pass. Its cache reader records every `get` (found or not) as a dependency
 * in `reads`, so that a reconcile waiting for an object that does not exist yet is woken
 * when it appears. Reads of the object itself are not recorded (its own status writes must
 * not wake it).
 */
export class TrackingContext implements ReconcileContext {
  readonly reads: ObjectRef[] = [];
  readonly cache: CacheReader;
  readonly #own: { id: string; namespace: string; name: string };

  constructor(
    base: CacheReader, kind: ResourceKind, readonly key: string, readonly logger: Logger, readonly signal: AbortSignal,
    readonly wokenBy: ReadonlySet<string> = new Set(),
  ) {
    this.#own = { id: kindId(kind), ...parseKey(key) };
    const track = (ref: ObjectRef) => this.track(ref);
    this.cache = {
      get<T extends KubeObject = KubeObject>(kindRef: KindRef, namespace: string | undefined, name: string): T | undefined {
        track({ kind: base.resolve(kindRef), namespace: namespace ?? '', name });
        return base.get<T>(kindRef, namespace, name);
      },
      list: <T extends KubeObject = KubeObject>(kindRef: KindRef, namespace?: string) => base.list<T>(kindRef, namespace),
      byIndex: <T extends KubeObject = KubeObject>(kindRef: KindRef, index: string, value: string) => base.byIndex<T>(kindRef, index, value),
      resolve: (kindRef: KindRef) => base.resolve(kindRef),
    };
  }

  track(ref: ObjectRef): void {
    const own = this.#own;
    if (kindId(ref.kind) === own.id && ref.namespace === own.namespace && ref.name === own.name) return;
    this.reads.push(ref);
  }
}
