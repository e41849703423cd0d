import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { serviceAccountKubeconfig } from '../env/service-account.js';
import { repoRoot } from '../env/test-env.js';
import { chartDir, helm, kubectl, ok, valuesFile } from '../integration/helm/chart.js';
import { isReady, startOperator, type OperatorUnderTest } from '../integration/operator/harness.js';
import { KeycloakRest } from '../integration/support/keycloak-rest.js';

const examplesDir = join(repoRoot, 'examples');
const exampleFiles = ['00-namespace.yaml', '01-realm-login-email.yaml', '02-nested-groups.yaml', '03-user-initial-password.yaml', '04-licensed-user-binding.yaml', '05-group-role-binding.yaml'];
const docs = exampleFiles.flatMap((f) => parseAllDocuments(readFileSync(join(examplesDir, f), 'utf8')).map((d) => d.toJSON() as { kind: string; metadata: { name: string }; stringData?: Record<string, string> }));
const secretValues = docs.filter((d) => d.kind === 'Secret').flatMap((d) => Object.values(d.stringData ?? {}));
const dashKinds = ['DashRealm', 'DashGroup', 'DashUser', 'DashRoleBinding'] as const;

describe('examples/ under the RBAC the Helm chart grants (namespaced install)', () => {
  // A fixed release namespace: `helm upgrade --install` there is idempotent across reruns.
  const release = 'dko-e2e';
  let op: OperatorUnderTest;
  /** Keycloak read through raw REST, never through src/keycloak. */
  let kc: KeycloakRest;

  beforeAll(async () => {
    kubectl('create', 'namespace', release);
    ok(kubectl('apply', '-f', join(examplesDir, '00-namespace.yaml')));
    ok(helm('upgrade', '--install', 'dash-keycloak-operator', chartDir, '--namespace', release, '-f', valuesFile({ watchNamespaces: ['dash-enterprise'] })));
    const kubeconfig = serviceAccountKubeconfig(release, 'dash-keycloak-operator');
    op = await startOperator({ kubeconfig, namespace: 'dash-enterprise', leaseNamespace: release });
    kc = new KeycloakRest(op.env);
  });
  afterAll(async () => {
    await op?.stop();
    await kc?.deleteRealm('dash');
    helm('uninstall', 'dash-keycloak-operator', '--namespace', release);
  });

  it('makes every example Ready and Keycloak holds what they describe', async () => {
    ok(kubectl('apply', '-f', examplesDir));
    for (const doc of docs.filter((d) => (dashKinds as readonly string[]).includes(d.kind))) {
      // Bindings record a grant one pass before they map it (Ready=False, Progressing): Ready with nothing pending.
      await op.waitFor<{ status?: { subjects?: { pending?: string[] }[] } }>(doc.kind as (typeof dashKinds)[number], doc.metadata.name,
        (o) => isReady(o) && (o.status?.subjects ?? []).every((s) => (s.pending ?? []).length === 0), 120_000);
    }
    const realm = await kc.realm('dash');
    expect(realm).toMatchObject({ resetPasswordAllowed: true, verifyEmail: true, smtpServer: expect.objectContaining({ password: '**********' }) });
    const [alice] = await kc.usersNamed('dash', 'alice');
    expect(alice).toMatchObject({ email: 'alice@example.com', enabled: true });
    const groups = (await kc.get<{ path: string }[]>(`/dash/users/${alice?.id}/groups`)) ?? [];
    expect(groups.map((g) => g.path)).toEqual(['/engineering/data/data-science']);
    expect(await kc.userClientRoles('dash', alice?.id ?? '', 'dash')).toContain('licensed_user');
    expect(op.logs()).not.toMatch(/forbidden|\b403\b/i);
  });

  it('cleans Keycloak according to deletionPolicy when the examples are deleted, and never logs a secret', async () => {
    const [alice] = await kc.usersNamed('dash', 'alice');
    // The resources only: the namespace stays (without kube-controller-manager a deleted
    // namespace would stay Terminating for every later test).
    ok(kubectl('delete', '-n', 'dash-enterprise', 'dashrolebindings,dashusers,dashgroups,dashrealms', '--all', '--wait=false'));
    for (const doc of docs.filter((d) => (dashKinds as readonly string[]).includes(d.kind))) {
      await waitGone(op, doc.kind as (typeof dashKinds)[number], doc.metadata.name);
    }
    // Created users and groups are deleted; the realm is kept (Retain is the default for realms).
    expect(await kc.get(`/dash/users/${alice?.id}`)).toBeUndefined();
    expect(await kc.groupByPath('dash', 'engineering')).toBeUndefined();
    expect(await kc.realm('dash')).toBeDefined();
    const logs = op.logs();
    for (const value of secretValues) expect(logs).not.toContain(value);
  });
});

async function waitGone(op: OperatorUnderTest, kind: (typeof dashKinds)[number], name: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if ((await op.get(kind, name).catch(() => 'unknown')) === undefined) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${kind} ${name} was not deleted`);
}
