import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, uniqueName } from '../../env/test-env.js';
import { clientsAs, createNamespace, kubectl, ok, run, statusOf, waitForCrds } from './chart.js';

const deployDir = join(repoRoot, 'deploy');
const NAMESPACE = 'dash-keycloak-operator';
const NAME = 'dash-keycloak-operator';
// The field manager of test/integration/api/install-crds.ts, which applies the same CRDs.
const FIELD_MANAGER = 'dko-tests';

/** `npm run render:deploy -- --check` with the project's Node 24 first on PATH. */
function renderCheck() {
  return run(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'scripts', 'render-deploy.ts'), '--check']);
}

describe('deploy/: plain manifests rendered from the chart', () => {
  it('is exactly what the chart renders with its default values, plus the CRDs of crds/', () => {
    const r = renderCheck();
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('deploy/ is up to date');
  });

  it('names its files so that kubectl apply -f creates the Namespace and the CRDs first', () => {
    const files = readdirSync(deployDir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
    expect(files[0]).toBe('00-namespace.yaml');
    expect(files.slice(1, 5).every((f) => f.startsWith('10-crd-'))).toBe(true);
    expect(files.slice(5).every((f) => /^[2-9]0-/.test(f))).toBe(true);
  });

  describe('applied to the real kube-apiserver', () => {
    const other = uniqueName('deploy-other');
    // Objects some other run left in place are not ours to remove afterwards.
    let preexisting = true;

    beforeAll(() => {
      // Never apply stale CRDs over the ones the other test files use.
      if (renderCheck().code !== 0) throw new Error('deploy/ is out of date: run `npm run render:deploy`');
      preexisting = kubectl('get', 'serviceaccount', NAME, '-n', NAMESPACE).code === 0;
      createNamespace(other);
    });

    it('installs with kubectl apply -f deploy/, the pod template meeting the restricted Pod Security Standard', async () => {
      // Server-side, as the CRD installer of the other test files does and under its field
      // manager: a client-side apply would leave a second owner on the shared CRDs' fields, and
      // a field later dropped from crds/ would then survive their apply.
      const r = kubectl('apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`, '-f', deployDir);
      expect(r.code).toBe(0);
      // The Namespace carries pod-security.kubernetes.io/warn=restricted: a violation would be a warning here.
      expect(r.stderr).not.toContain('PodSecurity');
      await waitForCrds();
      const deployment = JSON.parse(ok(kubectl('get', 'deployment', NAME, '-n', NAMESPACE, '-o', 'json'))) as { spec: { replicas: number } };
      expect(deployment.spec.replicas).toBe(2);
    });

    it('is accepted as well by a plain (client-side) kubectl apply -f deploy/', () => {
      // Dry run: the server validates and admits everything without persisting a second owner.
      const r = kubectl('apply', '--dry-run=server', '-f', deployDir);
      expect(r.stderr.split('\n').filter((l) => l && !/missing the kubectl.kubernetes.io\/last-applied-configuration/.test(l) && !/patched automatically/.test(l))).toEqual([]);
      expect(r.code).toBe(0);
    });

    it('holds the same objects for kubectl apply -k deploy/, so applying it changes nothing', () => {
      const diff = kubectl('diff', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`, '-k', deployDir);
      expect({ code: diff.code, diff: diff.stdout, err: diff.stderr }).toEqual({ code: 0, diff: '', err: '' });
      const r = kubectl('apply', '--dry-run=server', '-k', deployDir);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/ created/m);
    });

    it("grants its ServiceAccount the operator's permissions and no more", async () => {
      const sa = clientsAs(NAMESPACE, NAME);
      expect(await statusOf(sa.custom.listNamespacedCustomObject({ group: 'identity.dashops.dev', version: 'v1alpha1', namespace: other, plural: 'dashusers' }))).toBe(200);
      expect(await statusOf(sa.core.listNamespacedSecret({ namespace: other }))).toBe(200);
      ok(kubectl('create', 'secret', 'generic', 'victim', '-n', other, '--from-literal=k=v'));
      expect(await statusOf(sa.core.deleteNamespacedSecret({ name: 'victim', namespace: other }))).toBe(403);
      expect(await statusOf(sa.core.listNamespacedPod({ namespace: other }))).toBe(403);
    });

    afterAll(() => {
      if (preexisting) return;
      // The CRDs stay (other tests use them), and so does the Namespace: without
      // kube-controller-manager it would stay Terminating and block the next apply.
      const files = readdirSync(deployDir).filter((f) => /^[2-9]0-.*\.yaml$/.test(f)).flatMap((f) => ['-f', join(deployDir, f)]);
      kubectl('delete', '--ignore-not-found', ...files);
    });
  });
});
