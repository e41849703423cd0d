/** The metadata fields the operator reads, as the API server sends them (timestamps are strings). */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
}

/**
 * Any Kubernetes object as plain JSON. Deliberately minimal so that every typed resource
 * (a DashGroup, a Secret) is assignable to it; kind-specific fields are read where they are known.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

/** A list answer: the items and the resourceVersion a watch resumes from. */
export interface KubeList<T extends KubeObject = KubeObject> {
  items: T[];
  resourceVersion: string;
}

/** The `status` of an object as a plain record (empty when absent or not an object). */
export function statusOf(obj: KubeObject): Record<string, unknown> {
  const status = (obj as { status?: unknown }).status;
  return typeof status === 'object' && status !== null && !Array.isArray(status) ? (status as Record<string, unknown>) : {};
}
