import { readRunState, startComponent, stopComponent, type ComponentName, type RunState } from './environment.js';
import { killProcess } from './processes.js';

function state(): RunState {
  const s = readRunState();
  if (!s) throw new Error('no test environment is running: run `npm run env:up`');
  return s;
}

/** Stops one server of the running environment gracefully (SIGTERM, then SIGKILL). */
export async function stopServer(name: ComponentName): Promise<void> {
  await stopComponent(state(), name);
}

/** Kills one server at once (fault injection). */
export function killServer(name: ComponentName): void {
  const s = state();
  const proc = s.processes[name];
  if (proc) killProcess(proc);
}

/** Starts a stopped server again on the same ports and waits until it is ready. */
export async function startServer(name: ComponentName): Promise<void> {
  await startComponent(state(), name);
}

/**
 * Restarts kube-apiserver on the same port (etcd keeps the data): watches drop and must
 * recover. Keycloak restarts lose its in-memory data; tests that restart it expect that.
 */
export async function restartKubeApiserver(): Promise<void> {
  await stopServer('kube-apiserver');
  await startServer('kube-apiserver');
}

/** Restarts Keycloak: a fresh, empty in-memory database with the same admin credentials. */
export async function restartKeycloak(): Promise<void> {
  await stopServer('keycloak');
  await startServer('keycloak');
}
