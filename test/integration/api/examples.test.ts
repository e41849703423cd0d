import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../env/test-env.js';
import { useCrds } from './crd-fixture.js';

const { env } = useCrds();
const dir = join(repoRoot, 'examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

/** Runs kubectl against the test environment; throws with kubectl's stderr on failure. */
function kubectl(...args: string[]): string {
  try {
    return execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`kubectl ${args.join(' ')}: ${String((error as { stderr?: string }).stderr ?? error)}`, { cause: error });
  }
}

beforeAll(async () => {
  // The examples name their namespace; a dry run of an object needs its namespace to exist.
  // It is created for real once and left in place (it holds nothing: every run is a dry run).
  kubectl('apply', '--server-side', '--field-manager=dko-examples-test', '-f', join(dir, '00-namespace.yaml'));
});

describe('examples', () => {
  it.each(files)('%s passes a server-side dry run under strict field validation', (file) => {
    // --dry-run=server sends dryRun=All: admission, schema, CEL rules and defaulting run, nothing is stored.
    const out = kubectl('apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager=dko-examples-test', '-o', 'name', '-f', join(dir, file));
    expect(out.trim().split('\n').length).toBeGreaterThan(0);
  });

  it('stored nothing but the namespace', () => {
    expect(kubectl('get', 'dash', '-n', 'dash-enterprise', '-o', 'name').trim()).toBe('');
  });
});
