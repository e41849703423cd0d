// The Kubernetes adapter's public surface: the client port, kinds, errors, kubeconfig loading.
export { KubeRestClient, type DataKind, type DataSource, type KubeClient, type ObjectData } from './client.js';
export { KubeApiError, isConflict, isNotFound, isUnreachable } from './errors.js';
export {
  PARTIAL_METADATA_ACCEPT, PARTIAL_METADATA_LIST_ACCEPT, metadataOnly, partialMetadata, watchFor,
} from './metadata.js';
export { IN_CLUSTER_NAMESPACE_FILE, loadKubeConfig, podNamespace } from './kubeconfig.js';
export { statusOf, type KubeList, type KubeObject, type ObjectMeta } from './object.js';
export {
  ConfigMapKind, EventKind, LeaseKind, SecretKind, apiVersionOf, collectionPath, kindId, objectPath, type ResourceKind,
} from './resource-kind.js';
export { ReferencedDataReader, contentVersion, type DataReaderOptions, type ObjectGetter, type SecretValue } from './secrets.js';
