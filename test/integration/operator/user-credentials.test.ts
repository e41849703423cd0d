import { execFileSync } from 'node:child_process';
import { createLoginClient, credentials, eventually, login, restUser, sessions } from '../support/keycloak-fixtures.js';
import { isReady, readyCondition, useOperator } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const secret = (name: string, password: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { password } });
// A complete profile: Keycloak refuses a password login while the user profile misses fields.
const person = (name: string, initialPassword: object) => ({
  apiVersion: v, kind: 'DashUser', metadata: { name },
  spec: { realmRef, username: name, email: `${name}@example.com`, firstName: name, lastName: 'Test', initialPassword },
});

type WithPassword = { status: { initialPassword?: { setAt: string; secretVersion: string } } };

// SPEC: the initial password is set once at creation, retried until Keycloak holds it, and
// again only when the Secret's content changes with rotateOnChange. Keycloak is read through
// raw REST (KeycloakRest), and a real login proves which password Keycloak holds.
describe('the initial password of a DashUser', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=3s'], realm: { passwordPolicy: { length: 12 } } });
  let client: string;
  const kubectl = (...args: string[]) => execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, ...args], { encoding: 'utf8', timeout: 60_000 });
  const passwords = async (username: string) => {
    const user = await restUser(rest, op.realm, username);
    return user ? (await credentials(rest, op.realm, user.id)).filter((c) => c.type === 'password') : [];
  };

  beforeAll(async () => {
    client = await createLoginClient(rest, op.realm);
  });

  it("reports a password the policy rejects as PasswordRejected with Keycloak's message, never the password, and sets it once the Secret is fixed", async () => {
    const rejected = 'Tiny-pw-9';
    op.apply([secret('pat-pw', rejected), person('pat', { secretRef: { name: 'pat-pw', key: 'password' }, temporary: false })]);
    const failed = await op.waitFor('DashUser', 'pat', (o) => readyCondition(o)?.reason === 'PasswordRejected');
    expect(readyCondition(failed)?.message).toMatch(/spec\.initialPassword: .*Secret pat-pw.*Invalid password: minimum length 12/);
    // The user was created before the password was refused: it exists, without a password.
    expect(await restUser(rest, op.realm, 'pat')).toBeDefined();
    expect(await passwords('pat')).toHaveLength(0);

    const fixed = 'Long-enough-pw-12';
    op.apply(secret('pat-pw', fixed));
    const ready = await op.waitReady<WithPassword>('DashUser', 'pat', 90_000);
    expect(ready.status.initialPassword?.setAt).toBeDefined();
    expect((await login(op.env, op.realm, client, 'pat', fixed)).status).toBe(200);
    expect(await passwords('pat')).toHaveLength(1);
    const said = JSON.stringify([failed, kubectl('get', 'events.events.k8s.io', '-o', 'json'), op.logs()]);
    expect(said).not.toContain(rejected);
    expect(said).not.toContain(fixed);
  });

  it('never sets the password twice when status lost the record of it (a status write lost after the password was set)', async () => {
    op.apply([secret('lou-pw', 'Lost-status-1234'), person('lou', { secretRef: { name: 'lou-pw', key: 'password' }, temporary: true })]);
    await op.waitFor<WithPassword>('DashUser', 'lou', (o) => isReady(o) && o.status.initialPassword !== undefined);
    const [credential] = await passwords('lou');
    kubectl('patch', 'dashuser', 'lou', '--subresource=status', '--type=json', '-p', '[{"op":"remove","path":"/status/initialPassword"}]');
    // The next pass finds the password Keycloak holds and records it instead of setting it again.
    await op.waitFor<WithPassword>('DashUser', 'lou', (o) => o.status.initialPassword !== undefined, 30_000);
    expect(await passwords('lou')).toEqual([credential]);
  });

  it('with rotateOnChange, ignores a label or annotation edit of the Secret and sets the password again on a content change', async () => {
    const [first, second] = ['Rotate-first-1234', 'Rotate-second-5678'];
    op.apply([secret('rita-pw', first), person('rita', { secretRef: { name: 'rita-pw', key: 'password' }, temporary: false, rotateOnChange: true })]);
    const ready = await op.waitFor<WithPassword>('DashUser', 'rita', (o) => isReady(o) && o.status.initialPassword !== undefined);
    const [credential] = await passwords('rita');

    kubectl('label', 'secret', 'rita-pw', 'touched=yes');
    kubectl('annotate', 'secret', 'rita-pw', 'note=metadata only');
    await new Promise((r) => setTimeout(r, 10_000)); // the edit wakes the DashUser, and three resyncs pass
    expect(await passwords('rita')).toEqual([credential]);
    expect(((await op.get<WithPassword>('DashUser', 'rita'))?.status.initialPassword)).toEqual(ready.status.initialPassword);
    expect((await login(op.env, op.realm, client, 'rita', first)).status).toBe(200);

    op.apply(secret('rita-pw', second));
    await eventually('a new password credential', async () => (await passwords('rita'))[0]?.createdDate !== credential?.createdDate);
    expect((await login(op.env, op.realm, client, 'rita', second)).status).toBe(200);
    // Keycloak 26 answers a wrong password with 400 invalid_grant ("Invalid user credentials").
    expect((await login(op.env, op.realm, client, 'rita', first)).status).not.toBe(200);
  });

  it('with spec.enabled false, disables the account and ends its sessions, with a SessionsRevoked Event', async () => {
    op.apply([secret('sid-pw', 'Session-ends-1234'), person('sid', { secretRef: { name: 'sid-pw', key: 'password' }, temporary: false })]);
    const ready = await op.waitFor<WithPassword & { status: { keycloakId: string } }>('DashUser', 'sid', (o) => isReady(o) && o.status.initialPassword !== undefined);
    expect((await login(op.env, op.realm, client, 'sid', 'Session-ends-1234')).status).toBe(200);
    expect(await sessions(rest, op.realm, ready.status.keycloakId)).toHaveLength(1);

    const disabled = person('sid', { secretRef: { name: 'sid-pw', key: 'password' }, temporary: false });
    op.apply({ ...disabled, spec: { ...disabled.spec, enabled: false } });
    await eventually('sid disabled', async () => (await restUser(rest, op.realm, 'sid'))?.enabled === false);
    await eventually('no session left', async () => (await sessions(rest, op.realm, ready.status.keycloakId)).length === 0, 30_000);
    const events = JSON.parse(kubectl('get', 'events.events.k8s.io', '-o', 'json')) as { items: { reason: string; regarding: { name: string } }[] };
    expect(events.items.some((e) => e.reason === 'SessionsRevoked' && e.regarding.name === 'sid')).toBe(true);
  });
});
