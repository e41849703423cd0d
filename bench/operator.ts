import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../test/env/processes.js';
import { repoRoot, testenvDir, type TestEnv } from '../test/env/test-env.js';
import { OPERATOR_NODE_OPTIONS } from './node-options.js';

/** The operator process a benchmark measures, with access to its metrics and memory. */
export interface BenchOperator {
  pid: number;
  metrics(): Promise<Map<string, number>>;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/**
 * Starts `dash-keycloak-operator run` watching one namespace: the built `dist/main.js` the
 * image ships (`npm run bench` builds it first), so memory and CPU are the product's, not tsx's.
 */
export async function startBenchOperator(env: TestEnv, namespace: string, resyncPeriod: string): Promise<BenchOperator> {
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const log = createWriteStream(join(testenvDir, `bench-operator-${namespace}.log`));
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'dist', 'main.js'), 'run',
    `--kubeconfig=${env.KUBECONFIG}`, `--keycloak-url=${env.KEYCLOAK_URL}`, `--namespaces=${namespace}`,
    `--leader-election-namespace=${namespace}`, `--metrics-port=${metricsPort}`, `--health-port=${healthPort}`,
    `--resync-period=${resyncPeriod}`], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KEYCLOAK_CLIENT_ID: env.KEYCLOAK_ADMIN_CLIENT_ID, KEYCLOAK_CLIENT_SECRET: env.KEYCLOAK_ADMIN_CLIENT_SECRET, LOG_LEVEL: 'warn', NODE_OPTIONS: OPERATOR_NODE_OPTIONS },
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid ?? 0;
  return {
    pid,
    metrics: async () => parseMetrics(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()),
    peakRssMb: () => {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return Number(hwm ?? 0) / 1024;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Prometheus text -> `name{labels}` -> value. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

/** Sums every series of a metric whose labels contain all of `labels`. */
export function sumMetric(metrics: Map<string, number>, name: string, labels: string[] = []): number {
  let sum = 0;
  for (const [series, value] of metrics) {
    if ((series === name || series.startsWith(`${name}{`)) && labels.every((l) => series.includes(l))) sum += value;
  }
  return sum;
}
