import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../env/test-env.js';
import { API_GROUP_VERSION, KIND_NAMES, parseSpec, type Kind } from '../../../src/api/index.js';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { parentRef?: { name: string } };
}

const dir = join(repoRoot, 'examples');
const manifests = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => ({ file, object: doc.toJS() as Manifest })));
const custom = manifests.filter((m) => m.object.apiVersion === API_GROUP_VERSION);

describe('examples', () => {
  it('cover every kind, all in namespace dash-enterprise', () => {
    expect(new Set(custom.map((m) => m.object.kind))).toEqual(new Set(KIND_NAMES));
    for (const { object } of manifests) {
      expect(object.kind === 'Namespace' ? object.metadata.name : object.metadata.namespace).toBe('dash-enterprise');
    }
  });

  it.each(custom.map((m) => [`${m.file} ${m.object.kind}/${m.object.metadata.name}`, m.object] as const))('%s parses with the API schema', (_name, object) => {
    const result = parseSpec(object.kind as Kind, object);
    expect(result.ok ? 'ok' : result.message).toBe('ok');
  });

  it('nest groups three levels through parentRef', () => {
    const groups = custom.filter((m) => m.object.kind === 'DashGroup').map((m) => m.object);
    const parentOf = new Map(groups.map((g) => [g.metadata.name, g.spec?.parentRef?.name]));
    const depth = (name: string | undefined): number => (name === undefined ? 0 : 1 + depth(parentOf.get(name)));
    expect(Math.max(...groups.map((g) => depth(g.metadata.name)))).toBe(3);
  });
});
