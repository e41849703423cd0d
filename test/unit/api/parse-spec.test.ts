import { parseSpec, parseStatus, type Kind } from '../../../src/api/index.js';

const realm = (spec: object) => ({ apiVersion: 'identity.dashops.dev/v1alpha1', kind: 'DashRealm', metadata: { name: 'dash' }, spec });
const group = (spec: object) => ({ kind: 'DashGroup', metadata: { name: 'g' }, spec: { realmRef: { name: 'dash' }, ...spec } });
const user = (spec: object) => ({ kind: 'DashUser', metadata: { name: 'u' }, spec: { realmRef: { name: 'dash' }, username: 'alice', ...spec } });
const binding = (spec: object) => ({
  kind: 'DashRoleBinding', metadata: { name: 'b' },
  spec: { realmRef: { name: 'dash' }, roles: ['licensed_user'], subjects: [{ kind: 'User', name: 'alice' }], ...spec },
});
const smtp = { host: 'smtp.example.com', from: 'dash@example.com' };

describe('parseSpec', () => {
  it('applies the defaults of the schema to a minimal realm', () => {
    const result = parseSpec('DashRealm', realm({}));
    expect(result).toEqual({
      ok: true,
      spec: { realm: 'dash', clientId: 'dash', logoutPolicy: 'Manual', licenseRevocation: 'Warn', roleManagement: 'Additive', deletionPolicy: 'Retain', driftDetection: 'AdminEvents', managementPolicy: 'Manage' },
    });
  });

  it('keeps an explicit empty list and an empty password policy (empty means empty)', () => {
    const result = parseSpec('DashUser', user({ groups: [], requiredActions: [] }));
    expect(result.ok && result.spec.groups).toEqual([]);
    expect(result.ok && result.spec.requiredActions).toEqual([]);
    const policy = parseSpec('DashRealm', realm({ passwordPolicy: {} }));
    expect(policy.ok && policy.spec.passwordPolicy).toEqual({});
  });

  it('leaves unset fields unset (absent means unmanaged)', () => {
    const result = parseSpec('DashUser', user({}));
    expect(result).toEqual({ ok: true, spec: { realmRef: { name: 'dash' }, username: 'alice' } });
  });

  it.each<[string, Kind, object, string]>([
    ['a group path with an empty segment', 'DashRoleBinding', binding({ subjects: [{ kind: 'Group', path: 'a//b' }] }),
      'spec.subjects[0].path: must be a group path like Parent/child'],
    ['a User subject without name', 'DashRoleBinding', binding({ subjects: [{ kind: 'User', path: 'a/b' }] }),
      'spec.subjects[0]: spec.subjects[] of kind User needs name (a Keycloak username) and no path'],
    ['a Group subject with name and path', 'DashRoleBinding', binding({ subjects: [{ kind: 'Group', name: 'g', path: 'a' }] }),
      'spec.subjects[0]: spec.subjects[] of kind Group needs exactly one of name'],
    ['no subjects', 'DashRoleBinding', binding({ subjects: [] }), 'spec.subjects: spec.subjects must name at least one User or Group'],
    ['no roles', 'DashRoleBinding', binding({ roles: [] }), 'spec.roles: spec.roles must name at least one role'],
    ['a role name with a space', 'DashRoleBinding', binding({ roles: ['licensed user'] }), 'spec.roles[0]: must be a client role name'],
    ['an unknown subject kind', 'DashRoleBinding', binding({ subjects: [{ kind: 'ServiceAccount', name: 'x' }] }), 'spec.subjects[0].kind: Invalid option'],
    ['forgotPassword without email', 'DashRealm', realm({ login: { forgotPassword: true } }), 'spec.login.forgotPassword: spec.login.forgotPassword: true needs spec.email'],
    ['verifyEmail without email', 'DashRealm', realm({ login: { verifyEmail: true } }), 'spec.login.verifyEmail: spec.login.verifyEmail: true needs spec.email'],
    ['port 0', 'DashRealm', realm({ email: { ...smtp, port: 0 } }), 'spec.email.port: Too small'],
    ['port 65536', 'DashRealm', realm({ email: { ...smtp, port: 65536 } }), 'spec.email.port: Too big'],
    ['maxLength below length', 'DashRealm', realm({ passwordPolicy: { length: 12, maxLength: 8 } }), 'spec.passwordPolicy.maxLength: spec.passwordPolicy.maxLength must be at least'],
    ['a CA bundle from both sources', 'DashRealm',
      realm({ keycloak: { url: 'https://kc', credentialsSecretRef: { name: 'kc' }, caBundle: { secretRef: { name: 'a', key: 'b' }, configMapRef: { name: 'a', key: 'b' } } } }),
      'spec.keycloak.caBundle: spec.keycloak.caBundle needs exactly one of configMapRef or secretRef'],
    ['parentRef and parentPath', 'DashGroup', group({ parentRef: { name: 'p' }, parentPath: 'p' }), 'spec.parentPath: spec.parentRef and spec.parentPath are exclusive'],
    ['a group name with a slash', 'DashGroup', group({ name: 'a/b' }), "spec.name: spec.name must be a Keycloak group name without '/'"],
    ['an upper-case username', 'DashUser', user({ username: 'Alice' }), 'spec.username: must be a Keycloak username: lowercase'],
    ['a group ref with name and path', 'DashUser', user({ groups: [{ name: 'a', path: 'b' }] }), 'spec.groups[0]: spec.groups[] needs exactly one of name'],
    ['password and execute-actions e-mail', 'DashUser',
      user({ email: 'a@example.com', initialPassword: { secretRef: { name: 's', key: 'p' } }, executeActionsEmail: { actions: ['UPDATE_PASSWORD'] } }),
      'spec.executeActionsEmail: spec.initialPassword and spec.executeActionsEmail are exclusive'],
    ['execute-actions e-mail without e-mail', 'DashUser', user({ executeActionsEmail: { actions: ['UPDATE_PASSWORD'] } }),
      'spec.executeActionsEmail: spec.executeActionsEmail needs spec.email'],
    ['an attribute key with a space', 'DashUser', user({ attributes: { 'bad key': ['x'] } }), 'spec.attributes: spec.attributes keys must be attribute names'],
    ['a Secret name in upper case', 'DashUser', user({ initialPassword: { secretRef: { name: 'Secret', key: 'p' } } }),
      'spec.initialPassword.secretRef.name: must be a Kubernetes object name'],
    ['a missing realmRef', 'DashGroup', { spec: {} }, 'spec.realmRef: Invalid input: expected object, received undefined'],
    ['no spec at all', 'DashUser', { metadata: { name: 'u' } }, 'spec: Invalid input: expected object, received undefined'],
  ])('rejects %s, naming the field', (_title, kind, object, message) => {
    const result = parseSpec(kind, object);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it('never throws, whatever it is given', () => {
    for (const junk of [undefined, null, 42, 'spec', [], { spec: null }, { spec: [] }, { spec: { realmRef: 'x' } }]) {
      expect(() => parseSpec('DashUser', junk)).not.toThrow();
      expect(parseSpec('DashUser', junk).ok).toBe(false);
    }
  });

  it('gives identical messages for identical failures, so the condition does not flap', () => {
    const object = binding({ subjects: [{ kind: 'Group', path: 'a//b' }], roles: ['bad role'] });
    expect(parseSpec('DashRoleBinding', object)).toEqual(parseSpec('DashRoleBinding', object));
  });

  it('names attribute keys that are not identifiers in brackets', () => {
    const result = parseSpec('DashUser', user({ attributes: { 'cost-center': [1] } }));
    expect(!result.ok && result.message).toContain('spec.attributes["cost-center"][0]: Invalid input: expected string');
  });
});

describe('parseStatus', () => {
  it('accepts a missing status and a status in the shape the runtime writes', () => {
    expect(parseStatus('DashUser', user({}))).toEqual({ ok: true, value: undefined });
    const status = {
      observedGeneration: 2,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: '', lastTransitionTime: '2026-11-23T08:00:00Z', observedGeneration: 2 }],
      effectiveRoles: [{ name: 'viewer', sources: ['default'] }],
    };
    expect(parseStatus('DashUser', { status })).toEqual({ ok: true, value: status });
  });

  it('rejects a condition without lastTransitionTime', () => {
    const result = parseStatus('DashGroup', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: '' }] } });
    expect(!result.ok && result.message).toContain('status.conditions[0].lastTransitionTime');
  });
});
