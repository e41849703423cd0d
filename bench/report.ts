import { DRIFT_KINDS, type DriftResult } from './drift.js';
import { CHANGE_KINDS, type Latency } from './latency.js';
import type { SizeResult } from './size-run.js';

/** bench/results/latest.json: the first size's figures (the 1,000-user run by default) and every size side by side. */
export function benchResults(sizes: SizeResult[], extra: { concurrency: number; watch: string; noise_objects: number }) {
  const [first] = sizes;
  if (!first) throw new Error('no size was run');
  return {
    users: first.users, groups: first.groups, concurrency: extra.concurrency,
    converge_seconds: round(first.convergeSeconds), floor_seconds: round(first.floorSeconds), converge_ratio: round(first.convergeSeconds / first.floorSeconds),
    apply_seconds: round(first.applySeconds), status_final_seconds: round(first.statusFinalSeconds), keycloak_check_seconds: round(first.checkSeconds),
    keycloak_requests: first.keycloakRequests, floor_requests: first.floorRequests, requests_per_object: round(first.keycloakRequests / first.objects),
    steady_writes: first.steady.writes, steady_reads_per_object: round(first.steady.reads / first.objects),
    steady_reconciles: first.steady.reconciles, objects: first.objects,
    peak_rss_mb: round(first.peakRssMb), heap_used_mb: round(first.heapUsedMb),
    change_latency_ms: latencySummary(first.latencies),
    drift_latency_ms: driftSummary(first.drift),
    drift_poll_requests_per_minute: round(first.drift.pollRequestsPerMinute),
    keycloak_verified: sizes.every((s) => s.keycloakVerified),
    changes_verified: sizes.every((s) => s.changesVerified),
    resync: first.resync, watch: extra.watch, noise_objects: extra.noise_objects,
    scale: sizes.map((s) => ({
      users: s.users, groups: s.groups, resync: s.resync, converge_seconds: round(s.convergeSeconds), apply_seconds: round(s.applySeconds), floor_seconds: round(s.floorSeconds),
      converge_ratio: round(s.convergeSeconds / s.floorSeconds), requests_per_object: round(s.keycloakRequests / s.objects),
      converge_seconds_per_1000_users: round((s.convergeSeconds * 1000) / s.users), peak_rss_mb: round(s.peakRssMb),
      steady_writes: s.steady.writes, steady_reads_per_object: round(s.steady.reads / s.objects),
      change_latency_ms: latencySummary(s.latencies),
      drift_latency_ms: driftSummary(s.drift), drift_poll_requests_per_minute: round(s.drift.pollRequestsPerMinute),
      status_writes_per_object: round(s.statusWrites / s.objects),
      converge_cpu_seconds: s.convergeCpu, floor_keycloak_cpu_seconds: s.floorCpu.keycloak ?? 0,
      requests_by_route: s.requestsByRoute,
    })),
  };
}

/** Medians over all changes and per change kind, of those reached; `not_reached` counts the others (Keycloak or status). */
function latencySummary(latencies: Latency[]) {
  const medians = (ls: Latency[]) => ({
    keycloak_median: median(reached(ls.map((l) => l.keycloak))), status_median: median(reached(ls.map((l) => l.status))),
    not_reached: ls.filter((l) => l.keycloak === null || l.status === null).length,
  });
  return { ...medians(latencies), ...Object.fromEntries(CHANGE_KINDS.map((k) => [k, medians(latencies.filter((l) => l.kind === k))])) } as
    ReturnType<typeof medians> & Record<(typeof CHANGE_KINDS)[number], ReturnType<typeof medians>>;
}

/** Median and p95 over every outside change (external admin-REST change -> changed back in Keycloak), and the median per kind. */
function driftSummary(drift: DriftResult) {
  const ms = reached(drift.latencies.map((l) => l.ms));
  return {
    changes: drift.latencies.length, not_reached: drift.latencies.length - ms.length, median: median(ms), p95: percentile(ms, 0.95),
    ...Object.fromEntries(DRIFT_KINDS.map((k) => [k, median(reached(drift.latencies.filter((l) => l.kind === k).map((l) => l.ms)))])),
  } as { changes: number; not_reached: number; median: number; p95: number } & Record<(typeof DRIFT_KINDS)[number], number>;
}

const reached = (values: (number | null)[]): number[] => values.filter((v): v is number => v !== null);

/** Prints every size side by side, one row per figure. */
export function printTable(r: ReturnType<typeof benchResults>): void {
  const row = (label: string, cell: (s: (typeof r.scale)[number]) => string, note = '') =>
    `${label.padEnd(44)} ${r.scale.map((s) => cell(s).padStart(22)).join(' ')}  ${note}\n`;
  const missed = (n: number) => (n > 0 ? ` (${n} not reached)` : '');
  const lat = (k: 'binding_edit' | 'group_roles' | 'user_field') => (s: (typeof r.scale)[number]) =>
    `${s.change_latency_ms[k].keycloak_median} / ${s.change_latency_ms[k].status_median} ms${missed(s.change_latency_ms[k].not_reached)}`;
  process.stdout.write(`\nbench: concurrency ${r.concurrency}, watching ${r.watch}, ${r.noise_objects} unrelated Secrets/ConfigMaps; Keycloak verified: ${r.keycloak_verified}; after the changes: ${r.changes_verified}\n`);
  process.stdout.write(row('size (users / groups)', (s) => `${s.users} / ${s.groups}`));
  process.stdout.write([
    row('converge: apply -> statuses final + KC check', (s) => `${s.converge_seconds} s`, 'both end at a passing raw-REST check'),
    row('  of which kubectl apply (1 object at a time)', (s) => `${s.apply_seconds} s`, 'the operator cannot finish before the last object arrives'),
    row('floor (same check included)', (s) => `${s.floor_seconds} s`),
    row('converge ratio', (s) => String(s.converge_ratio), 'target <= 1.5'),
    row('converge seconds per 1,000 users', (s) => String(s.converge_seconds_per_1000_users)),
    row('Keycloak requests per object', (s) => String(s.requests_per_object)),
    row('status writes per object', (s) => String(s.status_writes_per_object)),
    row('CPU s converging: KC / apiserver+etcd / op', (s) => `${s.converge_cpu_seconds.keycloak} / ${round((s.converge_cpu_seconds['kube-apiserver'] ?? 0) + (s.converge_cpu_seconds.etcd ?? 0))} / ${s.converge_cpu_seconds.operator}`,
      'two cores: 2 CPU s per second'),
    row('CPU s of Keycloak in the floor', (s) => String(s.floor_keycloak_cpu_seconds)),
    row('resync period', (s) => s.resync),
    row('one resync: Keycloak writes', (s) => String(s.steady_writes), 'target 0'),
    row('one resync: reads per object', (s) => String(s.steady_reads_per_object), 'target <= 2'),
    row('operator peak RSS', (s) => `${s.peak_rss_mb} MiB`, 'target < 200 MiB'),
    row('binding edited: -> KC / -> status (median)', lat('binding_edit'), 'target < 1000 ms'),
    row('group roles changed: -> KC / -> status', lat('group_roles')),
    row('user field changed: -> KC / -> status', lat('user_field')),
    row('all changes: -> KC / -> status (median)', (s) => `${s.change_latency_ms.keycloak_median} / ${s.change_latency_ms.status_median} ms`),
    row('drift changed back in KC: median / p95', (s) => `${s.drift_latency_ms.median} / ${s.drift_latency_ms.p95} ms${missed(s.drift_latency_ms.not_reached)}`, 'target < 2000 / < 5000 ms'),
    row('admin event reads per minute (one realm)', (s) => String(s.drift_poll_requests_per_minute), '30 at the 2 s default'),
  ].join(''));
  for (const s of r.scale) {
    process.stdout.write(`\nKeycloak requests while converging ${s.users} / ${s.groups}, by route (per object):\n`);
    for (const { route, requests, per_object } of s.requests_by_route.slice(0, 12)) process.stdout.write(`  ${String(requests).padStart(8)}  ${String(per_object).padStart(6)}  ${route}\n`);
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

// Nearest rank: the smallest value at or above the fraction `p` of the sorted values.
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? 0;
}
