import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parse } from 'yaml';
import { repoRoot } from '../../env/test-env.js';
import { generatedFiles, HELM_CRD_DIR } from '../../../scripts/crd/files.js';
import { toStructuralSchema, type SchemaNode } from '../../../scripts/crd/structural.js';
import { KIND_NAMES, KINDS, SCHEMAS } from '../../../src/api/index.js';

const files = generatedFiles();

describe('generated files', () => {
  it.each([...files.keys()])('%s is committed as `npm run generate` writes it', (path) => {
    const committed = readFileSync(join(repoRoot, path), 'utf8');
    expect(committed === files.get(path)).toBe(true);
  });

  it('gives the Helm chart the identical CRDs', () => {
    for (const [path, content] of files) {
      if (path.startsWith('crds/')) expect(files.get(path.replace('crds/', `${HELM_CRD_DIR}/`))).toBe(content);
    }
  });

  it.each(KIND_NAMES)('%s: status subresource, category dash, Ready column', (kind) => {
    const crd = parse(files.get(`crds/${KINDS[kind].plural}.identity.dashops.dev.yaml`) ?? '');
    const version = crd.spec.versions[0];
    expect(version.subresources).toEqual({ status: {} });
    expect(crd.spec.names.categories).toEqual(['dash']);
    expect(version.additionalPrinterColumns[0]).toMatchObject({ name: 'Ready', jsonPath: '.status.conditions[?(@.type=="Ready")].status' });
  });
});

describe('the schemas', () => {
  it.each(KIND_NAMES)('%s: every field has a description, every string and list a bound', (kind) => {
    const problems: string[] = [];
    for (const part of ['spec', 'status'] as const) walk(toStructuralSchema(SCHEMAS[kind][part]), part, problems);
    expect(problems).toEqual([]);
  });

  it('refuses what a structural schema cannot hold, naming the path', () => {
    expect(() => toStructuralSchema(z.object({ a: z.union([z.string(), z.int()]) }))).toThrow(/\.a: anyOf is not structural/);
    expect(() => toStructuralSchema(z.object({ a: z.any() }))).toThrow(/\.a: a node without a type/);
  });

  it('keeps a free-form map as preserve-unknown-fields and drops additionalProperties: false', () => {
    const out = toStructuralSchema(z.strictObject({ m: z.record(z.string(), z.unknown()) }));
    expect(out.additionalProperties).toBeUndefined();
    expect((out.properties as Record<string, SchemaNode>).m).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });
});

function walk(node: SchemaNode, path: string, problems: string[]): void {
  if (!node.description && !path.endsWith('[]') && !path.endsWith('.*')) problems.push(`${path}: no description`);
  if (node.type === 'string' && node.maxLength === undefined && node.enum === undefined) problems.push(`${path}: no maxLength`);
  if (node.type === 'array' && node.maxItems === undefined) problems.push(`${path}: no maxItems`);
  for (const [name, child] of Object.entries((node.properties as Record<string, SchemaNode> | undefined) ?? {})) walk(child, `${path}.${name}`, problems);
  if (node.items) walk(node.items as SchemaNode, `${path}[]`, problems);
  if (typeof node.additionalProperties === 'object') walk(node.additionalProperties as SchemaNode, `${path}.*`, problems);
}
