import { stringify } from 'yaml';
import type { KeycloakRest } from '../test/integration/support/keycloak-rest.js';
import type { TestEnv } from '../test/env/test-env.js';
import { uniqueName } from '../test/env/test-env.js';
import type { BenchCluster, StatusWatch } from './cluster.js';
import { expectedState, type ExpectedState } from './expected.js';
import { cpuBetween, cpuSample, type CpuSample } from './cpu.js';
import { runFloor } from './floor.js';
import { measureDrift, type DriftResult } from './drift.js';
import { readKeycloakState, stateMismatches } from './keycloak-state.js';
import { measureChanges, type Latency } from './latency.js';
import { benchManifests, objectCount } from './manifests.js';
import { startBenchOperator, sumByLabel, sumMetric } from './operator.js';
import { benchShape } from './shape.js';
import { measureOneResync, type SteadyResult } from './steady.js';
import { KEYCLOAK_REQUESTS, sleep, waitQuiet } from './waits.js';

const STATUS_WRITES = 'dash_keycloak_operator_status_writes_total';

/** How one size is run. */
export interface SizeOptions {
  users: number;
  groups: number;
  repeats: number;
  resyncMs: number;
  resync: string;
  concurrency: number;
  /** Watch only these namespaces (plus the bench's own); undefined: every namespace, as the default install. */
  watchNamespaces?: string[];
}

/** Everything measured for one size. */
export interface SizeResult {
  users: number;
  groups: number;
  resync: string;
  objects: number;
  convergeSeconds: number;
  /** How long `kubectl apply` took to create the objects (part of convergeSeconds). */
  applySeconds: number;
  statusFinalSeconds: number;
  floorSeconds: number;
  checkSeconds: number;
  keycloakRequests: number;
  floorRequests: number;
  steady: SteadyResult;
  latencies: Latency[];
  drift: DriftResult;
  peakRssMb: number;
  heapUsedMb: number;
  keycloakVerified: boolean;
  /** Whether statuses were final and Keycloak as expected again after the changes and drift corrections. */
  changesVerified: boolean;
  /** The operator's Keycloak requests while converging, by route (metrics label), largest first. */
  requestsByRoute: { route: string; requests: number; per_object: number }[];
  /** Status patches the operator sent while converging. */
  statusWrites: number;
  /** CPU seconds by process while converging (kubectl apply to the end point), and Keycloak's during the floor. */
  convergeCpu: CpuSample;
  floorCpu: CpuSample;
}

const CONVERGE_TIMEOUT_MS = 60 * 60_000;
/** Outside changes the drift measurement makes per size (mixed kinds). */
const DRIFT_CHANGES = 20;
const KEYCLOAK_GRACE_MS = 30_000;
/** How long statuses may take to be final again after the changes (a group role change reaches every user). */
const VERIFY_TIMEOUT_MS = 20 * 60_000;

/**
 * Runs one size: the floor on its own realm, then the operator from apply to the end point,
 * one resync, the one-change latencies, and a last Keycloak check covering those changes.
 * Both the floor and the operator stop their clock at the end of a passing raw-REST check of
 * the whole Keycloak end state, so both include one check. Cleans up its namespace and realms.
 */
export async function runSize(env: TestEnv, cluster: BenchCluster, rest: KeycloakRest, o: SizeOptions): Promise<SizeResult> {
  const shape = benchShape(o.users, o.groups);
  const objects = objectCount(shape);
  const log = (msg: string) => process.stderr.write(`[bench ${o.users}/${o.groups}] ${msg}\n`);

  const floorRealm = uniqueName('floor');
  const floorCpuStart = cpuSample(0);
  const floor = await runFloor({ rest, realm: floorRealm, shape, concurrency: o.concurrency });
  const floorCheck = await checkKeycloak(rest, floorRealm, expectedState(shape), 0);
  const floorCpu = cpuBetween(floorCpuStart, cpuSample(0));
  await rest.deleteRealm(floorRealm);
  log(`floor ${floor.seconds.toFixed(1)} s + check ${floorCheck.toFixed(1)} s`);

  const namespace = uniqueName('bench');
  const realm = uniqueName('bench');
  cluster.kubectl(['create', 'namespace', namespace]);
  const op = await startBenchOperator(env, { leaseNamespace: namespace, resyncPeriod: o.resync, watchNamespaces: o.watchNamespaces && [namespace, ...o.watchNamespaces] });
  try {
    const expected = expectedState(shape);
    const statuses = await cluster.watchStatuses(namespace);
    const cpuStart = cpuSample(op.pid);
    const t0 = performance.now();
    cluster.kubectl(['apply', '-n', namespace, '-f', '-'], benchManifests(realm, shape).map((m) => stringify(m)).join('---\n'));
    // kubectl creates the objects one by one: the operator cannot finish before the last arrives.
    const applySeconds = (performance.now() - t0) / 1000;
    const statusFinal = await waitStatusFinal(statuses, expected, objects, t0, log).finally(() => statuses.stop());
    const check = await checkKeycloak(rest, realm, expected, KEYCLOAK_GRACE_MS);
    const convergeSeconds = (performance.now() - t0) / 1000;
    const convergeCpu = cpuBetween(cpuStart, cpuSample(op.pid));
    const converged = await op.metrics();
    const keycloakRequests = sumMetric(converged, KEYCLOAK_REQUESTS);
    // What the converge cost by admin API call: the first place to look when requests per object grow.
    const requestsByRoute = sumByLabel(converged, KEYCLOAK_REQUESTS, 'route').map(([route, n]) => ({ route, requests: n, per_object: Math.round((n / objects) * 100) / 100 }));
    const statusWrites = sumMetric(converged, STATUS_WRITES);
    log(`converged in ${convergeSeconds.toFixed(1)} s (kubectl apply took ${applySeconds.toFixed(1)} s, statuses final at ${statusFinal.toFixed(1)} s), Keycloak verified`);
    log(`CPU while converging: ${Object.entries(convergeCpu).map(([name, sec]) => `${name} ${sec} s`).join(', ')}; ${statusWrites} status writes`);

    await waitQuiet(op, 2000);
    const steady = await measureOneResync(op, rest, realm, objects, o.resyncMs);
    log(`one resync: ${steady.reconciles} passes, ${steady.reads} reads, ${steady.writes} writes in ${steady.seconds.toFixed(1)} s`);
    const latencies = await measureChanges({ cluster, rest, op, namespace, realm, shape, expected, resyncMs: o.resyncMs }, o.repeats);
    const drift = await measureDrift(env, rest, op, realm, shape, expected, o.resyncMs, DRIFT_CHANGES);
    log(`drift: ${drift.latencies.filter((l) => l.ms !== null).length} of ${drift.latencies.length} outside changes changed back within 60 s, ${drift.pollRequestsPerMinute.toFixed(1)} admin event reads per minute`);
    const changesVerified = await verifyAfterChanges(cluster, rest, namespace, realm, expected, objects, log);

    const metrics = await op.metrics();
    return {
      users: o.users, groups: shape.groups.length, resync: o.resync, objects, convergeSeconds, applySeconds, statusFinalSeconds: statusFinal,
      floorSeconds: floor.seconds + floorCheck, checkSeconds: check, keycloakRequests, floorRequests: floor.requests, steady, latencies, drift,
      peakRssMb: op.peakRssMb(), heapUsedMb: sumMetric(metrics, 'dash_keycloak_operator_nodejs_heap_size_used_bytes') / (1 << 20), keycloakVerified: true, changesVerified,
      statusWrites, convergeCpu, floorCpu, requestsByRoute,
    };
  } finally {
    await op.stop();
    await cluster.purge(namespace);
    await rest.deleteRealm(realm);
  }
}

/**
 * After the one-change and drift measurements: statuses final again and Keycloak as the
 * manifests (with the changes) imply. A failure is reported as changes_verified false, with its
 * first mismatches logged, so the figures measured before it are still written.
 */
async function verifyAfterChanges(
  cluster: BenchCluster, rest: KeycloakRest, namespace: string, realm: string, expected: ExpectedState, objects: number, log: (m: string) => void,
): Promise<boolean> {
  try {
    // A watch of its own: one kept open for the half hour of measurements could have been closed by then.
    const again = await cluster.watchStatuses(namespace);
    await waitStatusFinal(again, expected, objects, performance.now(), log, VERIFY_TIMEOUT_MS).finally(() => again.stop());
    await checkKeycloak(rest, realm, expected, KEYCLOAK_GRACE_MS);
    log('changes and drift corrections verified in Keycloak');
    return true;
  } catch (err) {
    log(`changes and drift corrections NOT verified: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

/** Polls statuses until final; resolves with seconds since `t0`. Logs the first gaps every 30 s. */
async function waitStatusFinal(
  statuses: StatusWatch, expected: ExpectedState, objects: number, t0: number, log: (m: string) => void, timeoutMs = CONVERGE_TIMEOUT_MS,
): Promise<number> {
  let told = performance.now();
  for (;;) {
    const gaps = statuses.gaps(expected, objects);
    if (gaps.length === 0) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > timeoutMs) throw new Error(`statuses not final after ${timeoutMs / 60_000} min:\n  ${gaps.slice(0, 10).join('\n  ')}`);
    if (performance.now() - told > 30_000) {
      log(`waiting for statuses: ${gaps.slice(0, 3).join('; ')}`);
      told = performance.now();
    }
    await sleep(250);
  }
}

/**
 * Reads the realm with raw REST until it equals `expected`; resolves with the seconds the
 * passing read took. Throws with the first mismatches when it still differs after `graceMs`
 * (statuses said final, so Keycloak should already hold it: a difference is a finding).
 */
async function checkKeycloak(rest: KeycloakRest, realm: string, expected: ExpectedState, graceMs: number): Promise<number> {
  const deadline = performance.now() + graceMs;
  for (;;) {
    const start = performance.now();
    const mismatches = stateMismatches(expected, await readKeycloakState(rest, realm));
    if (mismatches.length === 0) return (performance.now() - start) / 1000;
    if (performance.now() > deadline) {
      throw new Error(`Keycloak does not hold what the manifests imply (${mismatches.length} mismatches), keycloak_verified stays false:\n  ${mismatches.slice(0, 10).join('\n  ')}`);
    }
    await sleep(1000);
  }
}
