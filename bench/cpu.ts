import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { testenvDir } from '../test/env/test-env.js';

/** CPU seconds (user + system) each process of the measurement has used so far, by name. */
export type CpuSample = Record<string, number>;

/** Linux reports /proc times in USER_HZ, 100 per second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * Where the machine's time goes: the CPU the environment's processes (each with its children,
 * e.g. Keycloak's JVM under kc.sh, counted by process group) and the operator have used. On
 * this small machine they share two cores; a converge that saturates them is bound by the
 * machine, not by waiting, and the split says whose work it is.
 */
export function cpuSample(operatorPid: number): CpuSample {
  const groups = environmentGroups();
  const sample: CpuSample = { keycloak: 0, 'kube-apiserver': 0, etcd: 0, operator: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const name = Number(entry) === operatorPid ? 'operator' : groups.get(stat.group);
    if (name) sample[name] = (sample[name] ?? 0) + stat.seconds;
  }
  return sample;
}

/** CPU seconds used between two samples, by name, rounded to 0.1 s. */
export function cpuBetween(before: CpuSample, after: CpuSample): CpuSample {
  return Object.fromEntries(Object.keys(after).map((name) => [name, Math.round(((after[name] ?? 0) - (before[name] ?? 0)) * 10) / 10]));
}

// The environment's process group leaders, as test/env recorded them when it started them.
function environmentGroups(): Map<number, string> {
  const run = JSON.parse(readFileSync(join(testenvDir, 'run.json'), 'utf8')) as { processes?: Record<string, { pid: number }> };
  return new Map(Object.entries(run.processes ?? {}).map(([name, p]) => [p.pid, name]));
}

// /proc/<pid>/stat: the command may hold spaces and parentheses, the fields follow the last ')'.
function readStat(pid: number): { group: number; seconds: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)?.split(' ') ?? [];
    return { group: Number(fields[2]), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined; // the process ended meanwhile
  }
}
