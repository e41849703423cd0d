import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { errorFromStatus, isConflict } from '../../../src/kube/errors.js';
import { loadKubeConfig, podNamespace } from '../../../src/kube/kubeconfig.js';
import { SecretKind, apiVersionOf, collectionPath, objectPath } from '../../../src/kube/resource-kind.js';
import { WidgetKind } from './fakes.js';

const kubeconfig = (server: string) => `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: ${server}}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;
const home = process.env.HOME;
afterEach(() => {
  process.env.HOME = home;
});

describe('loading the kubeconfig', () => {
  it('loads an explicit file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dko-kc-'));
    writeFileSync(join(dir, 'config'), kubeconfig('https://api.example:6443'));
    expect(loadKubeConfig(join(dir, 'config'), {}).getCurrentCluster()?.server).toBe('https://api.example:6443');
  });

  it('goes in-cluster when KUBERNETES_SERVICE_HOST is set and no file is given', () => {
    // client-node's loadFromCluster reads process.env itself.
    Object.assign(process.env, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' });
    try {
      const kc = loadKubeConfig(undefined, process.env);
      expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:443');
    } finally {
      delete process.env.KUBERNETES_SERVICE_HOST;
      delete process.env.KUBERNETES_SERVICE_PORT;
    }
  });

  it('fails instead of falling back to http://localhost:8080 when there is nothing to load', () => {
    process.env.HOME = mkdtempSync(join(tmpdir(), 'dko-home-'));
    expect(() => loadKubeConfig(undefined, {})).toThrow(/no kubeconfig/);
  });

  it('names a kubeconfig it cannot read', () => {
    expect(() => loadKubeConfig('/nope/config', {})).toThrow(/cannot load kubeconfig \/nope\/config/);
  });

  it('finds the pod namespace from POD_NAMESPACE, else the service account file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dko-ns-')), 'namespace');
    writeFileSync(file, 'dash-system\n');
    expect(podNamespace({ POD_NAMESPACE: 'from-env' }, file)).toBe('from-env');
    expect(podNamespace({}, file)).toBe('dash-system');
    expect(podNamespace({}, '/nope')).toBeUndefined();
  });
});

describe('paths and errors', () => {
  it('builds core and group paths, per namespace and cluster-wide', () => {
    expect(collectionPath(SecretKind, 'ns')).toBe('/api/v1/namespaces/ns/secrets');
    expect(collectionPath(WidgetKind)).toBe('/apis/runtime-test.dashops.dev/v1/widgets');
    expect(objectPath(WidgetKind, 'ns', 'w', 'status')).toBe('/apis/runtime-test.dashops.dev/v1/namespaces/ns/widgets/w/status');
    expect(apiVersionOf(SecretKind)).toBe('v1');
    expect(() => objectPath(WidgetKind, undefined, 'w')).toThrow('needs a namespace');
  });

  it('turns a Status body into an error with code, reason and message', () => {
    const err = errorFromStatus('PATCH', '/x', 409, JSON.stringify({ kind: 'Status', reason: 'Conflict', message: 'the object has been modified' }));
    expect(err).toMatchObject({ code: 409, reason: 'Conflict', message: 'PATCH /x: 409 Conflict: the object has been modified' });
    expect(isConflict(err)).toBe(true);
    expect(errorFromStatus('GET', '/y', 502, '<html>bad gateway</html>').message).toBe('GET /y: 502: <html>bad gateway</html>');
  });
});
