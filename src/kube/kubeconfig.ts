import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** Where the service account's namespace is mounted in a pod. */
export const IN_CLUSTER_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/**
 * Loads the kubeconfig like controller-runtime does: an explicit file (the `--kubeconfig` flag or
 * `KUBECONFIG`, a list joined with the path delimiter is merged), else in-cluster when
 * `KUBERNETES_SERVICE_HOST` is set, else `~/.kube/config`. Never `loadFromDefault()`, whose last
 * resort is a silent `http://localhost:8080`: with nothing to load this throws instead.
 */
export function loadKubeConfig(kubeconfig: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  const files = (kubeconfig ?? '').split(delimiter).filter((f) => f !== '');
  if (files.length > 0) {
    loadFiles(kc, files);
  } else if (env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    const home = join(homedir(), '.kube', 'config');
    if (!existsSync(home)) {
      throw new Error('no kubeconfig: pass --kubeconfig or set KUBECONFIG, or run in a cluster (KUBERNETES_SERVICE_HOST)');
    }
    loadFiles(kc, [home]);
  }
  if (!kc.getCurrentCluster()) throw new Error('the kubeconfig has no current context with a cluster');
  return kc;
}

/** The namespace this process runs in: `POD_NAMESPACE`, else the in-cluster namespace file, else undefined. */
export function podNamespace(env: NodeJS.ProcessEnv = process.env, file = IN_CLUSTER_NAMESPACE_FILE): string | undefined {
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function loadFiles(kc: KubeConfig, files: string[]): void {
  const [first, ...rest] = files;
  try {
    kc.loadFromFile(first);
    for (const file of rest) {
      const other = new KubeConfig();
      other.loadFromFile(file);
      kc.mergeConfig(other, true);
    }
  } catch (cause) {
    throw new Error(`cannot load kubeconfig ${files.join(delimiter)}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
