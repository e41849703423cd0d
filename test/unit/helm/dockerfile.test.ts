import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATOR_NODE_OPTIONS } from '../../../bench/node-options.js';

// No container engine runs here, so the image cannot be built in CI: these checks hold the
// Dockerfile and .dockerignore to their invariants statically.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8');

type Instruction = { op: string; args: string };
type Stage = { image: string; name?: string; body: Instruction[] };

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => { const [op = '', ...rest] = l.split(/\s+/); return { op: op.toUpperCase(), args: rest.join(' ') }; });
}

/** The build stages, with global ARG defaults substituted into FROM. */
function stages(text: string): Stage[] {
  const args = new Map<string, string>();
  const result: Stage[] = [];
  for (const ins of instructions(text)) {
    if (ins.op === 'ARG' && result.length === 0) {
      const [k = '', v = ''] = ins.args.split('=');
      args.set(k, v);
    } else if (ins.op === 'FROM') {
      const [image = '', as, name] = ins.args.replace(/\$\{(\w+)\}/g, (_m, k: string) => args.get(k) ?? '').split(/\s+/);
      result.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, body: [] });
    } else {
      result.at(-1)?.body.push(ins);
    }
  }
  return result;
}

/** Whether the build context excludes `path`, by Docker's rules: the last matching pattern wins, and a pattern matching a parent directory matches its contents. */
function ignored(path: string): boolean {
  let excluded = false;
  for (const line of dockerignore.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/\/+$/, '');
    const re = new RegExp(`^${pattern.split('**/').map((p) => p.replace(/[.+^${}()|[\]]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('(?:.*/)?')}$`);
    const parts = path.split('/');
    if (parts.some((_p, i) => re.test(parts.slice(0, i + 1).join('/')))) excluded = !negated;
  }
  return excluded;
}

describe('the Dockerfile', () => {
  const all = stages(dockerfile);
  const names = all.map((s) => s.name);
  const runtime = all.at(-1) as Stage;
  const last = (op: string) => runtime.body.filter((i) => i.op === op).at(-1)?.args;

  it('is multi-stage, every stage on an official Node 24 image', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all) {
      if (names.includes(stage.image)) continue;
      expect(stage.image).toMatch(/^(docker\.io\/(library\/)?)?node:24([.-][\w.-]*)?(@sha256:[a-f0-9]{64})?$/);
    }
  });

  it('compiles with npm run build in a build stage and ships only dist/, package.json and production dependencies', () => {
    const runs = all.flatMap((s) => s.body.filter((i) => i.op === 'RUN').map((i) => i.args));
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    const copies = runtime.body.filter((i) => i.op === 'COPY').map((i) => i.args);
    const fromStage = (dest: string) => copies.find((c) => c.endsWith(dest))?.match(/--from=(\S+)/)?.[1];
    const depsStage = all.find((s) => s.name === fromStage('./node_modules'));
    expect(depsStage?.body.some((i) => i.op === 'RUN' && /\bnpm (ci|install)\b.*--omit=dev/.test(i.args))).toBe(true);
    expect(fromStage('./dist')).toBeDefined();
    expect(copies.filter((c) => !c.startsWith('--from=')).sort()).toEqual(['package.json ./']);
  });

  it('runs as a numeric non-root user', () => {
    expect(last('USER')).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it('starts node dist/main.js run', () => {
    expect(JSON.parse(last('ENTRYPOINT') ?? 'null')).toEqual(['node', 'dist/main.js']);
    expect(JSON.parse(last('CMD') ?? 'null')).toEqual(['run']);
  });

  it('bakes no secrets in: no whole-context copy, no env files, no secret-looking ARG or ENV', () => {
    const copies = all.flatMap((s) => s.body.filter((i) => i.op === 'COPY' || i.op === 'ADD').map((i) => i.args));
    for (const copy of copies) {
      const sources = copy.split(/\s+/).filter((w) => !w.startsWith('--')).slice(0, -1);
      expect(sources).not.toContain('.');
      expect(sources.filter((s) => /(^|\/)\.(env|testenv|git)\b|kubeconfig/.test(s))).toEqual([]);
    }
    const vars = all.flatMap((s) => s.body).concat(instructions(dockerfile)).filter((i) => i.op === 'ARG' || i.op === 'ENV');
    expect(vars.filter((i) => /SECRET|PASSWORD|TOKEN|KEYCLOAK_/i.test(i.args))).toEqual([]);
  });
});

describe('the .dockerignore', () => {
  it.each(['node_modules/jest/package.json', 'src/node_modules/x.js', '.git/HEAD', '.testenv/env.json', '.testenv/kubeconfig', 'test-results/jest.json', 'dist/main.js', '.env', 'src/.env.local', 'test/env/up.ts', 'helm/dash-keycloak-operator/values.yaml'])('keeps %s out of the build context', (path) => {
    expect(ignored(path)).toBe(true);
  });

  it.each(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/main.ts', 'src/api/index.ts'])('sends %s, which the build needs', (path) => {
    expect(ignored(path)).toBe(false);
  });
});

describe('the heap limit the operator ships with', () => {
  it('is the same in the image, the rendered deploy/ manifests and the benchmark that measures it', () => {
    const env = instructions(dockerfile).filter((i) => i.op === 'ENV' && i.args.startsWith('NODE_OPTIONS=')).map((i) => i.args.slice('NODE_OPTIONS='.length).replace(/^"|"$/g, ''));
    expect(env).toEqual([OPERATOR_NODE_OPTIONS]);
    const deployment = readFileSync(join(root, 'deploy', '50-deployment.yaml'), 'utf8');
    expect(deployment).toContain(`- name: NODE_OPTIONS\n              value: "${OPERATOR_NODE_OPTIONS}"`);
  });
});
