// `npm run bench [-- --users N --groups M]`: converge DashUsers, nested DashGroups and their
// bindings through the operator (started as the default install runs it, watching every
// namespace, with unrelated Secrets and ConfigMaps around), compare with the raw admin-API
// floor in the same run, verify Keycloak's end state with raw REST, then measure exactly one
// unchanged resync and the latency of three kinds of change. Without flags it runs 1,000/100
// and 5,000/500 and writes bench/results/latest.json; other runs write to --out (or /tmp).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KeycloakRest } from '../test/integration/support/keycloak-rest.js';
import { ensureEnv } from '../test/env/environment.js';
import { repoRoot, uniqueName } from '../test/env/test-env.js';
import { parseBenchArgs, parseDuration, resyncFor } from './args.js';
import { BenchCluster } from './cluster.js';
import { runFloor } from './floor.js';
import { createNoise, deleteNoise, foreignDashNamespaces } from './noise.js';
import { benchResults, printTable } from './report.js';
import { benchShape } from './shape.js';
import { runSize, type SizeResult } from './size-run.js';

const CONCURRENCY = 8; // the Keycloak port's default per-connection limit: the floor uses it too

const args = parseBenchArgs(process.argv.slice(2));
const { env } = await ensureEnv();
const cluster = new BenchCluster(env);
const rest = new KeycloakRest(env);
cluster.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=dko-bench', '-f', join(repoRoot, 'crds')]);
// On a fresh environment the kinds are served only once their CRDs are Established.
cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', join(repoRoot, 'crds')]);

// A cluster-wide operator would reconcile every Dash object of the environment, other
// people's tests included: refuse rather than fight them (--scoped watches only ours).
const foreign = args.scoped ? [] : foreignDashNamespaces(cluster, []);
if (foreign.length > 0) {
  throw new Error(`Dash objects exist in ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}: a cluster-wide operator would reconcile them. `
    + 'Run the bench on an environment of its own, or pass --scoped (watches the bench and noise namespaces only; its RSS is then not the default install\'s)');
}

const noiseStart = performance.now();
const noise = await createNoise(cluster, args.noise);
process.stderr.write(`[bench] ${args.noise} unrelated Secrets/ConfigMaps in ${((performance.now() - noiseStart) / 1000).toFixed(1)} s\n`);
// A Keycloak just started runs its first thousand users several times slower (JIT warm-up):
// measured cold, the first floor came out at 17 s against 3.4 s warm, flattering every ratio.
// One discarded floor run of the first size warms it for both the floor and the operator.
const warm = uniqueName('warmup');
const warmShape = args.sizes[0] ?? { users: 1000, groups: 100 };
const warmUp = await runFloor({ rest, realm: warm, shape: benchShape(warmShape.users, warmShape.groups), concurrency: CONCURRENCY });
await rest.deleteRealm(warm);
process.stderr.write(`[bench] Keycloak warmed up: a discarded floor run of ${warmShape.users} users took ${warmUp.seconds.toFixed(1)} s\n`);
const sizes: SizeResult[] = [];
// A size that fails is named in the results with its error; the sizes measured are still written.
const failed: { users: number; groups: number; error: string }[] = [];
try {
  for (const size of args.sizes) {
    const resync = args.resync ?? resyncFor(size.users);
    try {
      sizes.push(await runSize(env, cluster, rest, { ...size, repeats: args.repeats, resync, resyncMs: parseDuration(resync), concurrency: CONCURRENCY, watchNamespaces: args.scoped ? noise : undefined }));
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      process.stderr.write(`[bench ${size.users}/${size.groups}] FAILED: ${error}\n`);
      failed.push({ ...size, error });
    }
  }
} finally {
  await deleteNoise(cluster, noise);
}

const results = { ...benchResults(sizes, { concurrency: CONCURRENCY, watch: args.scoped ? 'bench and noise namespaces (--scoped)' : 'all namespaces', noise_objects: args.noise }), failed_sizes: failed };
const out = args.out ?? (args.defaultSizes ? join(repoRoot, 'bench', 'results', 'latest.json') : `/tmp/dko-bench-${args.sizes.map((s) => `${s.users}x${s.groups}`).join('-')}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
printTable(results);
for (const f of failed) process.stdout.write(`size ${f.users} / ${f.groups} FAILED: ${f.error}\n`);
process.stdout.write(`\nwrote ${out}\n`);
if (failed.length > 0) process.exitCode = 1;
