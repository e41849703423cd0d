import { execFileSync } from 'node:child_process';
import { USER_OWNER_ATTRIBUTE } from '../../../src/api/constants.js';
import { installCrds } from '../api/install-crds.js';
import { disabledLdapProvider, eventually, restUser } from '../support/keycloak-fixtures.js';
import { readyCondition, startOperator, useOperator } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const adopt = { 'identity.dashops.dev/adopt': 'true' };

// SPEC §3 Ownership: deletion removes only what the operator created. Keycloak state is read
// through raw REST (KeycloakRest), never through src/keycloak.
describe('deleting a DashUser removes only a user the operator created', () => {
  const { op, rest, replace } = useOperator({ extraArgs: ['--resync-period=5s'], realm: {} });
  const kubectl = (...args: string[]) => execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, ...args], { encoding: 'utf8', timeout: 60_000 });
  const deleteAndWait = (name: string) => kubectl('delete', 'dashuser', name, '--timeout=60s');
  const warnings = (name: string) => (JSON.parse(kubectl('get', 'events.events.k8s.io', '-o', 'json')) as { items: { type: string; reason: string; note?: string; regarding: { name: string } }[] })
    .items.filter((e) => e.type === 'Warning' && e.regarding.name === name);
  const createInKeycloak = async (user: object) => rest.write('POST', `/${op.realm}/users`, user);

  it('deletes a user it created (the control case)', async () => {
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'carl' }, spec: { realmRef, username: 'carl', deletionPolicy: 'Delete' } });
    await op.waitReady('DashUser', 'carl');
    expect((await restUser(rest, op.realm, 'carl'))?.attributes?.[USER_OWNER_ATTRIBUTE]).toEqual([`${op.namespace}/carl`]);
    deleteAndWait('carl');
    expect(await restUser(rest, op.realm, 'carl')).toBeUndefined();
  });

  it('never deletes a user that appeared while the DashUser waited for a group, deleted while still waiting', async () => {
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'wendy' }, spec: { realmRef, username: 'wendy', groups: [{ name: 'not-yet' }], deletionPolicy: 'Delete' } });
    await op.waitFor('DashUser', 'wendy', (o) => readyCondition(o)?.reason === 'WaitingForGroup');
    // Her first login through an IdP (or an admin) creates the account meanwhile.
    await createInKeycloak({ username: 'wendy', enabled: true });
    deleteAndWait('wendy');
    expect(await restUser(rest, op.realm, 'wendy')).toBeDefined();
  });

  it('keeps an adopted user that appeared while the DashUser waited, despite deletionPolicy Delete, with a Warning saying why', async () => {
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'ada', annotations: adopt }, spec: { realmRef, username: 'ada', groups: [{ name: 'later' }], deletionPolicy: 'Delete' } });
    await op.waitFor('DashUser', 'ada', (o) => readyCondition(o)?.reason === 'WaitingForGroup');
    await createInKeycloak({ username: 'ada', enabled: true });
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'later' }, spec: { realmRef } });
    const ready = await op.waitReady<{ status: { adopted: boolean } }>('DashUser', 'ada');
    expect(ready.status.adopted).toBe(true);
    deleteAndWait('ada');
    expect(await restUser(rest, op.realm, 'ada')).toBeDefined();
    expect(warnings('ada').find((e) => e.reason === 'DeletionRetained')?.note).toContain('did not create it');
  });

  it('never deletes a federated user, even one carrying its owner mark', async () => {
    // As when an LDAP provider with sync registrations links a user the operator created.
    const ldap = await disabledLdapProvider(rest, op.realm);
    await createInKeycloak({ username: 'fed', enabled: true, federationLink: ldap, attributes: { [USER_OWNER_ATTRIBUTE]: [`${op.namespace}/fed`] } });
    const before = await restUser(rest, op.realm, 'fed');
    expect(before).toMatchObject({ federationLink: ldap, attributes: { [USER_OWNER_ATTRIBUTE]: [`${op.namespace}/fed`] } });
    // Other checkouts share this API server and install their own CRDs: make ours (no default
    // for spec.enabled, so nothing is written to this read-only user) the current one.
    await installCrds(op.kc);
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'fed' }, spec: { realmRef, username: 'fed', deletionPolicy: 'Delete' } });
    await op.waitReady('DashUser', 'fed');
    deleteAndWait('fed');
    expect((await restUser(rest, op.realm, 'fed'))?.id).toBe(before?.id);
    await eventually('the DeletionRetained event', async () => warnings('fed').some((e) => e.reason === 'DeletionRetained'), 10_000);
    expect(warnings('fed').find((e) => e.reason === 'DeletionRetained')?.note).toContain(`federationLink ${ldap}`);
  });

  it('deletes a user it created even when status lost its id: found by username and owner mark', async () => {
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'olaf' }, spec: { realmRef, username: 'olaf', deletionPolicy: 'Delete' } });
    await op.waitReady('DashUser', 'olaf');
    // The operator is down while status loses the id (as after a lost status write) and the
    // DashUser is deleted; a new operator process does the cleanup.
    await op.stop();
    kubectl('patch', 'dashuser', 'olaf', '--subresource=status', '--type=json', '-p', '[{"op":"remove","path":"/status/keycloakId"}]');
    kubectl('delete', 'dashuser', 'olaf', '--wait=false');
    replace({ ...(await startOperator({ namespace: op.namespace, extraArgs: ['--resync-period=5s'] })), realm: op.realm });
    await eventually('the DashUser gone', async () => (await op.get('DashUser', 'olaf')) === undefined);
    expect(await restUser(rest, op.realm, 'olaf')).toBeUndefined();
  });
});
