import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (two levels above this file). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `npm run env:up` writes its run state (git-ignored). */
export const testenvDir = process.env.DKO_TESTENV_DIR ?? join(repoRoot, '.testenv');

// kubectl caches API discovery per server address (~/.kube/cache), and environments reuse
// free ports: a cache from an earlier environment on the same port, taken before the CRDs
// existed, made `kubectl get dash` fail. Each environment gets its own cache (inherited by
// every kubectl and helm a test starts).
process.env.KUBECACHEDIR ??= join(testenvDir, 'kube-cache');

/** What `npm run env:up` records in `.testenv/env.json`: how to reach the running servers. */
export interface TestEnv {
  KUBECONFIG: string;
  KUBE_APISERVER_URL: string;
  KUBERNETES_VERSION: string;
  KEYCLOAK_URL: string;
  KEYCLOAK_MANAGEMENT_URL: string;
  KEYCLOAK_VERSION: string;
  KEYCLOAK_ADMIN_USERNAME: string;
  KEYCLOAK_ADMIN_PASSWORD: string;
  KEYCLOAK_ADMIN_CLIENT_ID: string;
  KEYCLOAK_ADMIN_CLIENT_SECRET: string;
  KUBECTL: string;
  HELM: string;
  ETCD_URL: string;
}

/** Reads the environment that `npm run env:up` (or Jest's global setup) started; throws if none runs. */
export function loadTestEnv(): TestEnv {
  const file = join(testenvDir, 'env.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TestEnv;
  } catch (cause) {
    throw new Error(`no test environment at ${file}: run \`npm run env:up\` first`, { cause });
  }
}

/** A DNS-1123 name unique to this run, for a test's own namespace or realm. */
export function uniqueName(prefix: string): string {
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return `${prefix}-${suffix}`.toLowerCase().slice(0, 63);
}
