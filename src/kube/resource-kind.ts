/** A kind of Kubernetes object the runtime can list, watch, read and write, named as the API server serves it. */
export interface ResourceKind {
  /** API group; `''` for the core group (Secrets, ConfigMaps). */
  readonly group: string;
  readonly version: string;
  /** Resource name in URLs, e.g. `widgets`. */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /**
   * Cache only metadata: lists and watches ask the API server for PartialObjectMetadata, and the
   * informer keeps the fields of `partialMetadata`. Reads of the content go to the API server.
   */
  readonly metadataOnly?: boolean;
}

/** Core Secrets (watched, as metadata only, so that a Secret change reaches the objects that reference it). */
export const SecretKind = { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true } as const satisfies ResourceKind;

/** Core ConfigMaps (CA bundles may come from one). */
export const ConfigMapKind = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true } as const satisfies ResourceKind;

/** Leader election Leases. */
export const LeaseKind = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true } as const satisfies ResourceKind;

/** events.k8s.io/v1 Events (the core v1 Event API is the legacy one). */
export const EventKind = { group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', namespaced: true } as const satisfies ResourceKind;

/** `apiVersion` of a kind: `v1` for the core group, else `group/version`. */
export function apiVersionOf(kind: ResourceKind): string {
  return kind.group === '' ? kind.version : `${kind.group}/${kind.version}`;
}

/** A stable identifier of a kind (`plural.group/version`), used as a map key. */
export function kindId(kind: ResourceKind): string {
  return `${kind.plural}.${kind.group}/${kind.version}`;
}

/**
 * The URL path of a collection: all namespaces when `namespace` is undefined (or the kind is
 * cluster-scoped), else one namespace.
 */
export function collectionPath(kind: ResourceKind, namespace?: string): string {
  const root = kind.group === '' ? `/api/${kind.version}` : `/apis/${kind.group}/${kind.version}`;
  if (!kind.namespaced || namespace === undefined) return `${root}/${kind.plural}`;
  return `${root}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`;
}

/** The URL path of one object, optionally of a subresource such as `status`. */
export function objectPath(kind: ResourceKind, namespace: string | undefined, name: string, subresource?: string): string {
  if (kind.namespaced && !namespace) throw new Error(`${kind.kind} ${name}: a namespaced kind needs a namespace`);
  const base = `${collectionPath(kind, kind.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
  return subresource ? `${base}/${subresource}` : base;
}
