import type { KubeObject } from '../kube/object.js';

/** Where an object lives: namespace (`''` for cluster-scoped objects) and name. */
export interface ObjectKey {
  namespace: string;
  name: string;
}

/** Where `obj` lives. */
export function objectKey(obj: KubeObject): ObjectKey {
  return { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
}

/** The work-queue key of an object: `namespace/name`, or `name` when cluster-scoped. */
export function queueKey(obj: KubeObject): string {
  return formatKey(objectKey(obj));
}

/** `{namespace, name}` -> `namespace/name` (or `name`). */
export function formatKey(key: ObjectKey): string {
  return key.namespace ? `${key.namespace}/${key.name}` : key.name;
}

/** The inverse of `formatKey` (names cannot contain `/`, so the split is unambiguous). */
export function parseKey(key: string): ObjectKey {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
