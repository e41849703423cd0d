import * as k8s from '@kubernetes/client-node';
import { API_GROUP, API_VERSION } from '../../../src/api/index.js';
import { uniqueName } from '../../env/test-env.js';
import { binding, group, INVALID_CASES, realm, user, type Manifest } from './admission-cases.js';
import { useCrdNamespace } from './crd-fixture.js';

const { custom, target } = useCrdNamespace('api-admission');

const body = (m: Manifest, name: string) => ({ apiVersion: `${API_GROUP}/${API_VERSION}`, kind: m.kind, metadata: { name }, spec: m.spec });

function create(m: Manifest, name = uniqueName(m.kind.toLowerCase())): Promise<{ spec: Record<string, unknown> }> {
  return custom.createNamespacedCustomObject({ ...target(m.kind), body: body(m, name), fieldValidation: 'Strict' });
}

/** The API server's refusal: HTTP code and the Status message (the promise must reject). */
async function refusal(request: Promise<unknown>): Promise<{ code: number; message: string }> {
  const error = await request.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof k8s.ApiException)) throw new Error(`expected the API server to refuse, got ${String(error)}`);
  const status = JSON.parse(String(error.body)) as { message?: string };
  return { code: error.code, message: status.message ?? '' };
}

describe('admission of invalid manifests', () => {
  it('has at least 30 cases', () => {
    expect(INVALID_CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(INVALID_CASES.map((c) => [c.title, c] as const))('rejects %s, naming the field', async (_title, c) => {
    const { code, message } = await refusal(create(c.manifest));
    expect(code).toBe(422);
    expect(message).toContain(`${c.field}: `);
    expect(message).toContain(c.says);
  });
});

describe('admission of valid manifests', () => {
  it.each([
    ['a minimal DashRealm', realm()],
    ['the DashRealm of the SPEC example', realm({
      realm: 'dash', clientId: 'dash',
      keycloak: { url: 'https://auth-dash.example.com', credentialsSecretRef: { name: 'keycloak-admin' }, authRealm: 'master', caBundle: { configMapRef: { name: 'corp-ca', key: 'ca.crt' } } },
      login: { userRegistration: false, forgotPassword: true, rememberMe: true, verifyEmail: true, loginWithEmail: true, duplicateEmails: false, editUsername: false },
      email: {
        host: 'smtp.example.com', port: 587, from: 'dash@example.com', fromDisplayName: 'Dash Enterprise', replyTo: 'it@example.com',
        ssl: false, starttls: true, auth: { username: 'dash', passwordSecretRef: { name: 'smtp', key: 'password' } },
      },
      requiredActions: [{ alias: 'CONFIGURE_TOTP', enabled: true, defaultAction: true }, { alias: 'webauthn-register' }],
      passwordPolicy: { length: 12, digits: 1, upperCase: 1, specialChars: 1, notUsername: true, passwordHistory: 3 },
      logoutPolicy: 'Automatic', licenseRevocation: 'Protect', roleManagement: 'Exclusive', deletionPolicy: 'Delete',
    })],
    ['a DashRealm with an empty password policy', realm({ passwordPolicy: {} })],
    ['a top-level DashGroup', group()],
    ['a DashGroup under a parentRef', group({ name: 'data-science', parentRef: { name: 'engineering' }, deletionPolicy: 'Delete' })],
    ['a DashGroup under a parentPath with a leading slash', group({ parentPath: '/engineering/platform' })],
    ['the DashUser of the SPEC example', user({
      email: 'alice@example.com', firstName: 'Alice', lastName: 'Liddell', enabled: true, emailVerified: true, requiredActions: ['UPDATE_PASSWORD'],
      groups: [{ name: 'data-science' }, { path: 'finance/audit' }], attributes: { department: ['analytics'] },
      initialPassword: { secretRef: { name: 'alice-password', key: 'password' }, temporary: true, rotateOnChange: false }, deletionPolicy: 'Delete',
    })],
    ['a DashUser from an IdP with an e-mail username', user({ username: 'alice.liddell@example.com', groups: [] })],
    ['a DashUser sent an execute-actions e-mail', user({ email: 'alice@example.com', executeActionsEmail: { actions: ['UPDATE_PASSWORD', 'VERIFY_EMAIL'] } })],
    ['the DashRoleBinding of the SPEC example', binding({
      subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'data-science' }, { kind: 'Group', path: 'engineering/platform' }],
    })],
  ] as const)('accepts %s', async (_title, manifest) => {
    await expect(create(manifest)).resolves.toBeDefined();
  });

  it('fills in the defaults the schema declares', async () => {
    const created = await create(realm());
    expect(created.spec).toEqual({ realm: 'dash', clientId: 'dash', logoutPolicy: 'Manual', licenseRevocation: 'Warn', roleManagement: 'Additive', deletionPolicy: 'Retain', driftDetection: 'AdminEvents', managementPolicy: 'Manage' });
    const u = await create(user({ initialPassword: { secretRef: { name: 'pw', key: 'password' } } }));
    expect(u.spec).toMatchObject({ initialPassword: { temporary: true, rotateOnChange: false } });
    // spec.enabled has no default: unset leaves the account as Keycloak holds it (issue 13 item 4).
    expect(u.spec).not.toHaveProperty('enabled');
  });
});

describe('strict field validation', () => {
  it.each([
    ['spec.foo', realm({ foo: 'bar' })],
    ['spec.login.singleSignOn', realm({ login: { singleSignOn: true } })],
    ['spec.subjects[0].namespace', binding({ subjects: [{ kind: 'User', name: 'alice', namespace: 'x' }] })],
    ['spec.groups[0].id', user({ groups: [{ name: 'eng', id: '42' }] })],
  ] as const)('refuses the unknown field %s', async (field, manifest) => {
    const { code, message } = await refusal(create(manifest));
    expect(code).toBe(400);
    expect(message).toContain(`unknown field "${field}"`);
  });
});
