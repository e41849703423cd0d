// The demo: start (or reuse) the real environment, run the operator against it, apply
// examples/, and print what Keycloak now holds. `--once` exits after printing.
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, KIND_NAMES, KINDS } from '../src/api/index.js';
import { ensureEnv, stopEnv } from '../test/env/environment.js';
import { freePort } from '../test/env/processes.js';
import { repoRoot, testenvDir } from '../test/env/test-env.js';

const once = process.argv.includes('--once');
const { env, started } = await ensureEnv();
const kubectl = (...args: string[]) => execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args], { encoding: 'utf8' });
kubectl('apply', '--server-side', '--force-conflicts', '--field-manager=dko-demo', '-f', join(repoRoot, 'crds'));
kubectl('wait', '--for=condition=Established', '--timeout=60s', ...KIND_NAMES.map((k) => `crd/${KINDS[k].plural}.${API_GROUP}`));

const [metrics, health] = [await freePort(), await freePort()];
const logFile = join(testenvDir, 'demo-operator.log');
const log = createWriteStream(logFile, { flags: 'a' });
const operator = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'main.ts'), 'run',
  `--kubeconfig=${env.KUBECONFIG}`, `--keycloak-url=${env.KEYCLOAK_URL}`, `--metrics-port=${metrics}`, `--health-port=${health}`,
  '--namespaces=dash-enterprise', '--leader-election-namespace=dash-enterprise'], {
  cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, KEYCLOAK_CLIENT_ID: env.KEYCLOAK_ADMIN_CLIENT_ID, KEYCLOAK_CLIENT_SECRET: env.KEYCLOAK_ADMIN_CLIENT_SECRET },
});
operator.stdout.pipe(log);
operator.stderr.pipe(log);
// Listened for from the start: an operator that dies early (a bad flag, a crash) must not
// leave the demo waiting for an exit that already happened.
const exited = new Promise<void>((resolve) => operator.once('exit', () => resolve()));
const running = () => operator.exitCode === null && operator.signalCode === null;

kubectl('apply', '-f', join(repoRoot, 'examples'));
const kc = new k8s.KubeConfig();
kc.loadFromFile(env.KUBECONFIG);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
type Obj = { kind: string; metadata: { name: string }; spec: Record<string, unknown>; status?: Record<string, unknown> & { conditions?: { type: string; status: string; reason: string }[] } };
async function listKind(kind: (typeof KIND_NAMES)[number]): Promise<Obj[]> {
  const res = await custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace: 'dash-enterprise', plural: KINDS[kind].plural });
  return (res as { items: Obj[] }).items.map((o) => ({ ...o, kind }));
}
// The API server answers 429 for a moment after CRDs are (re)applied: keep the last answer and ask again.
const list = (previous: Obj[] = []): Promise<Obj[]> => Promise.all(KIND_NAMES.map(listKind)).then((lists) => lists.flat())
  .catch((err: unknown) => (Number((err as { code?: number }).code) === 429 ? previous : Promise.reject(err)));
const ready = (o: Obj) => o.status?.conditions?.find((c) => c.type === 'Ready');
const allReady = (objs: Obj[]) => objs.length > 0 && objs.every((o) => ready(o)?.status === 'True');

// Settled: everything Ready and no status changed for three polls in a row. Ready alone comes
// a moment early for what status reports of others (a user's effective roles follow the
// bindings' grants one pass later).
const statuses = (objs: Obj[]) => JSON.stringify(objs.map((o) => ({ ...o.status, conditions: o.status?.conditions?.map((c) => [c.type, c.status, c.reason]) })));
const deadline = Date.now() + 120_000;
let objects = await list();
for (let quiet = 0; Date.now() < deadline && running() && quiet < 3;) {
  await new Promise((r) => setTimeout(r, 1000));
  const next = await list(objects);
  quiet = allReady(next) && statuses(next) === statuses(objects) ? quiet + 1 : 0;
  objects = next;
}
printTable(objects);
if (!running()) process.stdout.write(`\nThe operator exited (code ${operator.exitCode ?? operator.signalCode}); its log: ${logFile}\n`);
process.stdout.write([
  '',
  'Poke at it:',
  `  source ${join(testenvDir, 'env.sh')}`,
  '  $KUBECTL get dash -n dash-enterprise',
  `  Keycloak admin console: ${env.KEYCLOAK_URL}/admin (user ${env.KEYCLOAK_ADMIN_USERNAME}, password in env.sh)`,
  `  operator log: ${logFile}; metrics: http://127.0.0.1:${metrics}/metrics`,
  '',
].join('\n'));

const shutdown = async () => {
  if (running()) operator.kill('SIGTERM');
  await exited;
  if (started) await stopEnv();
  process.exit(allReady(objects) ? 0 : 1);
};
if (once) await shutdown();
else {
  process.stdout.write('Running; Ctrl-C stops the operator (and the environment, if the demo started it).\n');
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

function printTable(objs: Obj[]): void {
  const rows = objs.map((o) => {
    const s = o.status ?? {};
    const what = o.kind === 'DashRealm' ? String(o.spec.realm ?? 'dash') : o.kind === 'DashGroup' ? String(s.path ?? '') : o.kind === 'DashUser' ? String(o.spec.username) : (o.spec.roles as string[]).join(',');
    const roles = o.kind === 'DashUser' ? ((s.effectiveRoles as { name: string; sources: string[] }[] | undefined) ?? []).map((r) => `${r.name}(${r.sources.join('+')})`).join(' ')
      : o.kind === 'DashGroup' ? [...((s.roles as string[]) ?? []), ...((s.inheritedRoles as string[]) ?? []).map((r) => `${r}(inherited)`)].join(' ') : '';
    const pending = o.kind === 'DashUser' ? String(s.logoutPending ?? '') : o.kind === 'DashGroup' ? String(s.logoutPending ?? '') : '';
    const r = ready(o);
    return [o.kind, o.metadata.name, r ? `${r.status} ${r.reason}` : 'Unknown', what, roles, pending];
  });
  const header = ['KIND', 'NAME', 'READY', 'REALM/PATH/USER/ROLES', 'EFFECTIVE ROLES', 'LOGOUT PENDING'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  for (const row of [header, ...rows]) process.stdout.write(`${row.map((c, i) => (c ?? '').padEnd(widths[i] ?? 0)).join('  ')}\n`);
}
