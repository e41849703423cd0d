import * as k8s from '@kubernetes/client-node';
import { uniqueName } from '../../env/test-env.js';
import { clientsAs, createNamespace, event, helm, install, kubectl, lease, ok, statusOf, waitForCrds } from './chart.js';

const group = 'identity.dashops.dev';
const version = 'v1alpha1';
const LEASE = 'dash-keycloak-operator';

describe('helm install in cluster-wide mode on the real kube-apiserver', () => {
  const namespace = uniqueName('helm-cw');
  const other = uniqueName('helm-cw-other');
  const release = uniqueName('dko');
  const fullname = `${release}-dash-keycloak-operator`;
  let sa: ReturnType<typeof clientsAs>;

  beforeAll(async () => {
    createNamespace(namespace);
    createNamespace(other);
    // The ClusterRoles for people have fixed names, one set per cluster: user-roles.test.ts
    // covers them, and a second release here would fight deploy/ and the e2e install over them.
    const r = install(release, namespace, { keycloak: { url: 'https://keycloak.example.com', credentialsSecret: { name: 'keycloak-admin' } }, rbac: { createUserRoles: false } });
    if (r.code !== 0) throw new Error(`helm install failed: ${r.stderr}`);
    await waitForCrds();
    sa = clientsAs(namespace, fullname);
  });

  it('creates the release objects, the Deployment accepted by the API server as rendered', () => {
    const got = ok(kubectl('get', 'deployment,serviceaccount,service,poddisruptionbudget,role,rolebinding', '-n', namespace, '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name')).trim().split('\n').sort();
    expect(got).toEqual([
      `deployment.apps/${fullname}`,
      `poddisruptionbudget.policy/${fullname}`,
      `role.rbac.authorization.k8s.io/${fullname}-leader-election`,
      `rolebinding.rbac.authorization.k8s.io/${fullname}-leader-election`,
      `service/${fullname}-metrics`,
      `serviceaccount/${fullname}`,
    ]);
    expect(ok(kubectl('get', 'clusterrole,clusterrolebinding', fullname, '-o', 'name')).trim().split('\n')).toHaveLength(2);
    const deployment = JSON.parse(ok(kubectl('get', 'deployment', fullname, '-n', namespace, '-o', 'json'))) as { spec: { replicas: number; template: { spec: { containers: { securityContext: object }[] } } } };
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0]?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  it("lets the chart's ServiceAccount read the four kinds, Secrets and ConfigMaps in any namespace and write Events", async () => {
    expect(await statusOf(sa.custom.listNamespacedCustomObject({ group, version, namespace: other, plural: 'dashusers' }))).toBe(200);
    expect(await statusOf(sa.custom.listClusterCustomObject({ group, version, plural: 'dashrealms' }))).toBe(200);
    expect(await statusOf(sa.core.listNamespacedSecret({ namespace: other }))).toBe(200);
    expect(await statusOf(sa.core.listSecretForAllNamespaces())).toBe(200);
    expect(await statusOf(sa.core.listNamespacedConfigMap({ namespace: other }))).toBe(200);
    expect(await statusOf(sa.events.createNamespacedEvent({ namespace: other, body: event(other) }))).toBe(200);
  });

  it('lets it create, read and renew its Lease in the release namespace only', async () => {
    expect(await statusOf(sa.coordination.createNamespacedLease({ namespace, body: lease(LEASE) }))).toBe(200);
    const held = await sa.coordination.readNamespacedLease({ name: LEASE, namespace });
    held.spec = { ...held.spec, renewTime: new k8s.V1MicroTime() };
    expect(await statusOf(sa.coordination.replaceNamespacedLease({ name: LEASE, namespace, body: held }))).toBe(200);
    expect(await statusOf(sa.coordination.createNamespacedLease({ namespace: other, body: lease(LEASE) }))).toBe(403);
    expect(await statusOf(sa.coordination.readNamespacedLease({ name: 'someone-elses-lease', namespace }))).toBe(403);
  });

  it('refuses it everything else: no Secret writes or deletes, no creating resources, no Pods', async () => {
    for (const ns of [namespace, other]) {
      ok(kubectl('create', 'secret', 'generic', 'victim', '-n', ns, '--from-literal=k=v'));
      expect(await statusOf(sa.core.deleteNamespacedSecret({ name: 'victim', namespace: ns }))).toBe(403);
      expect(await statusOf(sa.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'planted' }, stringData: { k: 'v' } } }))).toBe(403);
    }
    expect(await statusOf(sa.core.listNamespacedPod({ namespace: other }))).toBe(403);
    expect(await statusOf(sa.custom.createNamespacedCustomObject({ group, version, namespace: other, plural: 'dashusers', body: { apiVersion: `${group}/${version}`, kind: 'DashUser', metadata: { name: 'x' }, spec: {} } }))).toBe(403);
    expect(await statusOf(sa.custom.deleteNamespacedCustomObject({ group, version, namespace: other, plural: 'dashusers', name: 'x' }))).toBe(403);
  });

  afterAll(() => {
    // Takes the cluster-scoped RBAC with it; Helm keeps the CRDs, which other tests share.
    helm('uninstall', release, '--namespace', namespace);
  });
});
