import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTestEnv, testenvDir } from './test-env.js';

/**
 * Mints a token for ServiceAccount `namespace/name` through the TokenRequest API
 * (`kubectl create token`) and writes a kubeconfig that uses it, so code under test runs
 * with exactly the RBAC that account has: a missing permission is a real 403.
 * Returns the kubeconfig's path.
 */
export function serviceAccountKubeconfig(namespace: string, name: string, durationSeconds = 3600): string {
  const env = loadTestEnv();
  const kubectl = (...args: string[]) =>
    execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args], { encoding: 'utf8' });
  const token = kubectl('create', 'token', name, '-n', namespace, `--duration=${durationSeconds}s`).trim();
  const admin = JSON.parse(readFileSync(env.KUBECONFIG, 'utf8')) as { clusters: unknown[] };
  const file = join(testenvDir, `kubeconfig-sa-${namespace}-${name}`);
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'sa',
    clusters: admin.clusters,
    users: [{ name: 'sa', user: { token } }],
    contexts: [{ name: 'sa', context: { cluster: 'dko-testenv', user: 'sa', namespace } }],
  }, null, 2), { mode: 0o600 });
  return file;
}
