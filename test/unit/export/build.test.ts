import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { parseSpec, type Kind } from '../../../src/api/index.js';
import { buildRealmExport } from '../../../src/export/build.js';
import { assignKubeNames, toKubeName } from '../../../src/export/names.js';
import type { RealmSnapshot } from '../../../src/export/read.js';
import { exportPasswordPolicy, exportRealmSpec } from '../../../src/export/realm-spec.js';
import { toYaml } from '../../../src/export/serialize.js';
import type { KeycloakGroup, KeycloakRealm, KeycloakUser } from '../../../src/keycloak/port.js';

const realm: KeycloakRealm = {
  id: 'r1', realm: 'Dash_Prod', enabled: true, registrationAllowed: false, resetPasswordAllowed: false, rememberMe: true, verifyEmail: false,
  loginWithEmailAllowed: true, duplicateEmailsAllowed: false, editUsernameAllowed: false, passwordPolicy: 'length(12) and notUsername(undefined)',
  smtpServer: {}, smtpPasswordSet: false, adminEventsEnabled: false, adminEventsDetailsEnabled: false, attributes: {},
  bruteForceProtected: false, failureFactor: 30, waitIncrementSeconds: 60, maxFailureWaitSeconds: 900, permanentLockout: false,
};
const group = (id: string, path: string, parentId?: string): KeycloakGroup => ({ id, name: path.split('/').pop() ?? '', path: `/${path}`, attributes: {}, ...(parentId ? { parentId } : {}) });
const user = (id: string, username: string, extra: Partial<KeycloakUser> = {}): KeycloakUser => ({ id, username, enabled: true, emailVerified: false, requiredActions: [], attributes: {}, ...extra });

// Built in scrambled order: the output must not depend on Keycloak's listing order.
const snapshot = (reverse = false): RealmSnapshot => {
  const order = <T>(list: T[]) => (reverse ? [...list].reverse() : list);
  return {
    realm, clientId: 'dash', clientRoles: ['admin', 'licensed_user'],
    requiredActions: order([{ alias: 'VERIFY_EMAIL', name: 'Verify', enabled: true, defaultAction: false, priority: 1 }, { alias: 'CONFIGURE_TOTP', name: 'OTP', enabled: true, defaultAction: true, priority: 2 }]),
    groups: order([group('g1', 'Team A'), group('g2', 'team-a'), group('g3', 'Team A/North', 'g1')]),
    users: order([
      user('u1', 'a_b'), user('u2', 'a-b'),
      user('u3', 'evil', { firstName: '--- !!js/function "x"', lastName: 'key: "value"\n# not a comment\n---', email: 'e@example.com', requiredActions: ['VERIFY_EMAIL', 'CONFIGURE_TOTP'] }),
      user('u4', 'ldap-bob', { federationLink: 'ldap-1\n---\nkind: Secret' }),
    ]),
    members: new Map([['g3', order(['u3', 'u1'])], ['g1', ['u3']]]),
    roleHolders: new Map([['licensed_user', { users: order(['u2', 'u1']), groupPaths: ['Team A/North'] }], ['admin', { users: [], groupPaths: [] }]]),
  };
};

describe('export of a realm snapshot', () => {
  it('is the same bytes whatever order Keycloak listed things in', () => {
    const a = buildRealmExport(snapshot(), 'ns');
    const b = buildRealmExport(snapshot(true), 'ns');
    expect(toYaml(b.objects, 'h')).toBe(toYaml(a.objects, 'h'));
    expect(a.objects.map((o) => `${o.kind}/${o.name}`)).toEqual([
      'DashRealm/dash-prod',
      'DashGroup/team-a-96c288', 'DashGroup/team-a-e18d32', 'DashGroup/team-a.north',
      'DashUser/a-b-648fa9', 'DashUser/a-b-d44362', 'DashUser/evil', 'DashUser/ldap-bob',
      'DashRoleBinding/licensed-user-groups', 'DashRoleBinding/licensed-user-users',
    ]);
  });

  it('gives every object a schema-valid spec, the adopt annotation, parentRef and group names by DashGroup', () => {
    const { objects, warnings } = buildRealmExport(snapshot(), 'ns');
    expect(warnings).toEqual([]);
    for (const o of objects) {
      expect(parseSpec(o.kind, o.manifest)).toMatchObject({ ok: true });
      expect(o.manifest.metadata).toMatchObject({ namespace: 'ns', annotations: { 'identity.dashops.dev/adopt': 'true' } });
    }
    const spec = (kind: Kind, name: string) => objects.find((o) => o.kind === kind && o.name === name)?.manifest.spec;
    expect(spec('DashGroup', 'team-a.north')).toEqual({ realmRef: { name: 'dash-prod' }, name: 'North', parentRef: { name: objects.find((o) => o.kind === 'DashGroup' && (o.manifest.spec as { name: string }).name === 'Team A')?.name } });
    expect(spec('DashUser', 'evil')).toMatchObject({ username: 'evil', enabled: true, emailVerified: false, requiredActions: ['CONFIGURE_TOTP', 'VERIFY_EMAIL'] });
    expect(spec('DashRealm', 'dash-prod')).toEqual({
      realm: 'Dash_Prod', clientId: 'dash',
      login: { duplicateEmails: false, editUsername: false, forgotPassword: false, loginWithEmail: true, rememberMe: true, userRegistration: false, verifyEmail: false },
      passwordPolicy: { length: 12, notUsername: true },
      requiredActions: [{ alias: 'CONFIGURE_TOTP', enabled: true, defaultAction: true }, { alias: 'VERIFY_EMAIL', enabled: true, defaultAction: false }],
    });
    expect(JSON.stringify(objects)).not.toMatch(/password"?:\s*"/i);
  });

  it('round-trips hostile profile text through YAML, and keeps Keycloak text in comments on comment lines', () => {
    const { objects } = buildRealmExport(snapshot(), 'ns');
    const yaml = toYaml(objects, 'header');
    const docs = parseAllDocuments(yaml).map((d) => d.toJS() as { kind: string; spec: Record<string, unknown> });
    expect(docs).toHaveLength(objects.length);
    expect(docs.find((d) => d.spec.username === 'evil')?.spec).toMatchObject({ firstName: '--- !!js/function "x"', lastName: 'key: "value"\n# not a comment\n---' });
    expect(docs.some((d) => d.kind === 'Secret')).toBe(false);
    expect(yaml).toContain('# federated user (federationLink ldap-1 --- kind: Secret)');
  });

  it('leaves out what the API cannot express, saying so', () => {
    expect(exportPasswordPolicy('length(8) and maxAuthAge(300)')).toEqual({ note: expect.stringContaining('maxAuthAge') });
    expect(exportPasswordPolicy('')).toEqual({});
    const { objects, warnings } = buildRealmExport({ ...snapshot(), realm: { ...realm, resetPasswordAllowed: true, smtpServer: { host: 'smtp' } } });
    expect(warnings.join('\n')).toContain('login.forgotPassword (true in Keycloak) is left out');
    expect(objects[0].comment).toContain('not exported: email (SMTP settings)');
  });
});

describe('Kubernetes names from Keycloak names', () => {
  it('are DNS-1123 names; collisions get a hash of their own Keycloak name, whatever else collides', () => {
    expect(toKubeName('Data Science/ML..Ops', 'x')).toBe('data-science-ml.ops');
    expect(toKubeName('---', 'fallback')).toBe('fallback');
    const one = assignKubeNames(['a_b', 'a-b', 'c'], (r) => toKubeName(r, 'x'));
    const two = assignKubeNames(['a-b', 'a.b', 'a_b', 'c'], (r) => toKubeName(r, 'x'));
    expect(one.get('c')).toBe('c');
    expect(one.get('a_b')).toBe(two.get('a_b'));
    expect(new Set(one.values()).size).toBe(3);
  });
});

describe('exportRealmSpec: brute-force protection', () => {
  it('is exported with its settings when on, and left unmanaged when off', () => {
    const on = exportRealmSpec({ ...realm, bruteForceProtected: true, failureFactor: 5, permanentLockout: true }, [], 'dash');
    expect(on.spec.bruteForceProtection).toEqual({ enabled: true, failureFactor: 5, waitIncrementSeconds: 60, maxFailureWaitSeconds: 900, permanentLockout: true });
    expect(exportRealmSpec(realm, [], 'dash').spec.bruteForceProtection).toBeUndefined();
  });
});
