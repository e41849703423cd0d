import type { TestEnv } from '../../env/test-env.js';
import { KeycloakRest } from './keycloak-rest.js';

// Set-ups and read-backs over KeycloakRest (raw admin REST, no code shared with src/keycloak),
// for operator-level tests that must not trust the adapter under test.

const enc = encodeURIComponent;

/** A user as the admin REST API returns it, with the fields these tests look at. */
export interface RestUser {
  id: string;
  username: string;
  enabled: boolean;
  federationLink?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  attributes?: Record<string, string[]>;
}

/** The one user named exactly `username`, or undefined. */
export async function restUser(rest: KeycloakRest, realm: string, username: string): Promise<RestUser | undefined> {
  return (await rest.usersNamed(realm, username))[0] as unknown as RestUser | undefined;
}

/** The user's credentials (type and creation time; never the secret). */
export async function credentials(rest: KeycloakRest, realm: string, userId: string): Promise<{ id: string; type: string; createdDate: number }[]> {
  return (await rest.get(`/${enc(realm)}/users/${enc(userId)}/credentials`)) ?? [];
}

/** The user's active SSO sessions. */
export async function sessions(rest: KeycloakRest, realm: string, userId: string): Promise<{ id: string; start: number }[]> {
  return (await rest.get(`/${enc(realm)}/users/${enc(userId)}/sessions`)) ?? [];
}

/** Creates a public client with direct access grants, so tests can log users in (real sessions). */
export async function createLoginClient(rest: KeycloakRest, realm: string): Promise<string> {
  const clientId = 'dko-test-login';
  await rest.write('POST', `/${enc(realm)}/clients`, { clientId, publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false, enabled: true });
  return clientId;
}

/** Logs a user in through the OIDC password grant: a real SSO session starts. */
export function login(env: TestEnv, realm: string, clientId: string, username: string, password: string): Promise<Response> {
  return fetch(`${env.KEYCLOAK_URL}/realms/${enc(realm)}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: clientId, username, password, scope: 'openid' }),
  });
}

/**
 * An LDAP user-storage provider that is disabled and points nowhere: Keycloak keeps users
 * linked to it (`federationLink`) readable without an LDAP server. An enabled one pointing
 * nowhere makes Keycloak hide its users (their import validation fails). Returns its id.
 */
export async function disabledLdapProvider(rest: KeycloakRest, realm: string): Promise<string> {
  const parentId = ((await rest.realm(realm)) as { id: string }).id;
  const { location } = await rest.write('POST', `/${enc(realm)}/components`, {
    name: 'ldap-nowhere', providerId: 'ldap', providerType: 'org.keycloak.storage.UserStorageProvider', parentId,
    config: {
      enabled: ['false'], vendor: ['other'], connectionUrl: ['ldap://127.0.0.1:1'], usersDn: ['ou=users,dc=example,dc=org'],
      bindDn: ['cn=admin'], bindCredential: ['unused'], authType: ['simple'], editMode: ['READ_ONLY'], usernameLDAPAttribute: ['uid'],
      rdnLDAPAttribute: ['uid'], uuidLDAPAttribute: ['entryUUID'], userObjectClasses: ['inetOrgPerson'], importEnabled: ['true'],
    },
  });
  return location?.split('/').pop() ?? '';
}

/** Turns on the realm's admin events, so a test can count the writes Keycloak received. */
export async function enableAdminEvents(rest: KeycloakRest, realm: string): Promise<void> {
  await rest.write('PUT', `/${enc(realm)}`, { adminEventsEnabled: true, adminEventsDetailsEnabled: false });
}

/** Admin events of one operation type on one resource path (e.g. `users/<id>`). */
export async function adminEvents(rest: KeycloakRest, realm: string, operationType: string, resourcePath: string): Promise<unknown[]> {
  return (await rest.get(`/${enc(realm)}/admin-events?operationTypes=${operationType}&resourcePath=${enc(resourcePath)}&max=1000`)) ?? [];
}

/** Declares a user attribute in the realm's user profile (editable by admins), so Keycloak keeps it. */
export async function declareUserAttribute(rest: KeycloakRest, realm: string, name: string): Promise<void> {
  const profile = (await rest.get<{ attributes: object[] }>(`/${enc(realm)}/users/profile`)) ?? { attributes: [] };
  const attribute = { name, displayName: name, permissions: { view: ['admin'], edit: ['admin'] }, multivalued: false };
  await rest.write('PUT', `/${enc(realm)}/users/profile`, { ...profile, attributes: [...profile.attributes, attribute] });
}

/** Polls `check` until it holds or the time is up (then throws naming `what`). */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    if (await check()) return;
  }
  throw new Error(`${what}: not reached in ${timeoutMs} ms`);
}

/**
 * Creates an administrator of `realm` other than the operator (a user holding realm-management's
 * realm-admin) and returns a reader acting as it: its changes are recorded as someone else's
 * admin events, as a console user's would be.
 */
export async function secondAdmin(rest: KeycloakRest, env: TestEnv, realm: string, username = 'console-admin'): Promise<KeycloakRest> {
  const password = `Pw-${Math.random().toString(36).slice(2)}-9`;
  const base = `/${enc(realm)}`;
  const { location } = await rest.write('POST', `${base}/users`, {
    username, enabled: true, email: `${username}@example.com`, firstName: 'Console', lastName: 'Admin',
    credentials: [{ type: 'password', value: password, temporary: false }],
  });
  const userId = (location ?? '').slice((location ?? '').lastIndexOf('/') + 1);
  const clients = (await rest.get<{ id: string; clientId: string }[]>(`${base}/clients?clientId=realm-management`)) ?? [];
  const management = clients.find((c) => c.clientId === 'realm-management')?.id ?? '';
  const roles = (await rest.get<{ id: string; name: string }[]>(`${base}/clients/${management}/roles?max=1000`)) ?? [];
  await rest.write('POST', `${base}/users/${userId}/role-mappings/clients/${management}`, roles.filter((r) => r.name === 'realm-admin'));
  return new KeycloakRest(env, { realm, username, password });
}
