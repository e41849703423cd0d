import { SECRET_MASK } from '../../../src/keycloak/index.js';
import { rawAdmin, withRealm } from './helpers.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

// Keycloak never shows the stored SMTP password, so these tests make it send mail to a local
// SMTP sink and look at the password it authenticates with.
describe('the realm SMTP password through the Keycloak port', () => {
  const { kc, realm } = withRealm('kc-smtp');
  let first: SmtpSink;
  let second: SmtpSink;
  let userId: string;
  const smtp = (sink: SmtpSink, password: string) => ({
    host: '127.0.0.1', port: String(sink.port), from: 'keycloak@example.test', fromDisplayName: 'Keycloak',
    auth: 'true', user: 'mailer', password, ssl: 'false', starttls: 'false',
  });

  /** Makes Keycloak send one mail with its stored settings; returns the password it used on `sink`. */
  async function passwordKeycloakSends(sink: SmtpSink): Promise<string | undefined> {
    const seen = sink.logins.length;
    await kc.executeActionsEmail(realm, userId, ['UPDATE_PASSWORD'], 600);
    return sink.logins.slice(seen).at(-1)?.password;
  }

  beforeAll(async () => {
    [first, second] = await Promise.all([startSmtpSink(), startSmtpSink()]);
    userId = await kc.createUser(realm, { username: 'mailee', email: 'mailee@example.test', enabled: true });
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  it('stores the password written with the full map and reads back only that one is set', async () => {
    await kc.updateRealm(realm, { smtpServer: smtp(first, 'first-password') });
    const read = await kc.getRealm(realm);
    expect(read?.smtpPasswordSet).toBe(true);
    expect(read?.smtpServer).toEqual({ ...smtp(first, ''), password: undefined });
    expect(JSON.stringify(read)).not.toContain(SECRET_MASK);
    expect(await passwordKeycloakSends(first)).toBe('first-password');
  });

  it('keeps the password through an update of other realm fields', async () => {
    await kc.updateRealm(realm, { rememberMe: true, resetPasswordAllowed: true });
    expect(await passwordKeycloakSends(first)).toBe('first-password');
  });

  it('keeps the password when the destination changes, because the full map carries it', async () => {
    await kc.updateRealm(realm, { smtpServer: { ...smtp(second, 'first-password'), from: 'other@example.test' } });
    expect(await passwordKeycloakSends(second)).toBe('first-password');
    expect((await kc.getRealm(realm))?.smtpServer.port).toBe(String(second.port));
  });

  it('changes the password when a new one is written', async () => {
    await kc.updateRealm(realm, { smtpServer: smtp(first, 'second-password') });
    expect(await passwordKeycloakSends(first)).toBe('second-password');
  });

  it('refuses to write the mask or auth without a password, and Keycloak keeps what it had', async () => {
    await expect(kc.updateRealm(realm, { smtpServer: smtp(first, SECRET_MASK) })).rejects.toMatchObject({ kind: 'Invalid' });
    const { password: _password, ...withoutPassword } = smtp(first, '');
    await expect(kc.updateRealm(realm, { smtpServer: withoutPassword })).rejects.toMatchObject({ kind: 'Invalid' });
    expect(await passwordKeycloakSends(first)).toBe('second-password');
  });

  it('(Keycloak quirk) a map without the password deletes the stored one: why the port refuses it', async () => {
    const { password: _password, ...withoutPassword } = smtp(first, '');
    await rawAdmin('PUT', `/${realm}`, { smtpServer: withoutPassword });
    expect((await kc.getRealm(realm))?.smtpPasswordSet).toBe(false);
  });

  it('removes the SMTP settings with an empty map', async () => {
    await kc.updateRealm(realm, { smtpServer: {} });
    expect(await kc.getRealm(realm)).toMatchObject({ smtpServer: {}, smtpPasswordSet: false });
  });
});
