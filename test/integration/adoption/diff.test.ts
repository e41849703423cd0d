import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { loadTestEnv, uniqueName } from '../../env/test-env.js';
import { disabledLdapProvider } from '../support/keycloak-fixtures.js';
import { KeycloakRest } from '../support/keycloak-rest.js';
import { runCli } from './cli.js';
import { buildHandMadeRealm } from './hand-built-realm.js';

type Manifest = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec: Record<string, unknown> };

// diff plans manifests against the live Keycloak and writes nothing: every test counts the
// realm's admin events (raw REST) across its diff runs and expects none. No cluster is used.
describe('dash-keycloak-operator diff against a live realm', () => {
  const env = loadTestEnv();
  const rest = new KeycloakRest(env);
  const realm = uniqueName('diff');
  const dir = mkdtempSync(join(tmpdir(), 'dko-diff-'));
  let exported: Manifest[];
  beforeAll(async () => {
    await buildHandMadeRealm(rest, realm, (r) => disabledLdapProvider(rest, r), 20);
    const run = runCli(env, ['export', '--realm', realm, '--namespace', 'team-a']);
    expect(run.status).toBe(0);
    exported = parseAllDocuments(run.stdout).map((d) => d.toJS() as Manifest);
  }, 120_000);
  afterAll(async () => {
    await rest.deleteRealm(realm);
  });

  const write = (name: string, docs: object[]) => {
    const file = join(dir, name);
    writeFileSync(file, docs.map((d) => `---\n${stringify(d)}`).join(''));
    return file;
  };
  const diffWritingNothing = async (args: string[], input?: string) => {
    const since = Date.now() - 1;
    const run = runCli(env, ['diff', ...args], input);
    await new Promise((r) => setTimeout(r, 500));
    expect(await rest.adminEventsSince(realm, since)).toEqual([]);
    return run;
  };
  const edited = (edit: (docs: Manifest[]) => void) => {
    const docs = structuredClone(exported);
    edit(docs);
    return docs;
  };
  const user = (docs: Manifest[], username: string) => docs.find((d) => d.kind === 'DashUser' && d.spec.username === username) as Manifest;

  it('an exported realm diffs clean (exit 0), from a directory or stdin', async () => {
    const cleanDir = mkdtempSync(join(tmpdir(), 'dko-diff-clean-'));
    writeFileSync(join(cleanDir, 'all.yaml'), exported.map((d) => `---\n${stringify(d)}`).join(''));
    const clean = await diffWritingNothing(['-f', cleanDir]);
    expect(clean.stderr).toBe('');
    expect(clean.stdout).toMatch(new RegExp(`^  DashRealm team-a/${realm} \\(realm ${realm}\\): unchanged\n    note: adoption: the operator would record its claim[^\n]*\n0 to create, 0 to change, 0 refused, 57 unchanged\n$`));
    expect(clean.status).toBe(0);
    expect((await diffWritingNothing(['-f', '-'], exported.map((d) => `---\n${stringify(d)}`).join(''))).status).toBe(0);
  });

  it('prints what would be created, changed (field: old -> new) and removed, and exits 1', async () => {
    const docs = edited((d) => {
      const u = user(d, 'user001');
      u.spec.email = 'changed@example.com';
      u.spec.groups = [];
      user(d, 'user002').spec.enabled = false;
      (d.find((x) => x.kind === 'DashRealm') as Manifest).spec.login = { rememberMe: false };
      d.push({ kind: 'DashUser', metadata: { name: 'newcomer' }, spec: { realmRef: { name: realm }, username: 'newcomer', email: 'new@example.com', initialPassword: { secretRef: { name: 'pw', key: 'password' } } } } as Manifest);
      d.push({ kind: 'DashRoleBinding', metadata: { name: 'extra' }, spec: { realmRef: { name: realm }, roles: ['admin'], subjects: [{ kind: 'User', name: 'user001' }] } } as Manifest);
      for (const x of d.slice(-2)) Object.assign(x, { apiVersion: 'identity.dashops.dev/v1alpha1', metadata: { ...x.metadata, namespace: 'team-a' } });
    });
    const run = await diffWritingNothing(['-f', write('changed.yaml', docs)]);
    expect(run.status).toBe(1);
    const was = (await rest.usersNamed(realm, 'user001'))[0];
    expect(run.stdout).toContain(`~ DashUser team-a/user001 (user user001 in realm ${realm}): would change\n    email: ${JSON.stringify(was.email)} -> "changed@example.com"\n    groups: - `);
    expect(run.stdout).toContain('    enabled: true -> false');
    expect(run.stdout).toContain('    login.rememberMe: true -> false');
    expect(run.stdout).toContain(`+ DashUser team-a/newcomer (user newcomer in realm ${realm}): would be created\n    user: created\n    email: "new@example.com"`);
    expect(run.stdout).toContain('    not compared: initialPassword: Secret pw is not compared: diff reads no Secret');
    expect(run.stdout).toContain('    User:user001: + admin');
    expect(run.stdout).toMatch(/1 to create, 4 to change, 0 refused, \d+ unchanged\n$/);
  });

  it('reports what the operator would refuse: an existing user without the adopt annotation', async () => {
    const docs = edited((d) => { delete user(d, 'user003').metadata.annotations; });
    const run = await diffWritingNothing(['-f', write('refused.yaml', docs)]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('! DashUser team-a/user003');
    expect(run.stdout).toContain('AdoptionRequired: the user exists; annotate the DashUser identity.dashops.dev/adopt: "true" to manage it');
  });

  it('refuses invalid manifests and other kinds with exit 2, naming file, object and field, before reading Keycloak', async () => {
    const bad = write('bad.yaml', [
      { apiVersion: 'identity.dashops.dev/v1alpha1', kind: 'DashUser', metadata: { name: 'x' }, spec: { realmRef: { name: realm }, username: 'Has Space' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pw' }, stringData: { password: 'p' } },
    ]);
    const run = await diffWritingNothing(['-f', bad]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${bad}: document 1: DashUser x: spec.username: must be a Keycloak username`);
    expect(run.stderr).toContain(`${bad}: document 2: "v1" "Secret" is not a Dash kind`);
    expect(run.stdout).toBe('');
    expect((await diffWritingNothing(['-f', join(dir, 'missing.yaml')])).stderr).toContain('missing.yaml: no such file or directory');
  });
});
