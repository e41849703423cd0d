import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KeycloakConnection } from '../../src/keycloak/index.js';
import { serviceAccountKubeconfig } from '../env/service-account.js';
import { repoRoot } from '../env/test-env.js';
import { chartDir, helm, kubectl, ok, valuesFile } from '../integration/helm/chart.js';
import { adminConnection } from '../integration/operator/keycloak-admin.js';
import { isReady, startOperator, type OperatorUnderTest } from '../integration/operator/harness.js';

const examplesDir = join(repoRoot, 'examples');
const exampleFiles = ['00-namespace.yaml', '01-realm-login-email.yaml', '02-nested-groups.yaml', '03-user-initial-password.yaml', '04-licensed-user-binding.yaml', '05-group-role-binding.yaml'];
const docs = exampleFiles.flatMap((f) => parseAllDocuments(readFileSync(join(examplesDir, f), 'utf8')).map((d) => d.toJSON() as { kind: string; metadata: { name: string }; stringData?: Record<string, string> }));
const secretValues = docs.filter((d) => d.kind === 'Secret').flatMap((d) => Object.values(d.stringData ?? {}));
const dashKinds = ['DashRealm', 'DashGroup', 'DashUser', 'DashRoleBinding'] as const;

describe('examples/ under the RBAC the Helm chart grants (namespaced install)', () => {
  // A fixed release namespace: `helm upgrade --install` there is idempotent across reruns.
  const release = 'dko-e2e';
  let op: OperatorUnderTest;
  let kc: KeycloakConnection;

  beforeAll(async () => {
    kubectl('create', 'namespace', release);
    ok(kubectl('apply', '-f', join(examplesDir, '00-namespace.yaml')));
    ok(helm('upgrade', '--install', 'dash-keycloak-operator', chartDir, '--namespace', release, '-f', valuesFile({ watchNamespaces: ['dash-enterprise'] })));
    const kubeconfig = serviceAccountKubeconfig(release, 'dash-keycloak-operator');
    op = await startOperator({ kubeconfig, namespace: 'dash-enterprise', leaseNamespace: release });
    kc = adminConnection(op.env);
  });
  afterAll(async () => {
    await op?.stop();
    await kc?.deleteRealm('dash');
    await kc?.close();
    helm('uninstall', 'dash-keycloak-operator', '--namespace', release);
  });

  it('makes every example Ready and Keycloak holds what they describe', async () => {
    ok(kubectl('apply', '-f', examplesDir));
    for (const doc of docs.filter((d) => (dashKinds as readonly string[]).includes(d.kind))) {
      await op.waitFor(doc.kind as (typeof dashKinds)[number], doc.metadata.name, isReady, 120_000);
    }
    const realm = await kc.getRealm('dash');
    expect(realm).toMatchObject({ resetPasswordAllowed: true, verifyEmail: true, smtpPasswordSet: true });
    const alice = await kc.findUserByUsername('dash', 'alice');
    expect(alice).toMatchObject({ email: 'alice@example.com', enabled: true });
    const groups = await kc.listUserGroups('dash', alice?.id ?? '');
    expect(groups.map((g) => g.path)).toEqual(['/engineering/data/data-science']);
    const client = await kc.findClient('dash', 'dash');
    const direct = await kc.listClientRoleMappings('dash', { kind: 'user', id: alice?.id ?? '' }, client?.id ?? '', 'direct');
    expect(direct.map((r) => r.name)).toContain('licensed_user');
    expect(op.logs()).not.toMatch(/forbidden|\b403\b/i);
  });

  it('cleans Keycloak according to deletionPolicy when the examples are deleted, and never logs a secret', async () => {
    const alice = await kc.findUserByUsername('dash', 'alice');
    // The resources only: the namespace stays (without kube-controller-manager a deleted
    // namespace would stay Terminating for every later test).
    ok(kubectl('delete', '-n', 'dash-enterprise', 'dashrolebindings,dashusers,dashgroups,dashrealms', '--all', '--wait=false'));
    for (const doc of docs.filter((d) => (dashKinds as readonly string[]).includes(d.kind))) {
      await waitGone(op, doc.kind as (typeof dashKinds)[number], doc.metadata.name);
    }
    // Created users and groups are deleted; the realm is kept (Retain is the default for realms).
    expect(await kc.getUser('dash', alice?.id ?? '')).toBeUndefined();
    expect(await kc.findGroupByPath('dash', 'engineering')).toBeUndefined();
    expect(await kc.getRealm('dash')).toBeDefined();
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
