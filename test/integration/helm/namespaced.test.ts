import { uniqueName } from '../../env/test-env.js';
import { clientsAs, createNamespace, event, helm, install, kubectl, lease, ok, statusOf, waitForCrds } from './chart.js';

const group = 'identity.dashops.dev';
const version = 'v1alpha1';

describe('helm install in namespaced mode on the real kube-apiserver', () => {
  const namespace = uniqueName('helm-ns');
  const [a, b, outside] = [uniqueName('helm-ns-a'), uniqueName('helm-ns-b'), uniqueName('helm-ns-out')];
  const release = uniqueName('dko');
  const fullname = `${release}-dash-keycloak-operator`;
  let sa: ReturnType<typeof clientsAs>;

  beforeAll(async () => {
    for (const ns of [namespace, a, b, outside]) {
      createNamespace(ns);
      ok(kubectl('create', 'secret', 'generic', 'keycloak-admin', '-n', ns, '--from-literal=clientSecret=s3cret'));
    }
    // Without the ClusterRoles for people (fixed names, one set per cluster: user-roles.test.ts).
    const r = install(release, namespace, { watchNamespaces: [a, b], rbac: { createUserRoles: false } });
    if (r.code !== 0) throw new Error(`helm install failed: ${r.stderr}`);
    await waitForCrds();
    sa = clientsAs(namespace, fullname);
  });

  it('creates Roles in the watched namespaces, the Lease Role in its own, and nothing cluster-wide', () => {
    const roles = (ns: string) => ok(kubectl('get', 'role,rolebinding', '-n', ns, '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name')).trim().split('\n').filter(Boolean).sort();
    expect(roles(a)).toEqual([`role.rbac.authorization.k8s.io/${fullname}`, `rolebinding.rbac.authorization.k8s.io/${fullname}`]);
    expect(roles(b)).toEqual([`role.rbac.authorization.k8s.io/${fullname}`, `rolebinding.rbac.authorization.k8s.io/${fullname}`]);
    expect(roles(namespace)).toEqual([`role.rbac.authorization.k8s.io/${fullname}-leader-election`, `rolebinding.rbac.authorization.k8s.io/${fullname}-leader-election`]);
    expect(roles(outside)).toEqual([]);
    expect(kubectl('get', 'clusterrole,clusterrolebinding', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name').stdout.trim()).toBe('');
    const deployment = JSON.parse(ok(kubectl('get', 'deployment', fullname, '-n', namespace, '-o', 'json'))) as { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } };
    expect(deployment.spec.template.spec.containers[0]?.env.find((e) => e.name === 'WATCH_NAMESPACES')?.value).toBe(`${a},${b}`);
  });

  it('lets the ServiceAccount read the kinds, Secrets and ConfigMaps and write Events in the watched namespaces', async () => {
    for (const ns of [a, b]) {
      expect(await statusOf(sa.custom.listNamespacedCustomObject({ group, version, namespace: ns, plural: 'dashusers' }))).toBe(200);
      expect(await statusOf(sa.custom.listNamespacedCustomObject({ group, version, namespace: ns, plural: 'dashrealms' }))).toBe(200);
      expect(await statusOf(sa.core.listNamespacedSecret({ namespace: ns }))).toBe(200);
      expect(await statusOf(sa.core.readNamespacedSecret({ name: 'keycloak-admin', namespace: ns }))).toBe(200);
      expect(await statusOf(sa.core.listNamespacedConfigMap({ namespace: ns }))).toBe(200);
      expect(await statusOf(sa.events.createNamespacedEvent({ namespace: ns, body: event(ns) }))).toBe(200);
    }
  });

  it('lets it hold the Lease in the release namespace', async () => {
    expect(await statusOf(sa.coordination.createNamespacedLease({ namespace, body: lease('dash-keycloak-operator') }))).toBe(200);
    expect(await statusOf(sa.coordination.readNamespacedLease({ name: 'dash-keycloak-operator', namespace }))).toBe(200);
  });

  it('cannot read Secrets, ConfigMaps or the kinds outside its namespaces, not even in its own', async () => {
    for (const ns of [outside, namespace]) {
      expect(await statusOf(sa.core.readNamespacedSecret({ name: 'keycloak-admin', namespace: ns }))).toBe(403);
      expect(await statusOf(sa.core.listNamespacedSecret({ namespace: ns }))).toBe(403);
      expect(await statusOf(sa.core.listNamespacedConfigMap({ namespace: ns }))).toBe(403);
      expect(await statusOf(sa.custom.listNamespacedCustomObject({ group, version, namespace: ns, plural: 'dashusers' }))).toBe(403);
    }
    expect(await statusOf(sa.core.listSecretForAllNamespaces())).toBe(403);
    expect(await statusOf(sa.custom.listClusterCustomObject({ group, version, plural: 'dashusers' }))).toBe(403);
    expect(await statusOf(sa.events.createNamespacedEvent({ namespace: outside, body: event(outside) }))).toBe(403);
  });

  it('cannot delete or write Secrets even where it reads them', async () => {
    expect(await statusOf(sa.core.deleteNamespacedSecret({ name: 'keycloak-admin', namespace: a }))).toBe(403);
    expect(await statusOf(sa.core.replaceNamespacedSecret({ name: 'keycloak-admin', namespace: a, body: { metadata: { name: 'keycloak-admin' }, stringData: { clientSecret: 'stolen' } } }))).toBe(403);
    expect(await statusOf(sa.core.createNamespacedSecret({ namespace: a, body: { metadata: { name: 'planted' }, stringData: { k: 'v' } } }))).toBe(403);
  });

  afterAll(() => {
    helm('uninstall', release, '--namespace', namespace);
  });
});
