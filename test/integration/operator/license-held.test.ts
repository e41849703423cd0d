import { execFileSync } from 'node:child_process';
import { eventually } from '../support/keycloak-fixtures.js';
import { useOperator } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const user = (name: string) => ({ apiVersion: v, kind: 'DashUser', metadata: { name }, spec: { realmRef, username: name } });
const binding = (subjects: string[], annotations: Record<string, string> = {}) => ({
  apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'licensed', annotations }, spec: { realmRef, roles: ['licensed_user'], subjects: subjects.map((name) => ({ kind: 'User', name })) },
});
type UserStatus = { status?: { effectiveRoleNames?: string[]; pendingLicenseRevocation?: boolean; licenseRevocationHeld?: { binding: string; since: string } } };

// SPEC: removing licensed_user from an app owner must never happen silently. Under
// licenseRevocation: Protect the held removal shows on the DashUser too, and in
// `kubectl get dashusers`. Keycloak is read through raw REST (KeycloakRest).
describe('a held license revocation on the DashUser', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=5s'], realm: { licenseRevocation: 'Protect' } });
  const kubectl = (...args: string[]) => execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, ...args], { encoding: 'utf8', timeout: 60_000 });
  const holds = async (username: string) => {
    const [found] = await rest.usersNamed(op.realm, username);
    return found ? (await rest.userClientRoles(op.realm, found.id, 'dash')).includes('licensed_user') : false;
  };
  const row = (name: string) => kubectl('get', 'dashusers').split('\n').find((l) => l.startsWith(`${name} `)) ?? '';

  it('shows which binding holds the removal and since when, in status and as a column, until it is confirmed', async () => {
    op.apply([user('olive'), user('pat'), binding(['olive', 'pat'])]);
    await op.waitFor<UserStatus>('DashUser', 'olive', (u) => u.status?.effectiveRoleNames?.includes('licensed_user') ?? false);
    expect(row('olive')).not.toMatch(/\slicensed\s/);

    op.apply(binding(['pat'])); // olive would lose licensed_user (and the apps she owns)
    const held = await op.waitFor<UserStatus>('DashUser', 'olive', (u) => u.status?.licenseRevocationHeld !== undefined);
    expect(held.status).toMatchObject({ pendingLicenseRevocation: true, licenseRevocationHeld: { binding: 'licensed' } });
    expect(Date.parse(held.status?.licenseRevocationHeld?.since ?? '')).not.toBeNaN();
    expect(kubectl('get', 'dashusers').split('\n')[0]).toMatch(/LICENSE HELD/);
    expect(row('olive')).toMatch(/\slicensed\s/);
    expect(row('pat')).not.toMatch(/\slicensed\s/);
    expect(await holds('olive')).toBe(true);

    op.apply(binding(['pat'], { 'identity.dashops.dev/confirm-license-revocation': 'true' }));
    await eventually('licensed_user removed from olive', async () => !(await holds('olive')), 60_000);
    const done = await op.waitFor<UserStatus>('DashUser', 'olive', (u) => u.status?.licenseRevocationHeld === undefined);
    expect(done.status?.pendingLicenseRevocation).toBe(false);
    expect(await holds('pat')).toBe(true);
  });
});
