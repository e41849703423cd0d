import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { KIND_NAMES, KINDS, API_GROUP, API_VERSION } from '../../../src/api/index.js';
import { loadTestEnv, repoRoot } from '../../env/test-env.js';

/**
 * Creates or updates the CRDs from crds/ and resolves once each is Established and its
 * resource answers a list. Server-side apply through kubectl: concurrent test files do not
 * conflict, and the CRD travels as written. (KubernetesObjectApi would not do: it serializes
 * through the typed V1CustomResourceDefinition model, which silently drops `enum`, `default`
 * and `x-kubernetes-validations` written under their JSON names.)
 */
export async function installCrds(kc: k8s.KubeConfig): Promise<void> {
  const env = loadTestEnv();
  execFileSync(env.KUBECTL, [
    '--kubeconfig', env.KUBECONFIG, 'apply', '--server-side', '--force-conflicts', '--field-manager=dko-tests', '-f', join(repoRoot, 'crds'),
  ], { encoding: 'utf8' });
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  for (const kind of KIND_NAMES) {
    const name = `${KINDS[kind].plural}.${API_GROUP}`;
    await waitUntil(`${name} Established`, async () => {
      const got = await ext.readCustomResourceDefinition({ name });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    });
    // Right after Established a new resource may still answer 404/429 for a moment.
    await waitUntil(`${name} served`, () => custom.listClusterCustomObject({ group: API_GROUP, version: API_VERSION, plural: KINDS[kind].plural }).then(() => true, () => false));
  }
  // kubectl resolves `get dash` (the category) from discovery, which it caches on disk and
  // which the API server publishes a moment after the CRDs are served; the `apply` above cached
  // discovery from before they existed. `api-resources` reads discovery afresh (and rewrites the
  // cache): wait until it lists the four kinds under the category.
  await waitUntil('the dash category in discovery', async () => {
    const listed = execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, 'api-resources', '--categories=dash', '-o', 'name'], { encoding: 'utf8' });
    return KIND_NAMES.every((kind) => listed.includes(`${KINDS[kind].plural}.${API_GROUP}`));
  });
  // An updated schema reaches the API server's validation through its own informer a moment
  // after the write, and a CRD has no observedGeneration to wait for: wait until the last
  // write to any of them (by this file or a concurrent one) is SETTLE_MS old.
  const age = Date.now() - lastWrite(await Promise.all(KIND_NAMES.map((kind) => ext.readCustomResourceDefinition({ name: `${KINDS[kind].plural}.${API_GROUP}` }))));
  if (age < SETTLE_MS) await new Promise((r) => setTimeout(r, SETTLE_MS - age));
}

// managedFields times have one-second precision.
const SETTLE_MS = 4000;

function lastWrite(crds: k8s.V1CustomResourceDefinition[]): number {
  const times = crds.flatMap((crd) => crd.metadata?.managedFields ?? []).filter((f) => f.subresource !== 'status').map((f) => (f.time ? new Date(f.time).getTime() : 0));
  return Math.max(0, ...times);
}

/** Polls `check` every 200 ms until it holds, or fails naming `what`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
