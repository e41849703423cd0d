import type { Kind } from '../../../src/api/index.js';

/** An object to create: a kind and its spec (metadata is added by the test). */
export interface Manifest { kind: Kind; spec: Record<string, unknown> }

/** An invalid manifest and what the API server must say: the field path and a fragment of the message. */
export interface InvalidCase { title: string; manifest: Manifest; field: string; says: string }

const realmRef = { name: 'dash' };
const smtp = { host: 'smtp.example.com', from: 'dash@example.com' };
const kcConn = { url: 'https://auth.example.com', credentialsSecretRef: { name: 'kc-admin' } };
const ref = { name: 'ca', key: 'ca.crt' };

/** Builders for each kind, valid unless the overrides make them otherwise. */
export const realm = (spec: Record<string, unknown> = {}): Manifest => ({ kind: 'DashRealm', spec });
/** A DashGroup in realm `dash`. */
export const group = (spec: Record<string, unknown> = {}): Manifest => ({ kind: 'DashGroup', spec: { realmRef, ...spec } });
/** A DashUser `alice` in realm `dash`. */
export const user = (spec: Record<string, unknown> = {}): Manifest => ({ kind: 'DashUser', spec: { realmRef, username: 'alice', ...spec } });
/** A DashRoleBinding granting licensed_user to alice. */
export const binding = (spec: Record<string, unknown> = {}): Manifest => ({
  kind: 'DashRoleBinding', spec: { realmRef, roles: ['licensed_user'], subjects: [{ kind: 'User', name: 'alice' }], ...spec },
});
const without = (m: Manifest, key: string): Manifest => ({ kind: m.kind, spec: Object.fromEntries(Object.entries(m.spec).filter(([k]) => k !== key)) });

const c = (title: string, manifest: Manifest, field: string, says: string): InvalidCase => ({ title, manifest, field, says });

/** Manifests admission must reject at creation, each naming the offending field. */
export const INVALID_CASES: InvalidCase[] = [
  c('realm name with a space', realm({ realm: 'bad realm' }), 'spec.realm', 'must be a realm name'),
  c('clientId with a space', realm({ clientId: 'dash client' }), 'spec.clientId', 'must be a client id'),
  // An attacker with edit rights in one namespace aiming at Keycloak's own administration.
  c('the master realm', realm({ realm: 'master' }), 'spec.realm', 'must not be master'),
  c('the master realm in another case', realm({ realm: 'Master' }), 'spec.realm', 'must not be master'),
  ...['realm-management', 'broker', 'account', 'account-console', 'admin-cli', 'security-admin-console', 'master-realm', 'Realm-Management'].map((clientId) =>
    c(`built-in client ${clientId}`, realm({ clientId }), 'spec.clientId', "must not be one of Keycloak's built-in clients")),
  c('forgotPassword without email', realm({ login: { forgotPassword: true } }), 'spec.login.forgotPassword', 'needs spec.email'),
  c('verifyEmail without email', realm({ login: { verifyEmail: true } }), 'spec.login.verifyEmail', 'needs spec.email'),
  c('SMTP port 0', realm({ email: { ...smtp, port: 0 } }), 'spec.email.port', 'greater than or equal to 1'),
  c('SMTP port 65536', realm({ email: { ...smtp, port: 65536 } }), 'spec.email.port', 'less than or equal to 65535'),
  c('SMTP from that is no address', realm({ email: { ...smtp, from: 'dash' } }), 'spec.email.from', 'should match'),
  c('SMTP without host', realm({ email: { from: smtp.from } }), 'spec.email.host', 'Required value'),
  c('SMTP auth without password Secret', realm({ email: { ...smtp, auth: { username: 'dash' } } }), 'spec.email.auth.passwordSecretRef', 'Required value'),
  c('unknown logoutPolicy', realm({ logoutPolicy: 'Sometimes' }), 'spec.logoutPolicy', 'Unsupported value'),
  c('unknown licenseRevocation', realm({ licenseRevocation: 'Ignore' }), 'spec.licenseRevocation', 'Unsupported value'),
  c('unknown roleManagement', realm({ roleManagement: 'Replace' }), 'spec.roleManagement', 'Unsupported value'),
  c('unknown realm deletionPolicy', realm({ deletionPolicy: 'Orphan' }), 'spec.deletionPolicy', 'Unsupported value'),
  c('required action listed twice', realm({ requiredActions: [{ alias: 'CONFIGURE_TOTP' }, { alias: 'CONFIGURE_TOTP' }] }), 'spec.requiredActions[1]', 'Duplicate value'),
  c('required action alias with a space', realm({ requiredActions: [{ alias: 'configure totp' }] }), 'spec.requiredActions[0].alias', 'must be a required action alias'),
  c('default action that is disabled', realm({ requiredActions: [{ alias: 'CONFIGURE_TOTP', enabled: false, defaultAction: true }] }),
    'spec.requiredActions[0].defaultAction', 'needs enabled: true'),
  c('password length 0', realm({ passwordPolicy: { length: 0 } }), 'spec.passwordPolicy.length', 'greater than or equal to 1'),
  c('password maxLength below length', realm({ passwordPolicy: { length: 12, maxLength: 8 } }), 'spec.passwordPolicy.maxLength', 'must be at least'),
  c('Keycloak URL that is not http(s)', realm({ keycloak: { ...kcConn, url: 'ftp://auth.example.com' } }), 'spec.keycloak.url', 'must be an http(s) URL'),
  c('Keycloak without credentials', realm({ keycloak: { url: kcConn.url } }), 'spec.keycloak.credentialsSecretRef', 'Required value'),
  c('CA bundle from both sources', realm({ keycloak: { ...kcConn, caBundle: { secretRef: ref, configMapRef: ref } } }), 'spec.keycloak.caBundle', 'exactly one of configMapRef or secretRef'),
  c('CA bundle from no source', realm({ keycloak: { ...kcConn, caBundle: {} } }), 'spec.keycloak.caBundle', 'exactly one of configMapRef or secretRef'),

  c('group with parentRef and parentPath', group({ parentRef: { name: 'eng' }, parentPath: 'eng' }), 'spec.parentPath', 'are exclusive'),
  c('group parentPath with an empty segment', group({ parentPath: 'eng//data' }), 'spec.parentPath', 'must be a group path like Parent/child'),
  c('group name with a slash', group({ name: 'eng/data' }), 'spec.name', "without '/'"),
  c('group without realmRef', without(group(), 'realmRef'), 'spec.realmRef', 'Required value'),
  c('group realmRef that is no object name', group({ realmRef: { name: 'Dash' } }), 'spec.realmRef.name', 'should match'),
  c('unknown group deletionPolicy', group({ deletionPolicy: 'Orphan' }), 'spec.deletionPolicy', 'Unsupported value'),

  c('user without username', without(user(), 'username'), 'spec.username', 'Required value'),
  c('upper-case username', user({ username: 'Alice' }), 'spec.username', 'must be a Keycloak username'),
  c('username with a space', user({ username: 'alice smith' }), 'spec.username', 'without whitespace'),
  c('e-mail that is no address', user({ email: 'alice' }), 'spec.email', 'should match'),
  c('group ref with name and path', user({ groups: [{ name: 'eng', path: 'eng' }] }), 'spec.groups[0]', 'exactly one of name'),
  c('empty group ref', user({ groups: [{}] }), 'spec.groups[0]', 'exactly one of name'),
  c('group ref path "/"', user({ groups: [{ path: '/' }] }), 'spec.groups[0].path', 'must be a group path like Parent/child'),
  c('initial password and execute-actions e-mail', user({
    email: 'alice@example.com', initialPassword: { secretRef: { name: 'pw', key: 'password' } }, executeActionsEmail: { actions: ['UPDATE_PASSWORD'] },
  }), 'spec.executeActionsEmail', 'are exclusive'),
  c('execute-actions e-mail without e-mail', user({ executeActionsEmail: { actions: ['UPDATE_PASSWORD'] } }), 'spec.executeActionsEmail', 'needs spec.email'),
  c('execute-actions e-mail without actions', user({ email: 'alice@example.com', executeActionsEmail: { actions: [] } }),
    'spec.executeActionsEmail.actions', 'should have at least 1 items'),
  c('execute-actions link valid 10 s', user({ email: 'alice@example.com', executeActionsEmail: { actions: ['UPDATE_PASSWORD'], lifespanSeconds: 10 } }),
    'spec.executeActionsEmail.lifespanSeconds', 'greater than or equal to 60'),
  c('initial password Secret without key', user({ initialPassword: { secretRef: { name: 'pw' } } }), 'spec.initialPassword.secretRef.key', 'Required value'),
  c('user required action listed twice', user({ requiredActions: ['UPDATE_PASSWORD', 'UPDATE_PASSWORD'] }), 'spec.requiredActions[1]', 'Duplicate value'),
  c('attribute name with a space', user({ attributes: { 'cost center': ['42'] } }), 'spec.attributes', 'keys must be attribute names'),
  // Disagreements the admission properties found (test/integration/properties): admission took these, parseSpec did not.
  c('username with a no-break space', user({ username: 'alice\u00a0smith' }), 'spec.username', 'without whitespace'),
  c('e-mail with a no-break space', user({ email: 'alice\u00a0smith@example.com' }), 'spec.email', 'should match'),
  c('Keycloak URL with an ideographic space', realm({ keycloak: { ...kcConn, url: 'https://auth\u3000x.example.com' } }), 'spec.keycloak.url', 'must be an http(s) URL'),
  c('attribute name of 256 characters', user({ attributes: { ['a'.repeat(256)]: ['x'] } }), 'spec.attributes', 'at most 255 characters'),
  c('attribute named __proto__', user({ attributes: JSON.parse('{"__proto__":["x"]}') as Record<string, unknown> }), 'spec.attributes', 'not __proto__'),
  c('65 attributes', user({ attributes: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`a${i}`, ['x']])) }), 'spec.attributes', 'must have at most 64'),

  c('binding without roles', binding({ roles: [] }), 'spec.roles', 'must name at least one role'),
  c('binding without subjects', binding({ subjects: [] }), 'spec.subjects', 'must name at least one User or Group'),
  c('role name with a space', binding({ roles: ['Dash Admin'] }), 'spec.roles[0]', 'must be a client role name'),
  c('role listed twice', binding({ roles: ['admin', 'admin'] }), 'spec.roles[1]', 'Duplicate value'),
  c('subject of kind ServiceAccount', binding({ subjects: [{ kind: 'ServiceAccount', name: 'alice' }] }), 'spec.subjects[0].kind', 'Unsupported value'),
  c('User subject without name', binding({ subjects: [{ kind: 'User' }] }), 'spec.subjects[0]', 'of kind User needs name'),
  c('User subject with a path', binding({ subjects: [{ kind: 'User', path: 'eng' }] }), 'spec.subjects[0]', 'of kind User needs name'),
  c('Group subject with name and path', binding({ subjects: [{ kind: 'Group', name: 'eng', path: 'eng' }] }), 'spec.subjects[0]', 'of kind Group needs exactly one'),
  c('Group subject with neither name nor path', binding({ subjects: [{ kind: 'Group' }] }), 'spec.subjects[0]', 'of kind Group needs exactly one'),
  c('Group subject path with a trailing slash', binding({ subjects: [{ kind: 'Group', path: 'eng/' }] }), 'spec.subjects[0].path', 'must be a group path like Parent/child'),
  c('Group subject name that is no DashGroup name', binding({ subjects: [{ kind: 'Group', name: 'data_science' }] }), 'spec.subjects[0].name', 'must be a DashGroup name'),
  c('User subject with an upper-case username', binding({ subjects: [{ kind: 'User', name: 'Alice' }] }), 'spec.subjects[0].name', 'must be a Keycloak username'),
];
