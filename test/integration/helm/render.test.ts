import { render, type Manifest } from './chart.js';

type Container = {
  image: string;
  args: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: { fieldPath: string } } }[];
  securityContext: Record<string, unknown>;
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  ports: { name: string; containerPort: number }[];
  resources: { requests?: object; limits?: object };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
};
type PodSpec = { serviceAccountName: string; securityContext: Record<string, unknown>; containers: Container[]; volumes: Record<string, unknown>[] };
type Deployment = Manifest & { spec: { replicas: number; template: { spec: PodSpec } } };

const kinds = (ms: Manifest[]) => ms.map((m) => `${m.kind} ${m.metadata.namespace ?? '-'}/${m.metadata.name}`).sort();
const deploymentOf = (ms: Manifest[]) => ms.find((m) => m.kind === 'Deployment') as Deployment;
const containerOf = (ms: Manifest[]) => deploymentOf(ms).spec.template.spec.containers[0] as Container;
const envOf = (ms: Manifest[]) => Object.fromEntries(containerOf(ms).env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe('the chart rendered by helm template', () => {
  it('renders, with default values, a cluster-wide install of two replicas behind leader election', () => {
    const ms = render({}, 'dko', 'ops');
    expect(kinds(ms)).toEqual([
      'ClusterRole -/dash-keycloak-operator-editor',
      'ClusterRole -/dash-keycloak-operator-realm-admin',
      'ClusterRole -/dash-keycloak-operator-viewer',
      'ClusterRole -/dko-dash-keycloak-operator',
      'ClusterRoleBinding -/dko-dash-keycloak-operator',
      'Deployment ops/dko-dash-keycloak-operator',
      'PodDisruptionBudget ops/dko-dash-keycloak-operator',
      'Role ops/dko-dash-keycloak-operator-leader-election',
      'RoleBinding ops/dko-dash-keycloak-operator-leader-election',
      'Service ops/dko-dash-keycloak-operator-metrics',
      'ServiceAccount ops/dko-dash-keycloak-operator',
    ]);
    const deployment = deploymentOf(ms);
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.serviceAccountName).toBe('dko-dash-keycloak-operator');
    expect(containerOf(ms).image).toBe('ghcr.io/dashops/dash-keycloak-operator:0.1.0');
    expect(containerOf(ms).args).toEqual(['run', '--metrics-port=8080', '--health-port=8081', '--leader-election-namespace=ops']);
    expect(envOf(ms)).toMatchObject({ POD_NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } }, WATCH_NAMESPACES: '', LOG_LEVEL: 'info', KEYCLOAK_AUTH_REALM: 'master' });
    expect(ms.find((m) => m.kind === 'PodDisruptionBudget')).toMatchObject({ spec: { minAvailable: 1 } });
  });

  it('runs the operator non-root on a read-only root filesystem without privileges', () => {
    const ms = render();
    const pod = deploymentOf(ms).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(containerOf(ms).securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(containerOf(ms).volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(containerOf(ms).resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  });

  it('probes /healthz and /readyz on the health port and exposes /metrics through the Service', () => {
    const ms = render();
    const c = containerOf(ms);
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }, { name: 'health', containerPort: 8081, protocol: 'TCP' }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(ms.find((m) => m.kind === 'Service')).toMatchObject({ spec: { ports: [{ name: 'metrics', port: 8080, targetPort: 'metrics' }] } });
  });

  it('takes the default Keycloak connection from values, a credentials Secret and a CA bundle file', () => {
    const ms = render({
      keycloak: {
        url: 'https://auth-dash.example.com', authRealm: 'admins',
        credentialsSecret: { name: 'keycloak-admin', keys: { clientId: 'client-id', clientSecret: 'client-secret' } },
        caBundle: { configMapRef: { name: 'corp-ca', key: 'root.pem' } },
      },
    });
    const env = envOf(ms);
    expect(env).toMatchObject({
      KEYCLOAK_URL: 'https://auth-dash.example.com', KEYCLOAK_AUTH_REALM: 'admins',
      KEYCLOAK_CLIENT_ID: { secretKeyRef: { name: 'keycloak-admin', key: 'client-id', optional: true } },
      KEYCLOAK_CLIENT_SECRET: { secretKeyRef: { name: 'keycloak-admin', key: 'client-secret', optional: true } },
      KEYCLOAK_USERNAME: { secretKeyRef: { name: 'keycloak-admin', key: 'username', optional: true } },
      KEYCLOAK_PASSWORD: { secretKeyRef: { name: 'keycloak-admin', key: 'password', optional: true } },
      KEYCLOAK_CA_FILE: '/etc/dash-keycloak-operator/ca/ca.crt',
    });
    expect(containerOf(ms).volumeMounts).toContainEqual({ name: 'keycloak-ca', mountPath: '/etc/dash-keycloak-operator/ca', readOnly: true });
    expect(deploymentOf(ms).spec.template.spec.volumes).toContainEqual({ name: 'keycloak-ca', configMap: { name: 'corp-ca', items: [{ key: 'root.pem', path: 'ca.crt' }] } });

    const fromSecret = render({ keycloak: { caBundle: { secretRef: { name: 'corp-ca' } } } });
    expect(deploymentOf(fromSecret).spec.template.spec.volumes).toContainEqual({ name: 'keycloak-ca', secret: { secretName: 'corp-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  });

  it('sets no Keycloak URL, credentials or CA file when none are given', () => {
    expect(Object.keys(envOf(render())).filter((k) => k.startsWith('KEYCLOAK_'))).toEqual(['KEYCLOAK_AUTH_REALM']);
  });

  it('passes the Keycloak URL and SMTP host allow-lists comma-separated, and neither when they are empty', () => {
    const env = envOf(render({ keycloak: { allowedUrls: ['https://auth-a.example.com/', 'http://127.0.0.1:8080'] }, email: { allowedHosts: ['smtp.example.com', '10.0.0.25'] } }));
    expect(env).toMatchObject({ ALLOWED_KEYCLOAK_URLS: 'https://auth-a.example.com/,http://127.0.0.1:8080', ALLOWED_SMTP_HOSTS: 'smtp.example.com,10.0.0.25' });
    expect(Object.keys(envOf(render())).filter((k) => k.startsWith('ALLOWED_'))).toEqual([]);
  });

  it('in namespaced mode renders Roles in the watched namespaces only and no ClusterRole but those for people', () => {
    const ms = render({ watchNamespaces: ['team-a', 'team-b'] }, 'dko', 'ops');
    expect(kinds(ms).filter((k) => /Role/.test(k))).toEqual([
      'ClusterRole -/dash-keycloak-operator-editor',
      'ClusterRole -/dash-keycloak-operator-realm-admin',
      'ClusterRole -/dash-keycloak-operator-viewer',
      'Role ops/dko-dash-keycloak-operator-leader-election',
      'Role team-a/dko-dash-keycloak-operator',
      'Role team-b/dko-dash-keycloak-operator',
      'RoleBinding ops/dko-dash-keycloak-operator-leader-election',
      'RoleBinding team-a/dko-dash-keycloak-operator',
      'RoleBinding team-b/dko-dash-keycloak-operator',
    ]);
    expect(envOf(ms).WATCH_NAMESPACES).toBe('team-a,team-b');
  });

  it('grants nothing beyond what the operator uses', () => {
    const role = render().find((m) => m.kind === 'ClusterRole' && m.metadata.name === 'dko-dash-keycloak-operator') as Manifest & { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    const grants = role.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g || 'core'}/${res}: ${r.verbs.join(',')}`)));
    expect(grants.sort()).toEqual([
      'core/configmaps: get,list,watch',
      'core/secrets: get,list,watch',
      'events.k8s.io/events: create,patch',
      ...['dashgroups', 'dashrealms', 'dashrolebindings', 'dashusers'].flatMap((p) => [
        `identity.dashops.dev/${p}: get,list,watch,update,patch`,
        `identity.dashops.dev/${p}/finalizers: update`,
        `identity.dashops.dev/${p}/status: update,patch`,
      ]),
    ].sort());
  });

  it('puts the Lease Role where leaderElection.namespace says and passes it to the operator', () => {
    const ms = render({ leaderElection: { namespace: 'leases' } }, 'dko', 'ops');
    expect(kinds(ms)).toContain('Role leases/dko-dash-keycloak-operator-leader-election');
    expect(containerOf(ms).args).toContain('--leader-election-namespace=leases');
  });

  it('with one replica and no leader election drops the Lease Role and the PodDisruptionBudget', () => {
    const ms = render({ replicaCount: 1, leaderElection: { enabled: false } });
    expect(kinds(ms).filter((k) => /leader-election|PodDisruptionBudget/.test(k))).toEqual([]);
    expect(containerOf(ms).args).toContain('--leader-elect=false');
  });

  it('renders a ServiceMonitor only when asked', () => {
    expect(kinds(render()).some((k) => k.startsWith('ServiceMonitor'))).toBe(false);
    const monitor = render({ serviceMonitor: { enabled: true, labels: { release: 'prom' } } }).find((m) => m.kind === 'ServiceMonitor');
    expect(monitor).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      metadata: { labels: { release: 'prom' } },
      spec: { endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }] },
    });
  });

  it('pulls the image by digest when one is given', () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    expect(containerOf(render({ image: { digest } })).image).toBe(`ghcr.io/dashops/dash-keycloak-operator@${digest}`);
  });
});
