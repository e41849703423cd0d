import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { API_GROUP, API_VERSION, KIND_NAMES, KINDS, type Kind } from '../../../src/api/index.js';
import { installCrds } from '../api/install-crds.js';
import { useOperator } from '../operator/harness.js';
import { disabledLdapProvider } from '../support/keycloak-fixtures.js';
import type { RestRole } from '../support/keycloak-rest.js';
import { runCli } from './cli.js';
import { buildHandMadeRealm, type HandBuiltRealm } from './hand-built-realm.js';

type Manifest = { apiVersion: string; kind: Kind; metadata: { name: string; generation?: number; annotations?: Record<string, string> }; spec: Record<string, unknown> };
type Condition = { type: string; status: string; reason: string; message: string };
type Listed = Manifest & { status?: { observedGeneration?: number; conditions?: Condition[] } };

const condition = (o: Listed, type: string) => o.status?.conditions?.find((c) => c.type === type);

// managementPolicy Observe: an exported realm with edits is applied; the operator writes nothing
// to Keycloak (admin events, raw REST), reports InSync on every object with the changes Manage
// would make, Ready True reason Observed; switched to Manage, it makes exactly those changes.
describe('managementPolicy: Observe, then Manage', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=5s'] });
  let built: HandBuiltRealm;
  let docs: Manifest[];
  const list = async (kind: Kind) => ((await op.kc.makeApiClient(k8s.CustomObjectsApi).listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace: op.namespace, plural: KINDS[kind].plural })) as { items: Listed[] }).items;
  const all = async () => (await Promise.all(KIND_NAMES.map(list))).flat();
  const until = async (what: string, check: (objects: Listed[]) => string[], timeoutMs = 180_000) => {
    let left: string[] = [];
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
      left = check(await all());
      if (left.length === 0) return;
    }
    throw new Error(`${what}: still ${left.slice(0, 5).join(', ')} (${left.length})`);
  };
  const current = (o: Listed) => o.status?.observedGeneration === o.metadata.generation;

  beforeAll(async () => {
    built = await buildHandMadeRealm(rest, op.realm, (realm) => disabledLdapProvider(rest, realm), 20);
    const run = runCli(op.env, ['export', '--realm', op.realm]);
    expect(run.status).toBe(0);
    docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as Manifest);
    const realm = docs.find((d) => d.kind === 'DashRealm') as Manifest;
    realm.spec.managementPolicy = 'Observe';
    realm.spec.login = { ...(realm.spec.login as object), rememberMe: false };
    (docs.find((d) => d.spec.username === 'user001') as Manifest).spec.email = 'changed@example.com';
    const v = `${API_GROUP}/${API_VERSION}`;
    docs.push({ apiVersion: v, kind: 'DashUser', metadata: { name: 'newcomer' }, spec: { realmRef: { name: op.realm }, username: 'newcomer' } });
    docs.push({ apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'extra' }, spec: { realmRef: { name: op.realm }, roles: ['admin'], subjects: [{ kind: 'User', name: 'user002' }] } });
  }, 120_000);

  it('writes nothing, and reports InSync on every object with Ready True, reason Observed', async () => {
    // The API server is shared with other worktrees' runs, which install their own CRDs:
    // install this one's (with managementPolicy) right before applying.
    await installCrds(op.kc);
    const since = Date.now() - 1000;
    op.apply(docs);
    await until('every object Observed', (objects) => objects.filter((o) => !(current(o) && condition(o, 'Ready')?.reason === 'Observed' && condition(o, 'Ready')?.status === 'True' && condition(o, 'InSync'))).map((o) => `${o.kind}/${o.metadata.name}`));
    await new Promise((r) => setTimeout(r, 12_000)); // two resync periods: no late write either
    const objects = await all();
    const inSync = (kind: Kind, name: string) => condition(objects.find((o) => o.kind === kind && o.metadata.name === name) as Listed, 'InSync');
    const realmName = (docs[0] as Manifest).metadata.name;
    expect(inSync('DashRealm', realmName)).toMatchObject({ status: 'False', reason: 'ChangesPending', message: 'would claim the realm; login.rememberMe: true -> false' });
    expect(inSync('DashUser', 'user001')).toMatchObject({ status: 'False', message: expect.stringMatching(/^would email: "user001\.1@example\.com" -> "changed@example\.com"$/) });
    expect(inSync('DashUser', 'newcomer')).toMatchObject({ status: 'False', message: 'would user: created; enabled: true' });
    expect(inSync('DashRoleBinding', 'extra')).toMatchObject({ status: 'False', message: 'would User:user002: + admin' });
    expect(inSync('DashUser', 'user003')).toMatchObject({ status: 'True', reason: 'InSync' });
    expect(objects.filter((o) => inSync(o.kind, o.metadata.name)?.status === 'False').map((o) => o.metadata.name).sort()).toEqual(['extra', 'newcomer', realmName, 'user001'].sort());
    expect(await rest.adminEventsSince(op.realm, since)).toEqual([]);
    expect((await rest.realm(op.realm))?.attributes?.['identity.dashops.dev/owner']).toBeUndefined();
  }, 300_000);

  it('switched to Manage, makes exactly the changes InSync listed and reports Ready Reconciled without InSync', async () => {
    const realm = docs.find((d) => d.kind === 'DashRealm') as Manifest;
    await installCrds(op.kc);
    op.apply({ ...realm, spec: { ...realm.spec, managementPolicy: 'Manage' } });
    await until('every object Reconciled', (objects) => objects.filter((o) => !(current(o) && condition(o, 'Ready')?.reason === 'Reconciled' && !condition(o, 'InSync'))).map((o) => `${o.kind}/${o.metadata.name}`));
    expect((await rest.realm(op.realm))?.rememberMe).toBe(false);
    expect((await rest.usersNamed(op.realm, 'user001'))[0]?.email).toBe('changed@example.com');
    expect(await rest.usersNamed(op.realm, 'newcomer')).toHaveLength(1);
    const user002 = (await rest.usersNamed(op.realm, 'user002'))[0];
    const roles = (await rest.get<RestRole[]>(`/${op.realm}/users/${user002?.id}/role-mappings/clients/${built.clientUuid}`)) ?? [];
    expect(roles.map((r) => r.name)).toContain('admin');
  }, 300_000);
});
