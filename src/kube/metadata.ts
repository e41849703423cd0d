import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, ObjectMeta } from './object.js';
import type { ResourceKind } from './resource-kind.js';

/** The Accept header of a list answered with PartialObjectMetadataList (what client-go's metadata client sends, without a fallback). */
export const PARTIAL_METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/** The Accept header of a watch whose events carry PartialObjectMetadata. */
export const PARTIAL_METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/** `kind`, cached as metadata only (see `ResourceKind.metadataOnly`); same identity (`kindId`) as `kind`. */
export function metadataOnly<K extends ResourceKind>(kind: K): K & { readonly metadataOnly: true } {
  return { ...kind, metadataOnly: true };
}

// Annotations are left out: kubectl's last-applied-configuration copies the whole object,
// Secret data included, into one. managedFields are left out for memory.
const KEPT: readonly (keyof ObjectMeta | 'ownerReferences')[] = [
  'name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'labels', 'finalizers', 'ownerReferences',
];

/**
 * What the cache keeps of an object of a metadata-only kind: apiVersion, kind and the metadata
 * fields a dependency needs (identity, resourceVersion, labels, finalizers, owners). Never
 * content, never annotations, never managedFields, whatever the server sent.
 */
export function partialMetadata(obj: KubeObject): KubeObject {
  const source = obj.metadata as unknown as Record<string, unknown>;
  const metadata: Record<string, unknown> = {};
  for (const field of KEPT) if (source[field] !== undefined) metadata[field] = source[field];
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: metadata as unknown as ObjectMeta };
}

/**
 * A client-node `Watch` for `kind`: for a metadata-only kind its requests ask for
 * PartialObjectMetadata and the objects of its events go through `partialMetadata` before
 * anyone (ListWatch's own map included) holds them. ERROR and BOOKMARK events pass unchanged.
 */
export function watchFor(kubeConfig: KubeConfig, kind: ResourceKind): Watch {
  return kind.metadataOnly ? new MetadataWatch(kubeConfig) : new Watch(kubeConfig);
}

class MetadataWatch extends Watch {
  constructor(kubeConfig: KubeConfig) {
    super(withAccept(kubeConfig, PARTIAL_METADATA_ACCEPT));
  }

  override watch(...[path, query, callback, done]: Parameters<Watch['watch']>): ReturnType<Watch['watch']> {
    return super.watch(path, query, (phase, obj, raw) => {
      const strip = (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') && isObject(obj);
      callback(phase, strip ? partialMetadata(obj as KubeObject) : obj, raw);
    }, done);
  }
}

// Watch builds its request internally; the only hook before it is sent is the config's
// authentication step, so the header goes in there. Everything else is the caller's config.
function withAccept(kubeConfig: KubeConfig, accept: string): KubeConfig {
  const config = Object.create(kubeConfig) as KubeConfig;
  config.applySecurityAuthentication = async (ctx) => {
    await kubeConfig.applySecurityAuthentication(ctx);
    ctx.setHeaderParam('Accept', accept);
  };
  return config;
}

function isObject(obj: unknown): obj is { metadata: object } {
  return typeof obj === 'object' && obj !== null && typeof (obj as { metadata?: unknown }).metadata === 'object';
}
