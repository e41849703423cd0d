import { execFileSync } from 'node:child_process';
import { loadTestEnv } from '../../env/test-env.js';
import { createLoginClient, login } from '../support/keycloak-fixtures.js';
import { RecordingProxy } from '../support/recording-proxy.js';
import { isReady, useOperator } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const password = 'Right-password-1234';
const person = (name: string) => ({
  apiVersion: v, kind: 'DashUser', metadata: { name },
  spec: { realmRef, username: name, email: `${name}@example.com`, firstName: name, lastName: 'Test', initialPassword: { secretRef: { name: 'pw', key: 'password' }, temporary: false } },
});
const RESYNC_MS = 3000;
const bruteForceProtection = { enabled: true, failureFactor: 3, waitIncrementSeconds: 600, maxFailureWaitSeconds: 900 };

type Condition = { type: string; status: string; reason: string; message: string };
type UserStatus = { status: { keycloakId: string; lockedOut?: boolean; lastUnlock?: { value: string }; conditions?: Condition[]; initialPassword?: object } };
const lockedOutCondition = (u: UserStatus) => u.status.conditions?.find((c) => c.type === 'LockedOut');

// SPEC "Added in v1alpha1": DashRealm bruteForceProtection, DashUser status lockedOut, the unlock
// annotation. Logins go through Keycloak's real token endpoint; Keycloak is read through raw
// REST, and every request the operator sends through a recording proxy in front of Keycloak.
describe('brute-force lockouts', () => {
  const proxy = new RecordingProxy(loadTestEnv().KEYCLOAK_URL);
  let proxied = '';
  beforeAll(async () => {
    proxied = await proxy.start();
  });
  const { op, rest } = useOperator(() => ({
    extraArgs: [`--resync-period=${RESYNC_MS / 1000}s`, `--keycloak-url=${proxied}`], realm: { bruteForceProtection },
    apply: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pw' }, stringData: { password } }],
  }));
  afterAll(() => proxy.stop());
  let client: string;
  const kubectl = (...args: string[]) => execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, ...args], { encoding: 'utf8', timeout: 60_000 });
  const attackDetection = (id: string) => rest.get<{ disabled: boolean; numFailures: number }>(`/${op.realm}/attack-detection/brute-force/users/${id}`);
  const lockOut = async (username: string) => {
    for (let i = 0; i < bruteForceProtection.failureFactor; i++) expect((await login(op.env, op.realm, client, username, 'Wrong-password-1')).status).toBe(400);
  };
  const ready = (name: string) => op.waitFor<UserStatus>('DashUser', name, (o) => isReady(o) && o.status.initialPassword !== undefined);

  beforeAll(async () => {
    client = await createLoginClient(rest, op.realm);
  });

  it('sets only the brute-force fields the spec names, under their Keycloak names', async () => {
    const realm = await rest.realm(op.realm) as Record<string, unknown>;
    expect(realm).toMatchObject({ bruteForceProtected: true, failureFactor: 3, waitIncrementSeconds: 600, maxFailureWaitSeconds: 900, permanentLockout: false });
  });

  it('reports a lockout from wrong passwords, unlocks once per new annotation value, and only the annotated user', async () => {
    op.apply([person('lena'), person('otto')]);
    const [lena, otto] = [await ready('lena'), await ready('otto')];
    await lockOut('lena');
    await lockOut('otto');
    expect((await attackDetection(lena.status.keycloakId))?.disabled).toBe(true);
    expect((await login(op.env, op.realm, client, 'lena', password)).status).toBe(400); // even the right password

    const locked = await op.waitFor<UserStatus>('DashUser', 'lena', (o) => o.status.lockedOut === true, 30_000);
    expect(lockedOutCondition(locked)).toMatchObject({ status: 'True', reason: 'LockedOut' });
    expect(lockedOutCondition(locked)?.message).toMatch(/after \d+ failed login\(s\), the last at /);
    expect(locked.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True'); // Ready is about reconciliation

    kubectl('annotate', 'dashuser', 'lena', 'identity.dashops.dev/unlock=first');
    const unlocked = await op.waitFor<UserStatus>('DashUser', 'lena', (o) => o.status.lockedOut === false, 30_000);
    expect(unlocked.status.lastUnlock?.value).toBe('first');
    expect(lockedOutCondition(unlocked)).toMatchObject({ status: 'False', reason: 'NotLockedOut' });
    expect((await attackDetection(lena.status.keycloakId))?.disabled).toBe(false);
    expect((await login(op.env, op.realm, client, 'lena', password)).status).toBe(200);
    // The annotation on lena never unlocks otto.
    expect((await attackDetection(otto.status.keycloakId))?.disabled).toBe(true);
    expect((await op.get<UserStatus>('DashUser', 'otto'))?.status.lockedOut).toBe(true);

    // Locked out again: the value already acted on does not unlock a second time.
    await lockOut('lena');
    await op.waitFor<UserStatus>('DashUser', 'lena', (o) => o.status.lockedOut === true, 30_000);
    await new Promise((r) => setTimeout(r, 3 * RESYNC_MS));
    expect((await attackDetection(lena.status.keycloakId))?.disabled).toBe(true);
    kubectl('annotate', '--overwrite', 'dashuser', 'lena', 'identity.dashops.dev/unlock=second');
    await op.waitFor<UserStatus>('DashUser', 'lena', (o) => o.status.lockedOut === false && o.status.lastUnlock?.value === 'second', 30_000);
    expect((await login(op.env, op.realm, client, 'lena', password)).status).toBe(200);
  });

  it('reads lockouts without a Keycloak request per user: no attack-detection read, the realm user list only', async () => {
    for (const name of ['una', 'ulf', 'uma', 'uri']) op.apply(person(name));
    for (const name of ['una', 'ulf', 'uma', 'uri']) await ready(name);
    const users = 6; // lena and otto too
    const since = Date.now();
    await new Promise((r) => setTimeout(r, 4 * RESYNC_MS));
    const window = proxy.requests.filter((r) => r.at >= since);
    const lists = window.filter((r) => r.path.endsWith('/ui-ext/brute-force-user')).length;
    const perUser = window.filter((r) => r.method === 'GET' && r.path.includes('/attack-detection/')).length;
    // Every user ran about four times; the lockouts came from one list per realm view TTL (10 s).
    expect(perUser).toBe(0);
    // Users read from that list plan no write: a steady state stays quiet (the list carries the owner mark and attributes).
    expect(proxy.adminWritesSince(since)).toEqual([]);
    expect(lists).toBeGreaterThan(0);
    expect(lists).toBeLessThanOrEqual(3);
    process.stdout.write(`lockout reads over ${4 * RESYNC_MS} ms, ${users} users: ${lists} list request(s), ${perUser} attack-detection reads, ${window.length} requests in all\n`);
  });
});
