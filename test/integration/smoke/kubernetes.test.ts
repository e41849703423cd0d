import { execFileSync } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import { serviceAccountKubeconfig } from '../../env/service-account.js';
import { loadTestEnv, uniqueName } from '../../env/test-env.js';

const env = loadTestEnv();
const kc = new k8s.KubeConfig();
kc.loadFromFile(env.KUBECONFIG);
const core = kc.makeApiClient(k8s.CoreV1Api);
const kubectl = (...args: string[]) => execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args], { encoding: 'utf8' });

const group = 'smoke.dashops.dev';
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: { name: `gadgets.${group}` },
  spec: {
    group, scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
    versions: [{
      name: 'v1', served: true, storage: true,
      schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
    }],
  },
};

describe('the real kube-apiserver', () => {
  let namespace: string;
  beforeAll(async () => {
    namespace = uniqueName('smoke');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  it('reports the pinned version on /version', async () => {
    const info = await kc.makeApiClient(k8s.VersionApi).getCode();
    expect(info.gitVersion).toBe(env.KUBERNETES_VERSION);
  });

  it('establishes a CRD whose objects can be created, listed and watched', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    await ext.deleteCustomResourceDefinition({ name: crd.metadata.name }).catch(() => undefined);
    await waitUntil(async () => !(await ext.listCustomResourceDefinition()).items.some((c) => c.metadata?.name === crd.metadata.name));
    await ext.createCustomResourceDefinition({ body: crd });
    await waitUntil(async () => {
      const got = await ext.readCustomResourceDefinition({ name: crd.metadata.name });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    });

    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const gadgets = { group, version: 'v1', namespace, plural: 'gadgets' };
    // Right after Established the new resource may still answer 429 for a moment.
    await waitUntil(() => custom.listNamespacedCustomObject(gadgets).then(() => true, () => false));
    const seen: string[] = [];
    const req = await new k8s.Watch(kc).watch(`/apis/${group}/v1/namespaces/${namespace}/gadgets`, {},
      (type, obj: { metadata: { name: string } }) => seen.push(`${type} ${obj.metadata.name}`), () => undefined);
    await custom.createNamespacedCustomObject({
      ...gadgets, body: { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'g1' }, spec: { size: 3 } },
    });
    const list = await custom.listNamespacedCustomObject(gadgets) as { items: { spec: { size: number } }[] };
    expect(list.items.map((i) => i.spec.size)).toEqual([3]);
    await waitUntil(async () => seen.includes('ADDED g1'));
    req.abort();
  });

  it('answers 403 to a ServiceAccount token that lacks a permission', async () => {
    kubectl('create', 'serviceaccount', 'nobody', '-n', namespace);
    const saKc = new k8s.KubeConfig();
    saKc.loadFromFile(serviceAccountKubeconfig(namespace, 'nobody'));
    const saCore = saKc.makeApiClient(k8s.CoreV1Api);
    const err = await saCore.listNamespacedSecret({ namespace }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(k8s.ApiException);
    expect((err as k8s.ApiException<unknown>).code).toBe(403);
    // The same request with the admin certificate succeeds: the 403 is RBAC, not a broken token.
    await expect(core.listNamespacedSecret({ namespace })).resolves.toBeDefined();
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}
