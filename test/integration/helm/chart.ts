import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { serviceAccountKubeconfig } from '../../env/service-account.js';
import { loadTestEnv, repoRoot } from '../../env/test-env.js';

/** The chart under test. */
export const chartDir = join(repoRoot, 'helm', 'dash-keycloak-operator');

/** A command's exit code and output; never throws, so tests can assert on failures. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const env = loadTestEnv();

/** Runs a binary of the test environment and returns what it did. */
export function run(bin: string, args: string[], cwd = repoRoot): RunResult {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, KUBECONFIG: env.KUBECONFIG } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs helm against the test environment's kube-apiserver as cluster admin. */
export function helm(...args: string[]): RunResult {
  return run(env.HELM, ['--kubeconfig', env.KUBECONFIG, ...args]);
}

/** Runs kubectl as cluster admin. */
export function kubectl(...args: string[]): RunResult {
  return run(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args]);
}

/** Like `run`, but throws with the command's stderr when it fails. */
export function ok(r: RunResult): string {
  if (r.code !== 0) throw new Error(`command failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Writes `values` to a fresh file for `-f`, so tests pass structured values without --set escaping. */
export function valuesFile(values: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'dko-values-')), 'values.json');
  writeFileSync(file, JSON.stringify(values));
  return file;
}

/** A rendered manifest, loosely typed: tests read the fields they assert on. */
export type Manifest = { kind: string; metadata: { name: string; namespace?: string }; [key: string]: unknown };

/**
 * `helm template` of the chart with `values`, for the oldest Kubernetes the chart supports
 * (its kubeVersion), whatever version the helm binary assumes (helm-binary.test.ts checks
 * that the one setup.sh builds renders without --kube-version too).
 */
export function template(values: object = {}, release = 'dko', namespace = 'dko-system'): RunResult {
  return helm('template', release, chartDir, '--namespace', namespace, '--kube-version', '1.30.0', '-f', valuesFile(values));
}

/** The manifests `helm template` renders for `values`; throws if rendering fails. */
export function render(values: object = {}, release = 'dko', namespace = 'dko-system'): Manifest[] {
  return parseAllDocuments(ok(template(values, release, namespace)))
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

/** `helm install` (never --wait: no Pods start without a kubelet) of the chart into `namespace`. */
export function install(release: string, namespace: string, values: object = {}): RunResult {
  return helm('install', release, chartDir, '--namespace', namespace, '-f', valuesFile(values));
}

/** Creates a namespace as cluster admin. */
export function createNamespace(name: string): void {
  ok(kubectl('create', 'namespace', name));
}

/** API clients authenticated as ServiceAccount `namespace/name` through a real token. */
export function clientsAs(namespace: string, name: string) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(serviceAccountKubeconfig(namespace, name));
  return {
    core: kc.makeApiClient(k8s.CoreV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    coordination: kc.makeApiClient(k8s.CoordinationV1Api),
    events: kc.makeApiClient(k8s.EventsV1Api),
  };
}

/** The HTTP status a client call ended with: 200 when it succeeded, else the ApiException's code. */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (err) {
    if (err instanceof k8s.ApiException) return err.code;
    throw err;
  }
}

/** A Lease body named `name`, as the operator's elector would create it. */
export function lease(name: string): k8s.V1Lease {
  return { metadata: { name }, spec: { holderIdentity: 'test', leaseDurationSeconds: 15, acquireTime: new k8s.V1MicroTime(), renewTime: new k8s.V1MicroTime() } };
}

/** An events.k8s.io Event about an object in `namespace`, as the operator reports transitions. */
export function event(namespace: string): k8s.EventsV1Event {
  return {
    metadata: { generateName: 'dko-test-', namespace },
    eventTime: new k8s.V1MicroTime(),
    reportingController: 'identity.dashops.dev/dash-keycloak-operator',
    reportingInstance: 'test',
    action: 'Reconcile',
    reason: 'Reconciled',
    type: 'Normal',
    note: 'rbac test',
    regarding: { apiVersion: 'identity.dashops.dev/v1alpha1', kind: 'DashUser', name: 'alice', namespace },
  };
}

const CRDS = ['dashrealms', 'dashgroups', 'dashusers', 'dashrolebindings'];

/**
 * Resolves once the four CRDs are Established and served (helm install creates them from the
 * chart's crds/ when absent, other tests may have applied them already).
 */
export async function waitForCrds(timeoutMs = 60_000): Promise<void> {
  ok(kubectl('wait', '--for=condition=Established', `--timeout=${Math.round(timeoutMs / 1000)}s`, ...CRDS.map((p) => `crd/${p}.identity.dashops.dev`)));
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(env.KUBECONFIG);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const deadline = Date.now() + timeoutMs;
  // Right after Established a new resource may still answer 404/429 for a moment.
  for (const plural of CRDS) {
    while ((await statusOf(custom.listClusterCustomObject({ group: 'identity.dashops.dev', version: 'v1alpha1', plural }))) !== 200) {
      if (Date.now() > deadline) throw new Error(`${plural} not served in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
