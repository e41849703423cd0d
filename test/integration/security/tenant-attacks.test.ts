import { execFileSync } from 'node:child_process';
import { readyCondition, startOperator, useOperator, type OperatorUnderTest } from '../operator/harness.js';
import { eventually } from '../support/keycloak-fixtures.js';
import { KeycloakRest, type RestRole } from '../support/keycloak-rest.js';

// Issue 12 items 1-3, each written as the attempt of a tenant with edit rights in one
// namespace. Every attempt must fail AND leave Keycloak as it was, read through raw REST
// (test/integration/support/keycloak-rest.ts), never through src/keycloak.

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const ADOPT = { 'identity.dashops.dev/adopt': 'true' };

type Conditioned = { status?: { adopted?: boolean; keycloakId?: string } };

describe('a tenant attacking through Dash resources', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=3s'], realm: {} });
  const kubectl = (target: OperatorUnderTest, args: string[], input?: string) =>
    execFileSync(target.env.KUBECTL, ['--kubeconfig', target.env.KUBECONFIG, '-n', target.namespace, ...args], { encoding: 'utf8', input, timeout: 60_000, stdio: ['pipe', 'pipe', 'pipe'] });
  /** kubectl apply that is expected to be refused: returns the API server's message. */
  const refusedApply = (manifest: object): string => {
    try {
      kubectl(op, ['apply', '-f', '-'], JSON.stringify(manifest));
    } catch (err) {
      return String((err as { stderr?: string }).stderr);
    }
    throw new Error(`admitted: ${JSON.stringify(manifest)}`);
  };
  const waitReason = (target: OperatorUnderTest, kind: 'DashRealm' | 'DashGroup' | 'DashUser' | 'DashRoleBinding', name: string, reason: string) =>
    target.waitFor(kind, name, (o) => readyCondition(o)?.reason === reason && readyCondition(o)?.status === 'False');

  describe('privileged targets (item 1)', () => {
    it('cannot point a DashRealm at the master realm, in any case', async () => {
      const before = await masterFingerprint(rest);
      for (const realm of ['master', 'MASTER']) {
        const said = refusedApply({ apiVersion: v, kind: 'DashRealm', metadata: { name: `evil-${realm.toLowerCase()}` }, spec: { realm } });
        expect(said).toContain('spec.realm');
        expect(said).toContain('must not be master');
      }
      expect(await masterFingerprint(rest)).toEqual(before);
    });

    it.each(['realm-management', 'broker', 'account', 'account-console', 'admin-cli', 'security-admin-console', 'master-realm'])(
      'cannot make Keycloak built-in client %s the Dash client', async (clientId) => {
        const said = refusedApply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'evil-client' }, spec: { realm: `${op.realm}-evil`, clientId } });
        expect(said).toContain('spec.clientId');
        expect(said).toContain("must not be one of Keycloak's built-in clients");
        expect(await rest.realm(`${op.realm}-evil`)).toBeUndefined();
      });

    it('cannot grant a dash role that is a composite of realm-management roles: RoleNotAllowed, nothing mapped', async () => {
      // Someone made a dash client role that contains realm-admin (two levels deep).
      const dash = (await rest.clientUuid(op.realm, 'dash'))!;
      const management = (await rest.clientUuid(op.realm, 'realm-management'))!;
      const realmAdmin = (await rest.get<RestRole>(`/${op.realm}/clients/${management}/roles/realm-admin`))!;
      await rest.write('POST', `/${op.realm}/clients/${dash}/roles`, { name: 'power' });
      await rest.write('POST', `/${op.realm}/clients/${dash}/roles/power/composites`, [realmAdmin]);
      await rest.write('POST', `/${op.realm}/clients/${dash}/roles`, { name: 'superuser' });
      const power = (await rest.get<RestRole>(`/${op.realm}/clients/${dash}/roles/power`))!;
      await rest.write('POST', `/${op.realm}/clients/${dash}/roles/superuser/composites`, [power]);

      op.apply([
        { apiVersion: v, kind: 'DashUser', metadata: { name: 'mallory' }, spec: { realmRef, username: 'mallory' } },
        { apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'escalate' }, spec: { realmRef, roles: ['superuser'], subjects: [{ kind: 'User', name: 'mallory' }] } },
      ]);
      const user = await op.waitReady<Conditioned>('DashUser', 'mallory');
      const binding = await waitReason(op, 'DashRoleBinding', 'escalate', 'RoleNotAllowed');
      expect(readyCondition(binding)?.message).toContain('spec.roles[0]');
      expect(readyCondition(binding)?.message).toContain('realm-admin');
      // Two resyncs later Keycloak still maps nothing of any client to mallory.
      await sleep(7_000);
      const mappings = (await rest.userMappings(op.realm, user.status!.keycloakId!)) as { clientMappings?: Record<string, unknown> };
      expect(mappings.clientMappings ?? {}).toEqual({});
    }, 90_000);
  });

  describe('account takeover (item 3)', () => {
    it('cannot take over an existing user by naming it in a DashUser: AdoptionRequired, the account untouched', async () => {
      const victim = await rest.write('POST', `/${op.realm}/users`, { username: 'victim', email: 'victim@corp.example', enabled: true, firstName: 'Vic', lastName: 'Tim' });
      const id = victim.location!.split('/').pop()!;
      await rest.write('PUT', `/${op.realm}/users/${id}/reset-password`, { type: 'password', value: 'Victim-pw-1', temporary: false });
      const before = await userFingerprint(rest, op.realm, id);
      kubectl(op, ['create', 'secret', 'generic', 'stolen-pw', '--from-literal=password=Attacker-pw-1']);
      op.apply({
        apiVersion: v, kind: 'DashUser', metadata: { name: 'takeover' },
        spec: { realmRef, username: 'victim', email: 'attacker@evil.example', firstName: 'Mallory', initialPassword: { secretRef: { name: 'stolen-pw', key: 'password' }, temporary: false, rotateOnChange: true } },
      });
      const refused = await waitReason(op, 'DashUser', 'takeover', 'AdoptionRequired');
      expect(readyCondition(refused)?.message).toContain('identity.dashops.dev/adopt');
      await sleep(7_000);
      expect(await userFingerprint(rest, op.realm, id)).toEqual(before);
      // The attacker's password does not log in; the victim's still does.
      const login = (password: string) => fetch(`${op.env.KEYCLOAK_URL}/realms/${op.realm}/protocol/openid-connect/token`, {
        method: 'POST', body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'victim', password }),
      }).then(async (r) => ({ status: r.status, body: await r.text() }));
      const attacker = await login('Attacker-pw-1');
      expect(attacker.body).toContain('Invalid user credentials');
      expect((await login('Victim-pw-1')).status).toBe(200);
    }, 90_000);

    it('cannot take over an existing group: AdoptionRequired until the DashGroup asks to adopt it', async () => {
      const made = await rest.write('POST', `/${op.realm}/groups`, { name: 'auditors' });
      const id = made.location!.split('/').pop()!;
      const before = await rest.get(`/${op.realm}/groups/${id}`);
      op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'auditors' }, spec: { realmRef } });
      await waitReason(op, 'DashGroup', 'auditors', 'AdoptionRequired');
      await sleep(7_000);
      expect(await rest.get(`/${op.realm}/groups/${id}`)).toEqual(before);
      // The platform team opts in: adopted, and kept on delete.
      op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'auditors', annotations: ADOPT }, spec: { realmRef } });
      const adopted = await op.waitReady<Conditioned>('DashGroup', 'auditors');
      expect(adopted.status).toMatchObject({ adopted: true, keycloakId: id });
      kubectl(op, ['delete', 'dashgroup', 'auditors']);
      expect(await rest.get(`/${op.realm}/groups/${id}`)).toBeDefined();
    }, 90_000);

    it('marks the users it creates in the create request; the mark is admin-only, survives updates, and a tenant cannot forge it', async () => {
      op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'owned' }, spec: { realmRef, username: 'owned', attributes: { team: ['a'] } } });
      const owned = await op.waitReady<Conditioned>('DashUser', 'owned');
      expect(owned.status?.adopted).toBe(false);
      const mark = async () => ((await rest.get<{ attributes?: Record<string, string[]> }>(`/${op.realm}/users/${owned.status!.keycloakId}`))?.attributes ?? {})['identity.dashops.dev.owner'];
      expect(await mark()).toEqual([`${op.namespace}/owned`]);
      const profile = (await rest.get<{ attributes: { name: string; permissions?: { view?: string[]; edit?: string[] } }[] }>(`/${op.realm}/users/profile`))!;
      expect(profile.attributes.find((a) => a.name === 'identity.dashops.dev.owner')?.permissions).toEqual({ view: ['admin'], edit: ['admin'] });
      op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'owned' }, spec: { realmRef, username: 'owned', attributes: { team: ['b'] }, firstName: 'Owen' } });
      await op.waitFor('DashUser', 'owned', (o) => readyCondition(o)?.status === 'True' && (o as { metadata: { generation: number }; status: { observedGeneration: number } }).status.observedGeneration === (o as { metadata: { generation: number } }).metadata.generation);
      await eventually('the profile update in Keycloak', async () => (await rest.get<{ firstName?: string }>(`/${op.realm}/users/${owned.status!.keycloakId}`))?.firstName === 'Owen');
      expect(await mark()).toEqual([`${op.namespace}/owned`]);
      const said = refusedApply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'forger' }, spec: { realmRef, username: 'forger', attributes: { 'identity.dashops.dev.owner': ['other/x'] } } });
      expect(said).toContain("must not set identity.dashops.dev.owner");
    }, 90_000);
  });

  describe('one claim per Keycloak realm (item 2)', () => {
    it("cannot claim another namespace's realm, even through another operator and with the adopt annotation; the owner's deletion releases it", async () => {
      const rival = await startOperator({ extraArgs: ['--resync-period=3s'] });
      try {
        const ownerRealm = (await op.get<{ metadata: { uid: string } }>('DashRealm', 'dash'))!;
        const claim = `${op.namespace}/dash/${ownerRealm.metadata.uid}`;
        const before = await rest.realm(op.realm);
        expect(before?.attributes?.['identity.dashops.dev/owner']).toBe(claim);
        kubectl(rival, ['create', 'secret', 'generic', 'smtp', '--from-literal=password=rival-smtp']);
        rival.apply({
          apiVersion: v, kind: 'DashRealm', metadata: { name: 'stolen', annotations: ADOPT },
          spec: { realm: op.realm, login: { userRegistration: true, rememberMe: true }, passwordPolicy: { length: 4 }, email: { host: 'smtp.evil.example', from: 'x@evil.example', auth: { username: 'x', passwordSecretRef: { name: 'smtp', key: 'password' } } } },
        });
        const refused = await waitReason(rival, 'DashRealm', 'stolen', 'RealmClaimed');
        expect(readyCondition(refused)?.message).toContain(claim);
        await sleep(7_000);
        expect(await rest.realm(op.realm)).toEqual(await rest.realm(op.realm)); // stable read
        expect(await rest.realm(op.realm)).toEqual(before);

        // The owner goes (deletionPolicy Retain by default): the realm stays, the claim is released,
        // and the rival, which asked to adopt, now takes it.
        const [owned] = await rest.usersNamed(op.realm, 'owned');
        kubectl(op, ['delete', 'dashuser,dashrolebinding,dashgroup', '--all']);
        kubectl(op, ['delete', 'dashrealm', 'dash']);
        const adopted = await rival.waitReady<Conditioned>('DashRealm', 'stolen', 90_000);
        expect(adopted.status?.adopted).toBe(true);
        const after = await rest.realm(op.realm);
        expect(after?.attributes?.['identity.dashops.dev/owner']).toMatch(new RegExp(`^${rival.namespace}/stolen/`));
        expect(after?.attributes?.['identity.dashops.dev/adopted']).toBe('true');
        expect(owned).toBeDefined();
      } finally {
        await rival.stop();
      }
    }, 180_000);

    it('cannot manage an existing unclaimed realm without the adopt annotation', async () => {
      const name = `${op.realm}-pre`;
      await rest.write('POST', '', { realm: name, enabled: true, registrationAllowed: false });
      try {
        const before = await rest.realm(name);
        op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'pre' }, spec: { realm: name, login: { userRegistration: true } } });
        await waitReason(op, 'DashRealm', 'pre', 'AdoptionRequired');
        await sleep(7_000);
        expect(await rest.realm(name)).toEqual(before);
        expect(await rest.clientUuid(name, 'dash')).toBeUndefined();
        kubectl(op, ['delete', 'dashrealm', 'pre']);
        expect(await rest.realm(name)).toBeDefined();
      } finally {
        await rest.deleteRealm(name);
      }
    }, 90_000);
  });
});

describe('a tenant pointing its realm\'s SMTP settings at a server of its choice (issue 12 item 4)', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=3s', '--allowed-smtp-hosts=mail.corp.example'] });

  it('cannot make Keycloak send the shared SMTP password to a host off the allow-list: SmtpHostNotAllowed, the realm unchanged', async () => {
    // The platform team copied the relay's password into the namespace; the relay is allowed.
    execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, 'create', 'secret', 'generic', 'relay', '--from-literal=password=relay-s3cret'], { timeout: 60_000 });
    const email = (host: string) => ({ host, port: 587, from: 'dash@corp.example', auth: { username: 'dash', passwordSecretRef: { name: 'relay', key: 'password' } } });
    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: op.realm, email: email('mail.corp.example') } });
    await op.waitReady('DashRealm', 'dash');
    const before = await rest.realm(op.realm);
    expect(before?.smtpServer).toMatchObject({ host: 'mail.corp.example', password: '**********' });

    for (const host of ['smtp.evil.example', 'MAIL.CORP.EXAMPLE.evil.example']) {
      op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: op.realm, email: email(host) } });
      const refused = await op.waitFor('DashRealm', 'dash', (o) => readyCondition(o)?.reason === 'SmtpHostNotAllowed' && readyCondition(o)?.message.includes(host) === true);
      expect(readyCondition(refused)?.message).toContain('spec.email.host');
      await sleep(4_000); // a resync later
      expect(await rest.realm(op.realm)).toEqual(before);
    }
    expect(op.logs()).not.toContain('relay-s3cret');
  }, 120_000);
});

/** What an attack on the master realm could change: its users, clients and role mappings of the admin client. */
async function masterFingerprint(rest: KeycloakRest): Promise<unknown> {
  const [users, clients, realm] = await Promise.all([
    rest.get<{ id: string }[]>('/master/users?max=1000'), rest.get<{ id: string }[]>('/master/clients?max=1000'), rest.realm('master'),
  ]);
  return { users: users?.map((u) => u.id).sort(), clients: clients?.map((c) => c.id).sort(), attributes: realm?.attributes };
}

/** A user's profile, attributes, credentials and role mappings. */
async function userFingerprint(rest: KeycloakRest, realm: string, id: string): Promise<unknown> {
  const [user, credentials, mappings, groups] = await Promise.all([
    rest.get(`/${realm}/users/${id}`), rest.get(`/${realm}/users/${id}/credentials`), rest.userMappings(realm, id), rest.get(`/${realm}/users/${id}/groups`),
  ]);
  return { user, credentials, mappings, groups };
}



function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
