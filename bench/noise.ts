import pLimit from 'p-limit';
import { uniqueName } from '../test/env/test-env.js';
import type { BenchCluster } from './cluster.js';

/**
 * Creates `count` unrelated objects, half Secrets and half ConfigMaps (1 KiB of data each),
 * spread over 4 namespaces of their own, so the operator's cluster-wide Secret and ConfigMap
 * caches hold what a real cluster gives them. 16 creates in flight. Returns the namespaces.
 */
export async function createNoise(cluster: BenchCluster, count: number): Promise<string[]> {
  const namespaces = Array.from({ length: 4 }, () => uniqueName('bench-noise'));
  for (const name of namespaces) await cluster.core.createNamespace({ body: { metadata: { name } } });
  const limit = pLimit(16);
  const value = 'x'.repeat(1024);
  await Promise.all(Array.from({ length: count }, (_, i) => limit(async () => {
    const namespace = namespaces[i % namespaces.length] ?? '';
    const metadata = { name: `noise-${i}`, labels: { app: 'unrelated' } };
    if (i % 2 === 0) await cluster.core.createNamespacedSecret({ namespace, body: { metadata, stringData: { value } } });
    else await cluster.core.createNamespacedConfigMap({ namespace, body: { metadata, data: { value } } });
  })));
  return namespaces;
}

/** Deletes the noise objects, then their namespaces (no namespace controller runs here to empty them). */
export async function deleteNoise(cluster: BenchCluster, namespaces: string[]): Promise<void> {
  for (const namespace of namespaces) {
    await cluster.core.deleteCollectionNamespacedSecret({ namespace });
    await cluster.core.deleteCollectionNamespacedConfigMap({ namespace });
  }
  if (namespaces.length > 0) cluster.kubectl(['delete', 'namespace', ...namespaces, '--wait=false', '--ignore-not-found']);
}

/** Namespaces other than `ours` that hold Dash objects: a cluster-wide bench operator would reconcile them too. */
export function foreignDashNamespaces(cluster: BenchCluster, ours: string[]): string[] {
  const out = cluster.kubectl(['get', 'dashrealms,dashgroups,dashusers,dashrolebindings', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}{"\\n"}{end}']);
  return [...new Set(out.split('\n').filter((n) => n !== '' && !ours.includes(n)))].sort();
}
