import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './files.js';
import { ensurePki, type Pki } from './certs.js';
import {
  apiserverReady, apiserverSpec, etcdHealthy, etcdSpec, keycloakJavaHome, keycloakReady, keycloakSpec,
  writeAdminKubeconfig, type KeycloakAdmin, type Ports,
} from './components.js';
import { freePort, isOurs, sleep, spawnDetached, stopProcess, waitFor, type ProcessSpec, type RunningProcess } from './processes.js';
import { testenvDir, type TestEnv } from './test-env.js';
import { binaries, versions } from './versions.js';

/** Everything env:up recorded: enough to check, restart and stop exactly what it started. */
export interface RunState {
  ports: Ports;
  pki: Pki;
  admin: KeycloakAdmin;
  specs: Record<ComponentName, ProcessSpec>;
  processes: Partial<Record<ComponentName, RunningProcess>>;
  timings: Record<string, number>;
}

/** The servers of the test environment, in start order. */
export type ComponentName = 'etcd' | 'kube-apiserver' | 'keycloak';

const stateFile = join(testenvDir, 'run.json');
const log = (msg: string) => process.stderr.write(`[testenv] ${msg}\n`);

/** Reads the recorded run state, or undefined when no environment was started here. */
export function readRunState(): RunState | undefined {
  if (!existsSync(stateFile)) return undefined;
  return JSON.parse(readFileSync(stateFile, 'utf8')) as RunState;
}

/** Persists the run state (PIDs included) before anything else can fail. */
export function writeRunState(state: RunState): void {
  writeFileAtomic(stateFile, JSON.stringify(state, null, 2));
}

/** True when every recorded process is ours and every server answers as ready. */
export async function healthy(state: RunState): Promise<boolean> {
  const names: ComponentName[] = ['etcd', 'kube-apiserver', 'keycloak'];
  if (!names.every((n) => state.processes[n] && isOurs(state.processes[n]))) return false;
  try {
    return (await etcdHealthy(state.ports)) && (await apiserverReady(state.ports, state.pki))
      && (await keycloakReady(state.ports, state.admin));
  } catch {
    return false;
  }
}

/**
 * Starts etcd, kube-apiserver and Keycloak unless a healthy environment already runs here.
 * Returns whether this call started it (so a caller stops only what it started).
 */
export async function ensureEnv(): Promise<{ env: TestEnv; started: boolean }> {
  const existing = await settledRunState();
  if (existing && (await healthy(existing))) {
    // A healthy environment of another Keycloak version (DKO_KEYCLOAK_VERSION) is someone
    // else's run: refuse rather than reuse it under the wrong version or stop it.
    const running = existing.specs.keycloak.command;
    const wanted = keycloakSpec(testenvDir, existing.ports, existing.admin, '').command;
    if (running !== wanted) {
      throw new Error(`the environment in ${testenvDir} runs ${running}, not Keycloak ${versions.KEYCLOAK_VERSION}: `
        + 'stop it (`npm run env:down` with the same DKO_TESTENV_DIR) or set DKO_TESTENV_DIR to another directory');
    }
    log(`reusing the healthy environment in ${testenvDir}`);
    return { env: writeEnvFiles(existing), started: false };
  }
  if (existing) await stopEnv();
  for (const [what, path] of Object.entries(binaries)) {
    if (!existsSync(path)) throw new Error(`missing ${what} at ${path}: run \`npm run env:setup\``);
  }
  mkdirSync(testenvDir, { recursive: true });
  const state = freshState();
  await planRun(state);
  writeRunState(state);
  const started = Date.now();
  await Promise.all([startControlPlane(state), startComponent(state, 'keycloak')]);
  state.timings.totalMs = Date.now() - started;
  writeRunState(state);
  log(`environment up in ${(state.timings.totalMs / 1000).toFixed(1)} s`);
  return { env: writeEnvFiles(state), started: true };
}

/**
 * The recorded environment once it is healthy, or once none of its processes is alive. A fault
 * test restarting a component of a shared environment makes it unhealthy for a while; replacing
 * it then would pull it from under every run using it (and a run that started it stops it at
 * its end), so a live environment gets time to come back first.
 */
async function settledRunState(): Promise<RunState | undefined> {
  const deadline = Date.now() + RECOVERY_WAIT_MS;
  for (;;) {
    const state = readRunState();
    if (!state || (await healthy(state))) return state;
    const alive = Object.values(state.processes).some((proc) => proc && isOurs(proc));
    if (!alive || Date.now() > deadline) return state;
    await sleep(1000);
  }
}

/** How long a live but unhealthy environment may take to recover before it is replaced. */
const RECOVERY_WAIT_MS = 90_000;

async function startControlPlane(state: RunState): Promise<void> {
  await startComponent(state, 'etcd');
  await startComponent(state, 'kube-apiserver');
}

/** Starts one recorded component and waits until it is ready; records PID and time taken. */
export async function startComponent(state: RunState, name: ComponentName): Promise<void> {
  const t0 = Date.now();
  state.processes[name] = spawnDetached(state.specs[name]);
  writeRunState(state);
  const ready: Record<ComponentName, () => Promise<boolean>> = {
    etcd: () => etcdHealthy(state.ports),
    'kube-apiserver': () => apiserverReady(state.ports, state.pki),
    keycloak: () => keycloakReady(state.ports, state.admin),
  };
  const proc = state.processes[name];
  await waitFor(`${name} to become ready (log: ${state.specs[name].logFile})`, async () => {
    if (!isOurs(proc)) throw new Error(`${name} exited; see ${state.specs[name].logFile}`);
    return ready[name]();
  }, name === 'keycloak' ? 240_000 : 120_000);
  state.timings[`${name}StartMs`] = Date.now() - t0;
  writeRunState(state);
  log(`${name} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Stops one recorded component (tolerates it being gone). */
export async function stopComponent(state: RunState, name: ComponentName): Promise<void> {
  const proc = state.processes[name];
  if (proc) await stopProcess(proc);
  delete state.processes[name];
  writeRunState(state);
}

/** Stops exactly the processes env:up recorded, newest first, and removes the run state. */
export async function stopEnv(): Promise<void> {
  const state = readRunState();
  if (!state) return;
  for (const name of ['keycloak', 'kube-apiserver', 'etcd'] as const) {
    const proc = state.processes[name];
    if (proc) {
      log(`stopping ${name} (pid ${proc.pid})`);
      await stopProcess(proc);
    }
  }
  rmSync(testenvDir, { recursive: true, force: true });
}

function freshState(): RunState {
  const pki = ensurePki(mkdirp(join(testenvDir, 'pki')));
  const secret = () => randomBytes(18).toString('base64url');
  const admin: KeycloakAdmin = { username: 'dko-admin', password: secret(), clientId: 'dko-admin-client', clientSecret: secret() };
  return { ports: {} as Ports, pki, admin, specs: {} as RunState['specs'], processes: {}, timings: {} };
}

/** Chooses free ports and builds every component's start spec. */
export async function planRun(state: RunState): Promise<void> {
  const ports: Ports = {
    etcdClient: await freePort(), etcdPeer: await freePort(), apiserver: await freePort(),
    keycloak: await freePort(), keycloakManagement: await freePort(),
  };
  state.ports = ports;
  state.specs = {
    etcd: etcdSpec(testenvDir, ports),
    'kube-apiserver': apiserverSpec(testenvDir, ports, state.pki),
    keycloak: keycloakSpec(testenvDir, ports, state.admin, keycloakJavaHome()),
  };
}

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes .testenv/env.json, env.sh and the admin kubeconfig; returns the env. */
function writeEnvFiles(state: RunState): TestEnv {
  const kubeconfig = join(testenvDir, 'kubeconfig');
  writeAdminKubeconfig(kubeconfig, state.ports, state.pki);
  const env: TestEnv = {
    KUBECONFIG: kubeconfig,
    KUBE_APISERVER_URL: `https://127.0.0.1:${state.ports.apiserver}`,
    KUBERNETES_VERSION: versions.KUBERNETES_VERSION ?? '',
    KEYCLOAK_URL: `http://127.0.0.1:${state.ports.keycloak}`,
    KEYCLOAK_MANAGEMENT_URL: `http://127.0.0.1:${state.ports.keycloakManagement}`,
    KEYCLOAK_VERSION: versions.KEYCLOAK_VERSION ?? '',
    KEYCLOAK_ADMIN_USERNAME: state.admin.username,
    KEYCLOAK_ADMIN_PASSWORD: state.admin.password,
    KEYCLOAK_ADMIN_CLIENT_ID: state.admin.clientId,
    KEYCLOAK_ADMIN_CLIENT_SECRET: state.admin.clientSecret,
    KUBECTL: binaries.kubectl,
    HELM: binaries.helm,
    ETCD_URL: `http://127.0.0.1:${state.ports.etcdClient}`,
  };
  writeFileAtomic(join(testenvDir, 'env.json'), JSON.stringify(env, null, 2));
  // KUBECACHEDIR: kubectl's discovery cache per environment (see test-env.ts).
  const sh = Object.entries({ ...env, KUBECACHEDIR: join(testenvDir, 'kube-cache') }).map(([k, v]) => `export ${k}='${v}'`).join('\n');
  writeFileAtomic(join(testenvDir, 'env.sh'), `# written by npm run env:up\n${sh}\n`);
  return env;
}
