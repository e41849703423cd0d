import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ManifestError, readManifests } from '../../../src/diff/manifests.js';

const dir = mkdtempSync(join(tmpdir(), 'dko-manifests-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const problems = (paths: string[], stdin = '') => {
  try {
    readManifests(paths, () => stdin);
  } catch (err) {
    if (err instanceof ManifestError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a ManifestError');
};
const user = (name: string, username: string, extra = '') => `apiVersion: identity.dashops.dev/v1alpha1\nkind: DashUser\nmetadata: {name: ${name}${extra}}\nspec: {realmRef: {name: dash}, username: ${username}}\n`;

describe('the manifests diff reads', () => {
  it('reads files, directories (*.yaml, *.yml, *.json, sorted) and stdin, with admission defaults applied', () => {
    const sub = mkdtempSync(join(dir, 'sub-'));
    writeFileSync(join(sub, 'b.yaml'), user('b', 'bob'));
    writeFileSync(join(sub, 'a.yml'), `---\n${user('a', 'al')}---\n`);
    writeFileSync(join(sub, 'notes.txt'), 'not a manifest');
    const objects = readManifests([sub, '-'], () => user('c', 'cy', ', namespace: ns'));
    expect(objects.map((o) => `${o.namespace}/${o.name}`)).toEqual(['default/a', 'default/b', 'ns/c']);
    expect(objects[0]?.source).toMatch(/a\.yml: document 1$/); // a leading --- opens the first document
  });

  it('refuses other kinds, invalid specs, duplicates, bad YAML and alias bombs, naming file, document, object and field', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`;
    const found = problems([
      file('secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: pw}\nstringData: {password: hunter2}\n'),
      file('bad.yaml', user('Bad_Name', 'ok') + '---\n' + user('x', 'Has Space')),
      file('dup.yaml', user('d', 'dee') + '---\n' + user('d', 'dee')),
      file('broken.yaml', 'kind: [unclosed\n'),
      file('bomb.yaml', bomb),
      join(dir, 'missing.yaml'),
    ]);
    // Unreadable paths are named first, then each document in order, then duplicates.
    expect(found).toEqual([
      expect.stringMatching(/missing\.yaml: no such file or directory$/),
      expect.stringMatching(/secret\.yaml: document 1: "v1" "Secret" is not a Dash kind/),
      expect.stringMatching(/bad\.yaml: document 1: DashUser: metadata\.name: must be a Kubernetes object name$/),
      expect.stringMatching(/bad\.yaml: document 2: DashUser x: spec\.username: must be a Keycloak username/),
      expect.stringMatching(/broken\.yaml: document 1: not YAML: /),
      expect.stringMatching(/bomb\.yaml: document 1: not YAML: Excessive alias count/),
      expect.stringMatching(/dup\.yaml: document 2: DashUser default\/d is also defined at .*dup\.yaml: document 1$/),
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });
});
