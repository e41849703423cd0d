import { rawAdmin, realmName, withRealm } from './helpers.js';

type RawRealm = Record<string, unknown>;
type RawRequiredAction = { alias: string; name: string; enabled: boolean; defaultAction: boolean; priority: number };

describe('realms through the Keycloak port', () => {
  const { kc, realm } = withRealm('kc-realm', { rememberMe: true, registrationAllowed: false });

  it('reads a missing realm as undefined and a created one with its settings', async () => {
    expect(await kc.getRealm(realmName('kc-missing'))).toBeUndefined();
    expect(await kc.getRealm(realm)).toMatchObject({
      realm, enabled: true, rememberMe: true, registrationAllowed: false, passwordPolicy: '', smtpServer: {}, smtpPasswordSet: false,
    });
  });

  it('answers a second create with Conflict and a message naming the realm', async () => {
    await expect(kc.createRealm(realm)).rejects.toMatchObject({
      name: 'KeycloakError',
      kind: 'Conflict',
      message: expect.stringMatching(new RegExp(`^create realm "${realm}": Keycloak answered 409`)),
    });
  });

  it('updates only the given fields and leaves every other one as it was', async () => {
    await kc.updateRealm(realm, { loginWithEmailAllowed: false, duplicateEmailsAllowed: true, editUsernameAllowed: true, verifyEmail: true });
    const before = (await rawAdmin<RawRealm>('GET', `/${realm}`)).data;
    await kc.updateRealm(realm, { resetPasswordAllowed: true });
    const after = (await rawAdmin<RawRealm>('GET', `/${realm}`)).data;
    expect(after.resetPasswordAllowed).toBe(true);
    expect({ ...after, resetPasswordAllowed: before.resetPasswordAllowed }).toEqual(before);
    expect(await kc.getRealm(realm)).toMatchObject({
      loginWithEmailAllowed: false, duplicateEmailsAllowed: true, editUsernameAllowed: true, verifyEmail: true, resetPasswordAllowed: true, rememberMe: true,
    });
  });

  it('sends nothing for an empty update', async () => {
    await kc.updateRealm(realm, { adminEventsEnabled: true });
    // Keycloak stamps an event in whole ms, as late as the ms the answer arrives in: start the
    // window a ms after that, or the update that turned events on can fall inside it (seen in CI).
    const since = Date.now() + 1;
    while (Date.now() < since) await new Promise((r) => setTimeout(r, 1));
    await kc.updateRealm(realm, {});
    await kc.updateRealm(realm, { rememberMe: undefined });
    expect(await kc.countAdminEvents(realm, since)).toBe(0);
  });

  it('sets and clears the password policy string', async () => {
    await kc.updateRealm(realm, { passwordPolicy: 'length(12) and digits(1) and notUsername(undefined)' });
    expect((await kc.getRealm(realm))?.passwordPolicy).toBe('length(12) and digits(1) and notUsername(undefined)');
    await kc.updateRealm(realm, { passwordPolicy: '' });
    expect((await kc.getRealm(realm))?.passwordPolicy).toBe('');
  });

  it('records admin events for writes only', async () => {
    await kc.updateRealm(realm, { adminEventsEnabled: true });
    // Keycloak stamps an event in whole ms, as late as the ms the answer arrives in: start the
    // window a ms after that, or the update that turned events on can fall inside it (seen in CI).
    const since = Date.now() + 1;
    while (Date.now() < since) await new Promise((r) => setTimeout(r, 1));
    await kc.updateRealm(realm, { rememberMe: false });
    await kc.getRealm(realm);
    await kc.listRequiredActions(realm);
    const events = await kc.listAdminEvents(realm, since);
    expect(events.map((e) => [e.operationType, e.resourceType])).toEqual([['UPDATE', 'REALM']]);
    expect(await kc.countAdminEvents(realm, Date.now() + 60_000)).toBe(0);
  });

  it('deletes a realm, and deleting it again succeeds', async () => {
    const doomed = realmName('kc-doomed');
    await kc.createRealm(doomed);
    await kc.deleteRealm(doomed);
    await kc.deleteRealm(doomed);
    expect(await kc.getRealm(doomed)).toBeUndefined();
  });
});

describe('required actions through the Keycloak port', () => {
  const { kc, realm } = withRealm('kc-ra');
  const rawAction = async (alias: string) => (await rawAdmin<RawRequiredAction>('GET', `/${realm}/authentication/required-actions/${alias}`)).data;

  it('lists the registered required actions with their switches', async () => {
    const actions = await kc.listRequiredActions(realm);
    expect(actions.map((a) => a.alias)).toEqual(expect.arrayContaining(['CONFIGURE_TOTP', 'UPDATE_PASSWORD', 'VERIFY_EMAIL', 'UPDATE_PROFILE', 'TERMS_AND_CONDITIONS', 'webauthn-register']));
    expect(actions.find((a) => a.alias === 'TERMS_AND_CONDITIONS')).toMatchObject({ enabled: false, defaultAction: false });
  });

  it('sets enabled and defaultAction and keeps the name and priority Keycloak had', async () => {
    const before = await rawAction('TERMS_AND_CONDITIONS');
    await kc.updateRequiredAction(realm, 'TERMS_AND_CONDITIONS', { enabled: true, defaultAction: true });
    expect(await rawAction('TERMS_AND_CONDITIONS')).toEqual({ ...before, enabled: true, defaultAction: true });
    expect((await kc.listRequiredActions(realm)).find((a) => a.alias === 'TERMS_AND_CONDITIONS')).toMatchObject({ enabled: true, defaultAction: true });
  });

  it('is the only way: a realm PUT carrying requiredActions changes nothing', async () => {
    const before = await rawAction('CONFIGURE_TOTP');
    await rawAdmin('PUT', `/${realm}`, { requiredActions: [{ ...before, enabled: false, defaultAction: true }] });
    expect(await rawAction('CONFIGURE_TOTP')).toEqual(before);
    await kc.updateRequiredAction(realm, 'CONFIGURE_TOTP', { enabled: true, defaultAction: true });
    expect(await rawAction('CONFIGURE_TOTP')).toMatchObject({ enabled: true, defaultAction: true, name: before.name, priority: before.priority });
  });

  it('rejects an alias no provider has as Invalid', async () => {
    await expect(kc.updateRequiredAction(realm, 'NO_SUCH_ACTION', { enabled: true, defaultAction: false })).rejects.toMatchObject({
      kind: 'Invalid',
      message: `register required action "NO_SUCH_ACTION" in realm "${realm}": Keycloak has no required action provider "NO_SUCH_ACTION"`,
    });
  });
});
