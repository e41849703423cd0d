import { createKeycloakConnection, type KeycloakConnection } from '../../../src/keycloak/index.js';
import type { TestEnv } from '../../env/test-env.js';

/** A Keycloak admin connection for tests to read back (and tamper with) what the operator did. */
export function adminConnection(env: TestEnv): KeycloakConnection {
  return createKeycloakConnection({ url: env.KEYCLOAK_URL, credentials: { clientId: env.KEYCLOAK_ADMIN_CLIENT_ID, clientSecret: env.KEYCLOAK_ADMIN_CLIENT_SECRET } });
}

/** Creates a public client with direct access grants, so tests can log users in (real sessions). */
export async function createLoginClient(kc: KeycloakConnection, realm: string): Promise<string> {
  const clientId = 'dko-test-login';
  await kc.createClient(realm, { clientId, publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false, enabled: true });
  return clientId;
}

/** Logs a user in through the OIDC password grant: a real SSO session starts. */
export async function login(env: TestEnv, realm: string, clientId: string, username: string, password: string): Promise<Response> {
  return fetch(`${env.KEYCLOAK_URL}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: clientId, username, password, scope: 'openid' }),
  });
}
