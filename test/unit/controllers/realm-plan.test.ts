import { USER_OWNER_ATTRIBUTE } from '../../../src/api/constants.js';
import type { DashRealmSpec } from '../../../src/api/realm.js';
import { planRealm, smtpMap, smtpMatches, type ObservedRealm } from '../../../src/controllers/realm/plan.js';

const spec = (over: Partial<DashRealmSpec> = {}): DashRealmSpec => ({
  realm: 'dash', clientId: 'dash', logoutPolicy: 'Manual', licenseRevocation: 'Warn',
  roleManagement: 'Additive', deletionPolicy: 'Retain', driftDetection: 'Resync', managementPolicy: 'Manage', ...over,
});
const complete = (over: Partial<ObservedRealm> = {}): ObservedRealm => ({
  settings: {}, smtpPasswordSet: false, client: { uuid: 'c1', roles: ['admin', 'licensed_user', 'viewer'] },
  defaultClientRoles: ['viewer'], requiredActions: [], userProfileAttributes: ['username', USER_OWNER_ATTRIBUTE],
  adminEvents: { enabled: false, expirationSet: false }, ...over,
});
const email = { host: 'smtp.example.com', port: 587, from: 'dash@example.com', ssl: false, starttls: true, auth: { username: 'dash', passwordSecretRef: { name: 's', key: 'password' } } };

describe('planRealm: admin events for drift detection', () => {
  const events = (enabled: boolean, expirationSet: boolean) => complete({ adminEvents: { enabled, expirationSet } });
  it.each([
    ['AdminEvents, off, no retention set: turned on, kept 1 day', 'AdminEvents', true, events(false, false), [{ kind: 'enableAdminEvents', expirationSeconds: 86_400 }]],
    ['AdminEvents, off, retention set by someone: turned on, retention left alone', 'AdminEvents', true, events(false, true), [{ kind: 'enableAdminEvents' }]],
    ['AdminEvents, on already (maybe kept forever by an auditor): nothing', 'AdminEvents', true, events(true, false), []],
    ['AdminEvents on a Keycloak before 26.2: nothing (falls back to Resync)', 'AdminEvents', false, events(false, false), []],
    ['Resync: the events configuration is never touched', 'Resync', undefined, events(false, false), []],
  ] as const)('%s', (_name, driftDetection, adminEventsSupported, observed, expected) => {
    expect(planRealm(spec({ driftDetection }), observed, { adminEventsSupported })).toEqual(expected);
  });
});

describe('planRealm', () => {
  it('observed equals desired gives an empty plan', () => {
    const full = spec({
      login: { userRegistration: false, forgotPassword: true, rememberMe: true },
      passwordPolicy: { length: 12, digits: 1 },
      email,
      requiredActions: [{ alias: 'CONFIGURE_TOTP', enabled: true, defaultAction: true }],
    });
    const observed = complete({
      settings: {
        registrationAllowed: false, resetPasswordAllowed: true, rememberMe: true, passwordPolicy: 'digits(1) and length(12)',
        smtpServer: { ...withoutPassword(smtpMap(email, 'x')) },
      },
      smtpPasswordSet: true,
      requiredActions: [{ alias: 'CONFIGURE_TOTP', enabled: true, defaultAction: true }],
    });
    expect(planRealm(full, observed, { smtpPassword: 'x', smtpPasswordVersion: '7', appliedSmtpPasswordVersion: '7', logoutAllRequest: 'a', logoutAllDone: 'a' })).toEqual([]);
  });

  it('creates the realm, the client, its roles and the default role when nothing exists', () => {
    expect(planRealm(spec(), undefined, {}).map((s) => s.kind === 'createClientRole' ? `role ${s.role}` : s.kind)).toEqual([
      'createRealm', 'declareUserOwnerAttribute', 'createClient', 'role admin', 'role licensed_user', 'role viewer', 'addDefaultClientRole',
    ]);
  });

  it("declares the user owner mark in a realm whose user profile lacks it (else Keycloak drops the mark from the users it creates)", () => {
    expect(planRealm(spec(), complete({ userProfileAttributes: ['username', 'email'] }), {})).toEqual([{ kind: 'declareUserOwnerAttribute' }]);
  });

  it('leaves the user profile of an adopted realm alone: adopting writes nothing (the first user created declares the mark)', () => {
    expect(planRealm(spec(), complete({ userProfileAttributes: ['username', 'email'] }), { adopted: true })).toEqual([]);
  });

  it('changes nothing on a real Dash Enterprise realm that already has client, roles and default role', () => {
    expect(planRealm(spec(), complete({ settings: { registrationAllowed: true, passwordPolicy: 'length(8)' } }), {})).toEqual([]);
  });

  it('writes only the switches that differ', () => {
    const steps = planRealm(spec({ login: { rememberMe: true, editUsername: false } }), complete({ settings: { rememberMe: false, editUsernameAllowed: false } }), {});
    expect(steps).toEqual([{ kind: 'updateRealm', fields: ['rememberMe'], settings: { rememberMe: true } }]);
  });

  it('renders {} as "no policy" and writes it when Keycloak has one', () => {
    expect(planRealm(spec({ passwordPolicy: {} }), complete({ settings: { passwordPolicy: 'length(8)' } }), {}))
      .toEqual([{ kind: 'updateRealm', fields: ['passwordPolicy'], settings: { passwordPolicy: '' } }]);
  });

  it('manages only the brute-force fields the spec sets, under their Keycloak names', () => {
    const bruteForceProtection = { enabled: true, failureFactor: 3, permanentLockout: false };
    const observed = complete({ settings: { bruteForceProtected: false, failureFactor: 30, permanentLockout: false, waitIncrementSeconds: 60, maxFailureWaitSeconds: 900 } });
    expect(planRealm(spec({ bruteForceProtection }), observed, {}))
      .toEqual([{ kind: 'updateRealm', fields: ['bruteForceProtected', 'failureFactor'], settings: { bruteForceProtected: true, failureFactor: 3 } }]);
    expect(planRealm(spec({ bruteForceProtection }), complete({ settings: { bruteForceProtected: true, failureFactor: 3, permanentLockout: false } }), {})).toEqual([]);
  });

  it('updates a required action that differs and leaves unlisted ones alone', () => {
    const steps = planRealm(spec({ requiredActions: [{ alias: 'CONFIGURE_TOTP', enabled: true, defaultAction: true }] }),
      complete({ requiredActions: [{ alias: 'CONFIGURE_TOTP', enabled: true, defaultAction: false }, { alias: 'VERIFY_EMAIL', enabled: false, defaultAction: false }] }), {});
    expect(steps).toEqual([{ kind: 'updateRequiredAction', alias: 'CONFIGURE_TOTP', enabled: true, defaultAction: true }]);
  });

  it('logs everyone out once per new annotation value', () => {
    expect(planRealm(spec(), complete(), { logoutAllRequest: '2', logoutAllDone: '1' })).toEqual([{ kind: 'logoutAll', request: '2' }]);
    expect(planRealm(spec(), complete(), { logoutAllRequest: '2', logoutAllDone: '2' })).toEqual([]);
  });
});

describe('SMTP settings and the masked password', () => {
  const desired = smtpMap(email, 's3cret');
  const masked = withoutPassword(desired);

  it('sends the full map with the real password, never the mask', () => {
    expect(desired).toEqual({ host: 'smtp.example.com', port: '587', from: 'dash@example.com', ssl: 'false', starttls: 'true', auth: 'true', user: 'dash', password: 's3cret' });
  });

  it('treats a masked password as equal while the Secret is unchanged', () => {
    expect(smtpMatches(desired, masked, true, { smtpPasswordVersion: '1', appliedSmtpPasswordVersion: '1' })).toBe(true);
  });

  it('writes when the Secret changed, when Keycloak lost the password, or when the host changed', () => {
    expect(smtpMatches(desired, masked, true, { smtpPasswordVersion: '2', appliedSmtpPasswordVersion: '1' })).toBe(false);
    expect(smtpMatches(desired, masked, false, { smtpPasswordVersion: '1', appliedSmtpPasswordVersion: '1' })).toBe(false);
    expect(smtpMatches({ ...desired, host: 'new.example.com' }, masked, true, { smtpPasswordVersion: '1', appliedSmtpPasswordVersion: '1' })).toBe(false);
  });
});

function withoutPassword(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => k !== 'password'));
}
