import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './files.js';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Pki } from './certs.js';
import type { ProcessSpec } from './processes.js';
import { binaries } from './versions.js';

/** Ports chosen at env:up; kept for restarts so URLs in env.json stay valid. */
export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  keycloak: number;
  keycloakManagement: number;
}

/** The bootstrap admin of Keycloak: a user and a client-credentials client. */
export interface KeycloakAdmin {
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
}

/** etcd as envtest runs it: loopback only, no fsync (data is throw-away). */
export function etcdSpec(runDir: string, ports: Ports): ProcessSpec {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  return {
    name: 'etcd',
    command: binaries.etcd,
    args: [
      `--data-dir=${join(runDir, 'etcd-data')}`,
      `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
      `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${ports.etcdPeer}`,
      '--unsafe-no-fsync', '--log-level=warn',
    ],
    logFile: join(runDir, 'etcd.log'),
  };
}

/** kube-apiserver with the flags envtest uses, RBAC on and our own PKI. */
export function apiserverSpec(runDir: string, ports: Ports, pki: Pki): ProcessSpec {
  return {
    name: 'kube-apiserver',
    command: binaries.kubeApiserver,
    args: [
      `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
      `--secure-port=${ports.apiserver}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
      '--service-cluster-ip-range=10.0.0.0/24', '--allow-privileged=true',
      '--authorization-mode=RBAC', '--disable-admission-plugins=ServiceAccount',
      `--client-ca-file=${pki.caCert}`, `--tls-cert-file=${pki.servingCert}`, `--tls-private-key-file=${pki.servingKey}`,
      `--service-account-issuer=https://127.0.0.1:${ports.apiserver}/`,
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      '--endpoint-reconciler-type=none', `--cert-dir=${join(runDir, 'apiserver-certs')}`,
    ],
    logFile: join(runDir, 'kube-apiserver.log'),
  };
}

/**
 * Keycloak from the cached, pre-augmented distribution (`kc.sh start --optimized`), with a
 * fresh in-memory database on every start: the bootstrap admin exists only on a fresh DB.
 */
export function keycloakSpec(runDir: string, ports: Ports, admin: KeycloakAdmin, javaHome: string): ProcessSpec {
  return {
    name: 'keycloak',
    command: join(binaries.keycloakHome, 'bin', 'kc.sh'),
    args: [
      'start', '--optimized', '--http-enabled=true', '--http-host=127.0.0.1',
      `--http-port=${ports.keycloak}`, `--http-management-port=${ports.keycloakManagement}`,
      '--hostname-strict=false',
      // One node on a throw-away database: no JGroups cluster, whose fixed ports (7800,
      // 57800) two environments side by side (.testenv, .testenv-compat) would share.
      '--cache=local',
    ],
    env: {
      JAVA_HOME: javaHome,
      JAVA_OPTS_KC_HEAP: process.env.DKO_KEYCLOAK_HEAP ?? '-Xms128m -Xmx1024m',
      KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
      KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      KC_BOOTSTRAP_ADMIN_CLIENT_ID: admin.clientId,
      KC_BOOTSTRAP_ADMIN_CLIENT_SECRET: admin.clientSecret,
    },
    logFile: join(runDir, 'keycloak.log'),
  };
}

/** The JDK to run Keycloak on: Temurin 25 preferred, else 21 or 17. */
export function keycloakJavaHome(): string {
  const candidates = ['/usr/lib/jvm/temurin-25-jdk-amd64', '/usr/lib/jvm/java-21-openjdk-amd64', '/usr/lib/jvm/java-17-openjdk-amd64'];
  const found = candidates.find((dir) => existsSync(join(dir, 'bin', 'java')));
  if (!found) throw new Error(`no JDK found for Keycloak in ${candidates.join(', ')}`);
  return found;
}

/** True when etcd answers /health with health=true. */
export async function etcdHealthy(ports: Ports): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${ports.etcdClient}/health`, { signal: AbortSignal.timeout(2000) });
  return res.ok && ((await res.json()) as { health?: string }).health === 'true';
}

/** GET on kube-apiserver with the admin client certificate; resolves to status and body. */
export function apiserverGet(ports: Ports, pki: Pki, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port: ports.apiserver, path, method: 'GET', timeout: 3000,
      ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey),
    }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Ready as envtest defines it: /readyz is 200 and the `default` namespace exists. */
export async function apiserverReady(ports: Ports, pki: Pki): Promise<boolean> {
  if ((await apiserverGet(ports, pki, '/readyz')).status !== 200) return false;
  return (await apiserverGet(ports, pki, '/api/v1/namespaces/default')).status === 200;
}

/** Ready when the management port reports UP and the admin client gets a token. */
export async function keycloakReady(ports: Ports, admin: KeycloakAdmin): Promise<boolean> {
  const health = await fetch(`http://127.0.0.1:${ports.keycloakManagement}/health/ready`, { signal: AbortSignal.timeout(2000) });
  if (!health.ok) return false;
  const token = await fetch(`http://127.0.0.1:${ports.keycloak}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: admin.clientId, client_secret: admin.clientSecret }),
    signal: AbortSignal.timeout(5000),
  });
  return token.ok;
}

/** Writes a kubeconfig for the admin client certificate (certificates embedded). */
export function writeAdminKubeconfig(file: string, ports: Ports, pki: Pki): void {
  const b64 = (f: string) => readFileSync(f).toString('base64');
  writeFileAtomic(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'dko-testenv',
    clusters: [{ name: 'dko-testenv', cluster: { server: `https://127.0.0.1:${ports.apiserver}`, 'certificate-authority-data': b64(pki.caCert) } }],
    users: [{ name: 'admin', user: { 'client-certificate-data': b64(pki.adminCert), 'client-key-data': b64(pki.adminKey) } }],
    contexts: [{ name: 'dko-testenv', context: { cluster: 'dko-testenv', user: 'admin' } }],
  }, null, 2));
}
