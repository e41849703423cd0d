import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { API_GROUP, API_VERSION, KINDS, type Kind } from '../../../src/api/index.js';
import { freePort } from '../../env/processes.js';
import { loadTestEnv, repoRoot, testenvDir, uniqueName, type TestEnv } from '../../env/test-env.js';
import { installCrds } from '../api/install-crds.js';
import { KeycloakRest } from '../support/keycloak-rest.js';
import { lateBound } from '../support/late-bound.js';

/** A running operator process under test, with its own namespace, realm name and log file. */
export interface OperatorUnderTest {
  namespace: string;
  realm: string;
  env: TestEnv;
  kc: k8s.KubeConfig;
  logFile: string;
  /** The operator's Prometheus endpoint. */
  metricsUrl: string;
  apply(manifest: object | object[]): void;
  delete(kind: Kind, name: string): void;
  get<T = Record<string, unknown>>(kind: Kind, name: string): Promise<T | undefined>;
  waitFor<T = Record<string, unknown>>(kind: Kind, name: string, check: (obj: T) => boolean, timeoutMs?: number): Promise<T>;
  waitReady<T = Record<string, unknown>>(kind: Kind, name: string, timeoutMs?: number): Promise<T>;
  logs(): string;
  stop(): Promise<void>;
  /** Sends `signal` to the operator process (fault injection: SIGKILL by default) and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the operator (`src/main.ts run`, through tsx) against the real test environment,
 * watching one fresh namespace, with its lease in that namespace, on free ports. The
 * process is stopped by PID in `stop()`.
 */
export interface StartOptions {
  /** Kubeconfig the operator runs with (default: the admin one); e.g. a ServiceAccount token's. */
  kubeconfig?: string;
  /** Watch this existing namespace instead of a fresh one. */
  namespace?: string;
  /** Namespace of the leader-election Lease (default: the watched namespace). */
  leaseNamespace?: string;
  extraArgs?: string[];
  extraEnv?: Record<string, string>;
}

export async function startOperator(options: StartOptions = {}): Promise<OperatorUnderTest> {
  const env = loadTestEnv();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(env.KUBECONFIG);
  await installCrds(kc);
  const namespace = options.namespace ?? uniqueName('op');
  const kubectl = (args: string[], input?: string) =>
    execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  if (!options.namespace) kubectl(['create', 'namespace', namespace]);
  const logFile = join(testenvDir, `${uniqueName(`operator-${namespace}`)}.log`);
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const child = launch(env, namespace, logFile, options, metricsPort, healthPort);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);

  const get = async <T>(kind: Kind, name: string): Promise<T | undefined> =>
    custom.getNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: KINDS[kind].plural, name })
      .then((o) => o as T, (err: unknown) => {
        // Only a 404 means "gone": another failure (API server restarting) must not look like it.
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      });
  const waitFor = async <T>(kind: Kind, name: string, check: (obj: T) => boolean, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    while (Date.now() < deadline) {
      last = await get<T>(kind, name).catch(() => last); // a transient API failure: look again
      if (last && check(last)) return last;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${kind} ${namespace}/${name} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
  };
  return {
    namespace, realm: uniqueName('realm'), env, kc, logFile, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    apply: (manifest) => {
      const docs = (Array.isArray(manifest) ? manifest : [manifest]).map((m) => stringify({ ...m, metadata: { namespace, ...(m as { metadata?: object }).metadata } }));
      kubectl(['apply', '-n', namespace, '-f', '-'], docs.join('---\n'));
    },
    delete: (kind, name) => { kubectl(['delete', '-n', namespace, KINDS[kind].plural, name, '--wait=false']); },
    get, waitFor,
    waitReady: <T>(kind: Kind, name: string, timeoutMs?: number) => waitFor<T>(kind, name, isReady, timeoutMs),
    logs: () => readFileSync(logFile, 'utf8'),
    stop: () => stopChild(child),
    kill: (signal = 'SIGKILL') => killChild(child, signal),
  };
}

/** True when the object's Ready condition is True for its current generation. */
export function isReady(obj: unknown): boolean {
  const o = obj as { metadata?: { generation?: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] } };
  return o.status?.observedGeneration === o.metadata?.generation
    && (o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
}

/** The Ready condition of an object, if any. */
export function readyCondition(obj: unknown): { status: string; reason: string; message: string } | undefined {
  return (obj as { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } }).status?.conditions?.find((c) => c.type === 'Ready');
}

function launch(env: TestEnv, namespace: string, logFile: string, options: StartOptions, metrics: number, health: number): Promise<ChildProcess> {
  return Promise.resolve().then(() => {
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [
      '--import', 'tsx', join(repoRoot, 'src', 'main.ts'), 'run',
      `--kubeconfig=${options.kubeconfig ?? env.KUBECONFIG}`, `--keycloak-url=${env.KEYCLOAK_URL}`,
      `--namespaces=${namespace}`, `--leader-election-namespace=${options.leaseNamespace ?? namespace}`,
      `--metrics-port=${metrics}`, `--health-port=${health}`, ...(options.extraArgs ?? []),
    ], {
      cwd: repoRoot,
      env: { ...process.env, KEYCLOAK_CLIENT_ID: env.KEYCLOAK_ADMIN_CLIENT_ID, KEYCLOAK_CLIENT_SECRET: env.KEYCLOAK_ADMIN_CLIENT_SECRET, LOG_LEVEL: 'debug', ...options.extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return child;
  });
}

async function killChild(child: Promise<ChildProcess>, signal: NodeJS.Signals): Promise<void> {
  const proc = await child;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  await exited;
}

async function stopChild(child: Promise<ChildProcess>): Promise<void> {
  const proc = await child;
  if (proc.exitCode !== null || proc.signalCode !== null) return; // exited, or killed by a signal
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** What `useOperator` starts besides the operator. */
export interface UseOperatorOptions extends StartOptions {
  /**
   * The spec of a DashRealm `dash` on this run's realm (`realm: op.realm` is added): applied
   * once the operator runs, and waited on until Ready. Without it, no DashRealm is applied.
   */
  realm?: Record<string, unknown>;
  /** Objects applied once the operator runs, before (and together with) the DashRealm. */
  apply?: object[];
}

/** What `useOperator` gives a describe block. */
export interface OperatorFixture {
  /** The operator under test: started in beforeAll (a stand-in that throws until then). */
  op: OperatorUnderTest;
  /** A raw REST reader of Keycloak (never src/keycloak). */
  rest: KeycloakRest;
  /** Makes `op` stand for `next` from now on (an operator started again); afterAll stops that one. */
  replace(next: OperatorUnderTest): void;
}

/**
 * The usual fixture of an operator-level test: registers a beforeAll that starts the operator
 * with `options` (or with what `options()` returns then, for options made by an earlier hook)
 * and applies what they name, and an afterAll that stops it and deletes this run's Keycloak
 * realm. Hooks registered after it run after its beforeAll (more setup) and after its afterAll
 * (more cleanup).
 */
export function useOperator(options: UseOperatorOptions | (() => UseOperatorOptions) = {}): OperatorFixture {
  const op = lateBound<OperatorUnderTest>('the operator under test');
  const rest = new KeycloakRest(loadTestEnv());
  beforeAll(async () => {
    const { realm, apply = [], ...start } = typeof options === 'function' ? options() : options;
    op.set(await startOperator(start));
    const manifests = realm ? [...apply, { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: op.value.realm, ...realm } }] : apply;
    if (manifests.length > 0) op.value.apply(manifests);
    if (realm) await op.value.waitReady('DashRealm', 'dash');
  });
  afterAll(async () => {
    const started = op.current();
    if (!started) return;
    await started.stop();
    await rest.deleteRealm(started.realm);
  });
  return { op: op.value, rest, replace: (next) => op.set(next) };
}
