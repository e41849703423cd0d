import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../env/test-env.js';
import { versions } from '../../env/versions.js';

// A cold `npm run env:setup` (and so `npm run demo`) builds for minutes: it must say how long
// before it starts, then show that it is still working. Run for real on a fresh cache where
// only helm is missing (the quickest build; Go's build cache makes it seconds after the
// environment's own setup).
describe('test/env/setup.sh on a cold cache', () => {
  const cache = mkdtempSync(join(tmpdir(), 'dko-setup-'));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('prints the expected build time before building, then progress lines until it is done', () => {
    for (const dir of [`kubernetes-${versions.KUBERNETES_VERSION}`, `etcd-${versions.ETCD_VERSION}`, `keycloak-${versions.KEYCLOAK_VERSION}`]) {
      mkdirSync(join(cache, dir));
      writeFileSync(join(cache, dir, '.done'), '');
    }
    const r = spawnSync('bash', [join(repoRoot, 'test', 'env', 'setup.sh')], {
      encoding: 'utf8', env: { ...process.env, DKO_TESTENV_CACHE: cache, DKO_SETUP_PROGRESS_SECONDS: '0.2' },
    });
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n').map((l) => l.replace(/^\[testenv setup [\d:]+\] /, ''));
    const plan = lines.findIndex((l) => /^cold build of helm: about \d+m\d\ds on \d+ cores/.test(l));
    const building = lines.findIndex((l) => l.startsWith(`building helm ${versions.HELM_VERSION}`));
    const progress = lines.filter((l) => /^\.\.\. building helm: \d+m\d\ds so far, usually about \d+m\d\ds$/.test(l));
    expect({ plan, before: plan >= 0 && plan < building, progress: progress.length > 0 }).toEqual({ plan: expect.any(Number) as number, before: true, progress: true });
    expect(lines.at(-2)).toBe(`ready in ${cache}`);
    expect(existsSync(join(cache, `helm-${versions.HELM_VERSION}-k8s`, '.done'))).toBe(true);
  });

  it('says nothing about a build when everything is cached', () => {
    const r = spawnSync('bash', [join(repoRoot, 'test', 'env', 'setup.sh')], { encoding: 'utf8', env: { ...process.env, DKO_TESTENV_CACHE: cache } });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/cold build|building|so far/);
  });
});
