import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const pinned: Record<string, string> = Object.fromEntries(
  readFileSync(join(here, 'versions.env'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split('=', 2) as [string, string]),
);

/**
 * DKO_KEYCLOAK_VERSION overrides KEYCLOAK_VERSION (npm run test:compat sets it to
 * KEYCLOAK_COMPAT_VERSION), as in test/env/setup.sh, so Node starts the binary setup.sh
 * built for that version. It becomes a directory name, so only a version string passes.
 */
const keycloakOverride = process.env.DKO_KEYCLOAK_VERSION;
if (keycloakOverride && !/^[0-9A-Za-z][0-9A-Za-z._-]*$/.test(keycloakOverride)) {
  throw new Error(`DKO_KEYCLOAK_VERSION is not a Keycloak version: '${keycloakOverride}'`);
}

/** The pinned versions of test/env/versions.env (the one place they are set), with the override above. */
export const versions: Readonly<Record<string, string>> = keycloakOverride
  ? { ...pinned, KEYCLOAK_VERSION: keycloakOverride }
  : pinned;

/** The binary cache that test/env/setup.sh fills, keyed by version (outside the work tree). */
export const cacheDir = process.env.DKO_TESTENV_CACHE
  ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dash-keycloak-operator-testenv');

/** Absolute paths of the cached binaries for the pinned versions. */
export const binaries = {
  kubeApiserver: join(cacheDir, `kubernetes-${versions.KUBERNETES_VERSION}`, 'bin', 'kube-apiserver'),
  kubectl: join(cacheDir, `kubernetes-${versions.KUBERNETES_VERSION}`, 'bin', 'kubectl'),
  etcd: join(cacheDir, `etcd-${versions.ETCD_VERSION}`, 'bin', 'etcd'),
  // "-k8s": built with the Kubernetes version stamp a released helm carries (setup.sh).
  helm: join(cacheDir, `helm-${versions.HELM_VERSION}-k8s`, 'bin', 'helm'),
  keycloakHome: join(cacheDir, `keycloak-${versions.KEYCLOAK_VERSION}`, 'dist'),
} as const;
