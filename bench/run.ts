// `npm run bench`: converge 1,000 DashUsers, 100 nested DashGroups and their bindings through
// the operator on the real environment, compare with the raw admin-API floor in the same run,
// then measure an unchanged resync and the latency of one change. Prints a table and writes
// bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { API_GROUP, API_VERSION, KINDS, type Kind } from '../src/api/index.js';
import { createKeycloakConnection } from '../src/keycloak/index.js';
import { ensureEnv } from '../test/env/environment.js';
import { repoRoot, uniqueName } from '../test/env/test-env.js';
import { runFloor } from './floor.js';
import { benchManifests } from './manifests.js';
import { startBenchOperator, sumMetric } from './operator.js';
import { benchShape } from './shape.js';

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const CONCURRENCY = 8; // the Keycloak port's default per-connection limit: both runs use it
const RESYNC = process.env.BENCH_RESYNC ?? '60s';

const { env } = await ensureEnv();
const kubectl = (args: string[], input?: string) => execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 28 });
kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=dko-bench', '-f', join(repoRoot, 'crds')]);
const admin = createKeycloakConnection({ url: env.KEYCLOAK_URL, credentials: { clientId: env.KEYCLOAK_ADMIN_CLIENT_ID, clientSecret: env.KEYCLOAK_ADMIN_CLIENT_SECRET }, maxConcurrency: CONCURRENCY });
const shape = benchShape(USERS);

// The floor first, on its own realm: the fewest admin calls that reach the same end state.
const floorRealm = uniqueName('floor');
const floor = await runFloor({ url: env.KEYCLOAK_URL, token: tokenProvider(), realm: floorRealm, shape, concurrency: CONCURRENCY });
await admin.deleteRealm(floorRealm);

const namespace = uniqueName('bench');
const realm = uniqueName('bench');
kubectl(['create', 'namespace', namespace]);
const operator = await startBenchOperator(env, namespace, RESYNC);
const kc = new k8s.KubeConfig();
kc.loadFromFile(env.KUBECONFIG);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);

const t0 = performance.now();
kubectl(['apply', '-n', namespace, '-f', '-'], benchManifests(realm, shape).map((m) => stringify(m)).join('---\n'));
await waitAllReady(['DashRealm', 'DashGroup', 'DashUser', 'DashRoleBinding'], 1 + shape.groups.length + shape.users.length + 1 + Math.ceil(USERS / 100));
await waitRolesComplete();
const convergeSeconds = (performance.now() - t0) / 1000;
const afterConverge = await operator.metrics();
const keycloakRequests = sumMetric(afterConverge, 'dash_keycloak_operator_keycloak_requests_total');

// Steady state: admin events on, one full resync of everything, count writes and reads.
await admin.updateRealm(realm, { adminEventsEnabled: true });
const objects = 1 + shape.groups.length + shape.users.length + 1 + Math.ceil(USERS / 100);
const before = await operator.metrics();
const since = Date.now();
await new Promise((r) => setTimeout(r, parseSeconds(RESYNC) * 1000 + 15_000));
const after = await operator.metrics();
const steadyWrites = await admin.countAdminEvents(realm, since);
const steadyReads = sumMetric(after, 'dash_keycloak_operator_keycloak_requests_total', ['method="GET"']) - sumMetric(before, 'dash_keycloak_operator_keycloak_requests_total', ['method="GET"']);

// One change: add a user to a licensed binding and time it to Keycloak and to status.
const latencies = await changeLatencies(5);
const peakRss = operator.peakRssMb();
const heapUsed = sumMetric(after, 'dash_keycloak_operator_nodejs_heap_size_used_bytes') / (1 << 20);
await operator.stop();
kubectl(['delete', 'namespace', namespace, '--wait=false']);
await admin.deleteRealm(realm);
await admin.close();

const results = {
  users: USERS, groups: shape.groups.length, concurrency: CONCURRENCY,
  converge_seconds: round(convergeSeconds), floor_seconds: round(floor.seconds), converge_ratio: round(convergeSeconds / floor.seconds),
  keycloak_requests: keycloakRequests, floor_requests: floor.requests, requests_per_object: round(keycloakRequests / objects),
  steady_writes: steadyWrites, steady_reads_per_object: round(steadyReads / objects),
  peak_rss_mb: round(peakRss), heap_used_mb: round(heapUsed),
  change_latency_ms: { keycloak_median: median(latencies.map((l) => l.keycloak)), status_median: median(latencies.map((l) => l.status)) },
};
mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
writeFileSync(join(repoRoot, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
printTable(results);

function tokenProvider(): () => Promise<string> {
  let token = '';
  let expires = 0;
  return async () => {
    if (Date.now() < expires) return token;
    const res = await fetch(`${env.KEYCLOAK_URL}/realms/master/protocol/openid-connect/token`, { method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: env.KEYCLOAK_ADMIN_CLIENT_ID, client_secret: env.KEYCLOAK_ADMIN_CLIENT_SECRET }) });
    const body = (await res.json()) as { access_token: string; expires_in: number };
    token = body.access_token;
    expires = Date.now() + (body.expires_in - 15) * 1000;
    return token;
  };
}

async function list(kind: Kind): Promise<{ metadata: { name: string; generation?: number }; status?: Record<string, unknown> & { observedGeneration?: number; conditions?: { type: string; status: string }[] } }[]> {
  const res = await custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: KINDS[kind].plural });
  return (res as { items: [] }).items;
}

async function waitAllReady(kinds: Kind[], total: number): Promise<void> {
  for (;;) {
    const all = (await Promise.all(kinds.map(list))).flat();
    const ready = all.filter((o) => o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    if (ready >= total) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

// Ready is per object; the end state also needs every user's status to show both roles.
async function waitRolesComplete(): Promise<void> {
  for (;;) {
    const users = await list('DashUser');
    const done = users.filter((u) => {
      const names = (u.status?.effectiveRoleNames as string[] | undefined) ?? [];
      return names.includes(shape.groupRole) && names.includes(shape.userRole);
    }).length;
    if (done >= USERS) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function changeLatencies(repeats: number): Promise<{ keycloak: number; status: number }[]> {
  const out: { keycloak: number; status: number }[] = [];
  const clientUuid = (await admin.findClient(realm, 'dash'))?.id ?? '';
  for (let i = 0; i < repeats; i++) {
    const username = uniqueName('late');
    const userId = await admin.createUser(realm, { username, enabled: true });
    const start = performance.now();
    kubectl(['apply', '-n', namespace, '-f', '-'], stringify({ apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'DashRoleBinding', metadata: { name: `late-${i}` },
      spec: { realmRef: { name: 'dash' }, roles: ['admin'], subjects: [{ kind: 'User', name: username }] } }));
    let keycloak = 0;
    for (;;) {
      const roles = await admin.listClientRoleMappings(realm, { kind: 'user', id: userId }, clientUuid, 'direct');
      if (!keycloak && roles.some((r) => r.name === 'admin')) keycloak = performance.now() - start;
      const b = (await list('DashRoleBinding')).find((x) => x.metadata.name === `late-${i}`);
      if (keycloak && b?.status?.observedGeneration === b?.metadata.generation && JSON.stringify(b?.status).includes('"resolved":true')) {
        out.push({ keycloak: Math.round(keycloak), status: Math.round(performance.now() - start) });
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return out;
}

function parseSeconds(d: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(d);
  if (!m) return 60;
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 } as Record<string, number>)[m[2] ?? 's']!;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function printTable(r: typeof results): void {
  const rows: [string, string, string][] = [
    ['converge (apply -> all Ready, roles in status)', `${r.converge_seconds} s`, `floor ${r.floor_seconds} s, ratio ${r.converge_ratio} (target <= 1.5)`],
    ['Keycloak requests to converge', String(r.keycloak_requests), `floor ${r.floor_requests}; ${r.requests_per_object} per object`],
    ['unchanged resync: Keycloak writes', String(r.steady_writes), 'target 0'],
    ['unchanged resync: reads per object', String(r.steady_reads_per_object), 'target <= 2'],
    ['operator peak RSS', `${r.peak_rss_mb} MiB`, `heap used ${r.heap_used_mb} MiB; target < 200 MiB`],
    ['one change -> Keycloak (median)', `${r.change_latency_ms.keycloak_median} ms`, 'target < 1000 ms'],
    ['one change -> status (median)', `${r.change_latency_ms.status_median} ms`, ''],
  ];
  process.stdout.write(`\nbench: ${r.users} users, ${r.groups} groups, concurrency ${r.concurrency}\n`);
  for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(48)} ${b.padStart(12)}  ${c}\n`);
}
