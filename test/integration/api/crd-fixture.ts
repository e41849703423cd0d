import * as k8s from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, KIND_NAMES, KINDS, type Kind } from '../../../src/api/index.js';
import { loadTestEnv, uniqueName, type TestEnv } from '../../env/test-env.js';
import { installCrds } from './install-crds.js';

/** What `useCrds` gives a test file: the test environment and clients of its API server. */
export interface CrdFixture {
  env: TestEnv;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  custom: k8s.CustomObjectsApi;
}

/** What `useCrdNamespace` gives besides: the namespace and where a kind's objects live in it. */
export interface CrdNamespaceFixture extends CrdFixture {
  namespace: string;
  /** The custom-objects API coordinates of `kind` in the namespace. */
  target(kind: Kind): { group: string; version: string; namespace: string; plural: string };
}

/** Registers a beforeAll that installs the CRDs from crds/ (see `installCrds`). */
export function useCrds(): CrdFixture {
  const env = loadTestEnv();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(env.KUBECONFIG);
  beforeAll(async () => {
    await installCrds(kc);
  });
  return { env, kc, core: kc.makeApiClient(k8s.CoreV1Api), custom: kc.makeApiClient(k8s.CustomObjectsApi) };
}

/**
 * `useCrds`, then a fresh namespace `<prefix>-…` created in the same beforeAll and deleted in
 * afterAll. With `purge`, afterAll first deletes every Dash object in it and then releases the
 * namespace's finalizer itself (no namespace controller runs in the test environment), and a
 * failure of either fails the file; without, the namespace is deleted and a failure ignored.
 */
export function useCrdNamespace(prefix: string, options: { purge?: boolean } = {}): CrdNamespaceFixture {
  const fixture = useCrds();
  const { core, custom } = fixture;
  const namespace = uniqueName(prefix);
  const target = (kind: Kind) => ({ group: API_GROUP, version: API_VERSION, namespace, plural: KINDS[kind].plural });
  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    if (!options.purge) {
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
      return;
    }
    for (const kind of KIND_NAMES) await custom.deleteCollectionNamespacedCustomObject(target(kind));
    await core.deleteNamespace({ name: namespace });
    await core.replaceNamespaceFinalize({ name: namespace, body: { metadata: { name: namespace }, spec: { finalizers: [] } } });
  });
  return { ...fixture, namespace, target };
}
