import { createKeycloakConnection, type KeycloakConnection, type KeycloakConnectionOptions } from '../../../src/keycloak/index.js';
import { loadTestEnv, uniqueName } from '../../env/test-env.js';
import { lateBound } from '../support/late-bound.js';

/** The running test environment. */
export const env = loadTestEnv();

/** A connection to the test Keycloak as the bootstrap admin client. */
export function adminConnection(overrides: Partial<KeycloakConnectionOptions> = {}): KeycloakConnection {
  return createKeycloakConnection({
    url: env.KEYCLOAK_URL,
    credentials: { clientId: env.KEYCLOAK_ADMIN_CLIENT_ID, clientSecret: env.KEYCLOAK_ADMIN_CLIENT_SECRET },
    ...overrides,
  });
}

/** A fresh realm name for one test file (DNS-style, unique per run). */
export function realmName(prefix: string): string {
  return uniqueName(prefix);
}

/** What `withRealm` gives a describe block: the admin connection and its realm. */
export interface RealmFixture {
  /** The admin connection (see `adminConnection`), made in beforeAll and closed in afterAll. */
  kc: KeycloakConnection;
  /** The realm's name: fresh for this run, with `prefix`. */
  realm: string;
}

/**
 * The fixture of a Keycloak port test: registers a beforeAll that opens an admin connection
 * and creates a fresh realm (with `settings`), and an afterAll that deletes the realm and
 * closes the connection. Call it in a describe block; hooks registered after it run after
 * its beforeAll (more setup) and after its afterAll (more cleanup).
 */
export function withRealm(prefix: string, settings?: Parameters<KeycloakConnection['createRealm']>[1]): RealmFixture {
  const realm = realmName(prefix);
  const kc = lateBound<KeycloakConnection>(`the admin connection of realm ${realm}`);
  beforeAll(async () => {
    kc.set(adminConnection());
    await kc.value.createRealm(realm, settings);
  });
  afterAll(async () => {
    const connection = kc.current();
    if (!connection) return;
    await connection.deleteRealm(realm);
    await connection.close();
  });
  return { kc: kc.value, realm };
}

/**
 * The admin REST API without the port, to check what Keycloak really holds (and to change
 * things behind the port's back). Throws on any non-2xx answer.
 */
export async function rawAdmin<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T; location?: string }> {
  const res = await fetch(`${env.KEYCLOAK_URL}/admin/realms${path}`, {
    method,
    headers: { authorization: `Bearer ${await rawToken()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { status: res.status, data: (text ? JSON.parse(text) : undefined) as T, location: res.headers.get('location') ?? undefined };
}

async function rawToken(): Promise<string> {
  const res = await fetch(`${env.KEYCLOAK_URL}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: env.KEYCLOAK_ADMIN_CLIENT_ID, client_secret: env.KEYCLOAK_ADMIN_CLIENT_SECRET }),
  });
  if (!res.ok) throw new Error(`admin token: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Logs a user in through the OIDC password grant of a client with direct access grants: a real session. */
export async function passwordLogin(realm: string, clientId: string, username: string, password: string): Promise<void> {
  const res = await fetch(`${env.KEYCLOAK_URL}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: clientId, username, password, scope: 'openid' }),
  });
  if (!res.ok) throw new Error(`login of ${username}: ${res.status} ${await res.text()}`);
}
