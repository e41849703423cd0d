// `npm run generate`: writes the CRDs (crds/ and the Helm chart's copy) and docs/api.md from
// the zod schemas in src/api. `--check` writes nothing and exits 1 when a committed file differs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './crd/files.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const stale: string[] = [];

for (const [path, content] of generatedFiles()) {
  const file = join(root, path);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  stale.push(path);
  if (check) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

if (check && stale.length > 0) {
  console.error(`out of date (run \`npm run generate\`): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(stale.length === 0 ? 'generated files are up to date' : `wrote ${stale.join(', ')}`);
