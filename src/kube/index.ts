// The Kubernetes adapter's public surface: the client port, kinds, errors, kubeconfig loading.
export { KubeRestClient, type KubeClient } from './client.js';
export { KubeApiError, isConflict, isNotFound, isUnreachable } from './errors.js';
export { IN_CLUSTER_NAMESPACE_FILE, loadKubeConfig, podNamespace } from './kubeconfig.js';
export { statusOf, type KubeList, type KubeObject, type ObjectMeta } from './object.js';
export {
  ConfigMapKind, EventKind, LeaseKind, SecretKind, apiVersionOf, collectionPath, kindId, objectPath, type ResourceKind,
} from './resource-kind.js';
export { readConfigMapKey, readSecretKey, type SecretValue } from './secrets.js';
