import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { API_GROUP, API_VERSION, KIND_NAMES, KINDS, parseSpec, type Kind } from '../../../src/api/index.js';
import { isReady, useOperator } from '../operator/harness.js';
import { disabledLdapProvider } from '../support/keycloak-fixtures.js';
import type { RestRole } from '../support/keycloak-rest.js';
import { runCli, type CliRun } from './cli.js';
import { buildHandMadeRealm, YAML_EVIL, type HandBuiltRealm } from './hand-built-realm.js';

type Manifest = { kind: Kind; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec: Record<string, unknown> };
type Listed = { metadata: { name: string; generation?: number }; spec: { username?: string }; status?: { effectiveRoleNames?: string[]; keycloakId?: string } };

const documents = (yaml: string): Manifest[] => parseAllDocuments(yaml).map((d) => d.toJS() as Manifest);

// A realm made by hand (raw admin REST) is exported by the CLI, applied, and adopted by the
// operator without a single write to groups, users or role mappings (Keycloak's admin events).
describe('export, apply, adopt: a hand-built realm round-trips with no Keycloak writes', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=10s'] });
  let built: HandBuiltRealm;
  let exported: CliRun;
  beforeAll(async () => {
    built = await buildHandMadeRealm(rest, op.realm, (realm) => disabledLdapProvider(rest, realm));
    exported = runCli(op.env, ['export', '--realm', op.realm, '--namespace', op.namespace]);
  }, 300_000);

  it('exports every group, user and grant, valid under the admission schemas, annotated for adoption, byte-identical on a second run', () => {
    expect(exported.stderr).not.toContain('warning');
    expect(exported.status).toBe(0);
    const docs = documents(exported.stdout);
    const count = (kind: Kind) => docs.filter((d) => d.kind === kind).length;
    expect([count('DashRealm'), count('DashGroup'), count('DashUser')]).toEqual([1, 30, 200]);
    expect(built.usernames).toHaveLength(200);
    for (const doc of docs) {
      expect(parseSpec(doc.kind, doc)).toMatchObject({ ok: true });
      expect(doc.metadata.annotations).toEqual({ 'identity.dashops.dev/adopt': 'true' });
      expect(doc.metadata.namespace).toBe(op.namespace);
    }
    expect(docs.filter((d) => d.kind === 'DashUser').map((d) => d.spec.username).sort()).toEqual(built.usernames);
    expect(docs.filter((d) => d.kind === 'DashRoleBinding').map((d) => d.metadata.name)).toEqual(
      ['admin-groups', 'admin-users', 'editor-groups', 'editor-users', 'licensed-user-groups', 'licensed-user-users']);
    // Colliding names get a stable hash suffix each; the hostile profile survives YAML intact.
    expect(docs.filter((d) => d.kind === 'DashUser' && /^a-b-[0-9a-f]{6}$/.test(d.metadata.name))).toHaveLength(2);
    expect(docs.find((d) => d.spec.username === 'yaml-evil')?.spec).toMatchObject(YAML_EVIL);
    expect(exported.stdout).toMatch(/# federated user \(federationLink [^)\n]+\)[^\n]*\n[^#]*username: fed-user/);
    expect(exported.stdout).not.toMatch(/^\s*(password|initialPassword|secret|credentials?):/im);
    expect(runCli(op.env, ['export', '--realm', op.realm, '--namespace', op.namespace]).stdout).toBe(exported.stdout);
  });

  it('--split writes one file per kind holding the same objects', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dko-export-'));
    expect(runCli(op.env, ['export', '--realm', op.realm, '--namespace', op.namespace, '--split', dir]).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['groups.yaml', 'realm.yaml', 'rolebindings.yaml', 'users.yaml']);
    const all = ['realm.yaml', 'groups.yaml', 'users.yaml', 'rolebindings.yaml'].flatMap((f) => documents(readFileSync(join(dir, f), 'utf8')));
    expect(all).toEqual(documents(exported.stdout));
  });

  it('applied, converges with every object Ready, effective roles equal to Keycloak\'s, and no write but the realm claim', async () => {
    const since = Date.now() - 1000;
    const docs = documents(exported.stdout);
    op.apply(docs);
    const custom = op.kc.makeApiClient(k8s.CustomObjectsApi);
    const list = async (kind: Kind) => ((await custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace: op.namespace, plural: KINDS[kind].plural })) as { items: Listed[] }).items;
    const deadline = Date.now() + 480_000;
    let notReady: string[];
    do {
      await new Promise((r) => setTimeout(r, 2000));
      notReady = [];
      for (const kind of KIND_NAMES) for (const o of await list(kind)) if (!isReady(o)) notReady.push(`${kind}/${o.metadata.name}`);
    } while (notReady.length > 0 && Date.now() < deadline);
    expect(notReady).toEqual([]);
    // Two more resync periods: nothing is written late either.
    await new Promise((r) => setTimeout(r, 20_000));

    for (const user of await list('DashUser')) {
      const roles = (await rest.get<RestRole[]>(`/${op.realm}/users/${user.status?.keycloakId}/role-mappings/clients/${built.clientUuid}/composite`)) ?? [];
      expect({ user: user.spec.username, roles: user.status?.effectiveRoleNames ?? [] }).toEqual({ user: user.spec.username, roles: roles.map((r) => r.name).sort() });
    }
    // Adopting records the claim in the realm (SPEC §3: one DashRealm per Keycloak realm,
    // cluster-wide): one realm update. Nothing else: no group, user, mapping or profile write.
    expect(await writesSince(since)).toEqual(['UPDATE REALM']);
    expect((await rest.realm(op.realm))?.attributes?.['identity.dashops.dev/owner']).toMatch(new RegExp(`^${op.namespace}/`));
  }, 600_000);

  it('a user the operator then creates in the adopted realm still carries its owner mark (the profile declares it first)', async () => {
    const since = Date.now() - 1000;
    op.apply({ apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'DashUser', metadata: { name: 'newcomer' }, spec: { realmRef: { name: op.realm }, username: 'newcomer' } });
    await op.waitReady('DashUser', 'newcomer');
    const [created] = await rest.usersNamed(op.realm, 'newcomer');
    expect(created.attributes?.['identity.dashops.dev.owner']).toEqual([`${op.namespace}/newcomer`]);
    expect(await writesSince(since)).toEqual(['UPDATE USER_PROFILE users/profile', `CREATE USER users/${created.id}`]);
  });

  async function writesSince(since: number): Promise<string[]> {
    const events = (await rest.adminEventsSince(op.realm, since)) as { operationType: string; resourceType?: string; resourcePath?: string }[];
    return events.map((e) => [e.operationType, e.resourceType, e.resourcePath].filter((x) => x !== undefined).join(' '));
  }
});
