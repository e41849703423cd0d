import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** How to (re)start one server of the test environment; recorded so control.ts can restart it. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  logFile: string;
}

/** A started server: its PID and the executable that PID must still run to be ours. */
export interface RunningProcess {
  name: string;
  pid: number;
  command: string;
}

/**
 * Starts a server detached in its own process group, so it outlives the script that
 * started it (env:up) and can be stopped as a group (kc.sh forks java).
 */
export function spawnDetached(spec: ProcessSpec): RunningProcess {
  const log = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);
  return { name: spec.name, pid: child.pid, command: spec.command };
}

/** True when `pid` is alive and still runs our command (guards against a recycled PID). */
export function isOurs(proc: RunningProcess): boolean {
  try {
    process.kill(proc.pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8');
    return cmdline.includes(proc.command.split('/').pop() ?? proc.command);
  } catch {
    return false;
  }
}

/** Stops a process group we started: SIGTERM, then SIGKILL after `graceMs`. Tolerates it being gone. */
export async function stopProcess(proc: RunningProcess, graceMs = 10_000): Promise<void> {
  if (!isOurs(proc)) return;
  signalGroup(proc.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive(proc.pid)) return;
    await sleep(100);
  }
  signalGroup(proc.pid, 'SIGKILL');
  while (alive(proc.pid)) await sleep(50);
}

/** Kills a process group at once (fault injection): no chance to clean up. */
export function killProcess(proc: RunningProcess): void {
  if (isOurs(proc)) signalGroup(proc.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; /proc tells whether it has exited.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]?.startsWith('Z');
  } catch {
    return false;
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true; throws with `what` and the last error after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
}

/** A TCP port on 127.0.0.1 that is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
