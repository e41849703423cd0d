import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../test/env/processes.js';
import { repoRoot, testenvDir, type TestEnv } from '../test/env/test-env.js';
import { OPERATOR_NODE_OPTIONS } from './node-options.js';

/** The operator process a benchmark measures, with access to its metrics and memory. */
export interface BenchOperator {
  pid: number;
  /** performance.now() when the bench first saw the leader gauge at 1: controllers start then, and each resync period counts from there. */
  leadingSince: number;
  metrics(): Promise<Map<string, number>>;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/**
 * Starts `dash-keycloak-operator run` as the image ships it (the built `dist/main.js`; `npm run
 * bench` builds it first), so memory and CPU are the product's, not tsx's. Without
 * `watchNamespaces` it runs as the default install does, watching every namespace; resolves
 * once it leads (its controllers have started).
 */
export async function startBenchOperator(env: TestEnv, opts: { leaseNamespace: string; resyncPeriod: string; watchNamespaces?: string[] }): Promise<BenchOperator> {
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const log = createWriteStream(join(testenvDir, `bench-operator-${opts.leaseNamespace}.log`));
  const watch = opts.watchNamespaces ? [`--namespaces=${opts.watchNamespaces.join(',')}`] : [];
  // DKO_BENCH_CPU_PROF=<dir>: the operator writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.DKO_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.DKO_BENCH_CPU_PROF}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, join(repoRoot, 'dist', 'main.js'), 'run',
    `--kubeconfig=${env.KUBECONFIG}`, `--keycloak-url=${env.KEYCLOAK_URL}`, ...watch,
    `--leader-election-namespace=${opts.leaseNamespace}`, `--metrics-port=${metricsPort}`, `--health-port=${healthPort}`,
    `--resync-period=${opts.resyncPeriod}`], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KEYCLOAK_CLIENT_ID: env.KEYCLOAK_ADMIN_CLIENT_ID, KEYCLOAK_CLIENT_SECRET: env.KEYCLOAK_ADMIN_CLIENT_SECRET, LOG_LEVEL: 'warn', NODE_OPTIONS: OPERATOR_NODE_OPTIONS },
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid ?? 0;
  const metrics = async () => parseMetrics(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
  const leadingSince = await waitLeading(child, metrics);
  return {
    pid,
    leadingSince,
    metrics,
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

async function waitLeading(child: ChildProcess, metrics: () => Promise<Map<string, number>>): Promise<number> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the operator exited with ${child.exitCode}; see its log in the testenv directory`);
    const leading = await metrics().then((m) => m.get('dash_keycloak_operator_leader') === 1, () => false);
    if (leading) return performance.now();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the operator did not lead within 120 s');
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

/** Sums of a metric's series by the value of one label (series without it under ''), largest first. */
export function sumByLabel(metrics: Map<string, number>, name: string, label: string): [string, number][] {
  const sums = new Map<string, number>();
  for (const [series, value] of metrics) {
    if (series !== name && !series.startsWith(`${name}{`)) continue;
    const found = new RegExp(`[{,]${label}="([^"]*)"`).exec(series)?.[1] ?? '';
    sums.set(found, (sums.get(found) ?? 0) + value);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}
