import { installCrds } from '../api/install-crds.js';
import { adminEvents, declareUserAttribute, enableAdminEvents, eventually, restUser } from '../support/keycloak-fixtures.js';
import { useOperator } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const RESYNCS = 10_000; // three resyncs at --resync-period=3s

type WithConditions = { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } };
const condition = (o: WithConditions, type: string) => o.status?.conditions?.find((c) => c.type === type);

// SPEC: absent means unmanaged; a quiet steady state sends no write to Keycloak; an attribute
// Keycloak drops shows as a condition, not as endless drift. Keycloak is read (and tampered
// with, as an admin would) through raw REST (KeycloakRest), never through src/keycloak.
describe('what a DashUser leaves alone in Keycloak', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=3s'], realm: {} });

  it('keeps an account an admin disabled while spec.enabled is unset, and enables it once spec.enabled is true', async () => {
    // Other checkouts share this API server and install their own CRDs: ours has no default for spec.enabled.
    await installCrds(op.kc);
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'ida' }, spec: { realmRef, username: 'ida' } });
    await op.waitReady('DashUser', 'ida');
    const created = await restUser(rest, op.realm, 'ida');
    expect(created?.enabled).toBe(true); // created enabled

    // An incident: the admin disables the account in Keycloak.
    await rest.write('PUT', `/${op.realm}/users/${created?.id}`, { enabled: false });
    await new Promise((r) => setTimeout(r, RESYNCS));
    expect((await restUser(rest, op.realm, 'ida'))?.enabled).toBe(false);

    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'ida' }, spec: { realmRef, username: 'ida', enabled: true } });
    await eventually('ida enabled again', async () => (await restUser(rest, op.realm, 'ida'))?.enabled === true);
  });

  it('reports an attribute the user profile drops in AttributesDropped, and sends no write for it at resync', async () => {
    await enableAdminEvents(rest, op.realm);
    await declareUserAttribute(rest, op.realm, 'department');
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'dee' }, spec: { realmRef, username: 'dee', attributes: { 'department': ['bi'], 'shoe-size': ['44'] } } });
    // Right from the pass that creates the user, not only after a later one observed the loss.
    const reported = await op.waitReady<WithConditions>('DashUser', 'dee');
    expect(condition(reported, 'AttributesDropped')?.status).toBe('True');
    expect(condition(reported, 'AttributesDropped')?.message).toContain('Keycloak drops shoe-size');
    expect(condition(reported, 'AttributesDropped')?.message).not.toContain('department');
    const user = await restUser(rest, op.realm, 'dee');
    expect(user?.attributes?.department).toEqual(['bi']);
    expect(user?.attributes?.['shoe-size']).toBeUndefined();

    const updates = async () => (await adminEvents(rest, op.realm, 'UPDATE', `users/${user?.id}`)).length;
    const before = await updates();
    await new Promise((r) => setTimeout(r, RESYNCS));
    expect(await updates()).toBe(before);
  });

  it('sends no write at resync for an empty name or an e-mail in capitals, which Keycloak stores as absent and in lower case', async () => {
    await enableAdminEvents(rest, op.realm);
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'eve' }, spec: { realmRef, username: 'eve', firstName: '', lastName: 'Lee', email: 'Eve.Lee@Example.COM' } });
    await op.waitReady('DashUser', 'eve');
    const user = await restUser(rest, op.realm, 'eve');
    expect(user).toMatchObject({ email: 'eve.lee@example.com', lastName: 'Lee' });
    expect(user?.firstName).toBeUndefined();
    const updates = async () => (await adminEvents(rest, op.realm, 'UPDATE', `users/${user?.id}`)).length;
    const before = await updates();
    await new Promise((r) => setTimeout(r, RESYNCS));
    expect(await updates()).toBe(before);
  });
});
