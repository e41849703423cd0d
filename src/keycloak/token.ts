import { KeycloakError, KeycloakErrorKind, KeycloakHttpError, toKeycloakError } from './errors.js';
import { redirectRefused } from './http.js';

/** Admin credentials: a client for the client-credentials grant (preferred), or an admin user for the password grant. */
export type KeycloakCredentials = { clientId: string; clientSecret: string } | { username: string; password: string };

/** An access token and how long Keycloak says it lives. */
export interface AccessToken {
  value: string;
  expiresInSeconds: number;
}

/** `fetch` as the connection provides it (its dispatcher and timeout applied). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

// The password grant goes through Keycloak's own admin console client.
const PASSWORD_GRANT_CLIENT = 'admin-cli';

/**
 * Logs in at `<url>/realms/<authRealm>/protocol/openid-connect/token`. Any refusal by the token
 * endpoint (400 invalid_grant, 401 invalid_client, 404 unknown realm) is Unauthorized; the
 * message names the client or user, never a secret. A redirect is never followed (it would
 * resend the credentials elsewhere): it fails as Unavailable, "redirect refused".
 */
export async function requestToken(fetchFn: FetchLike, url: string, authRealm: string, credentials: KeycloakCredentials, timeoutMs?: number): Promise<AccessToken> {
  const who = 'clientId' in credentials ? `client "${credentials.clientId}"` : `user "${credentials.username}"`;
  const operation = `log in to Keycloak realm "${authRealm}" as ${who}`;
  const body = 'clientId' in credentials
    ? new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret })
    : new URLSearchParams({ grant_type: 'password', client_id: PASSWORD_GRANT_CLIENT, username: credentials.username, password: credentials.password });
  let data: { access_token?: unknown; expires_in?: unknown };
  try {
    const tokenUrl = `${url}/realms/${encodeURIComponent(authRealm)}/protocol/openid-connect/token`;
    const res = await fetchFn(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'manual',
    });
    if (res.status >= 300 && res.status < 400) throw redirectRefused(res.status, res.headers.get('location'), tokenUrl);
    const text = await res.text();
    if (!res.ok) throw new KeycloakHttpError(res.status, parseJson(text));
    data = parseJson(text) as typeof data;
  } catch (err) {
    const mapped = toKeycloakError(operation, err, timeoutMs);
    if (mapped.kind === KeycloakErrorKind.Unavailable) throw mapped;
    throw new KeycloakError(KeycloakErrorKind.Unauthorized, mapped.message, { cause: err, status: mapped.status });
  }
  if (typeof data.access_token !== 'string') {
    throw new KeycloakError(KeycloakErrorKind.Unauthorized, `${operation}: the answer holds no access_token`);
  }
  const expires = typeof data.expires_in === 'number' ? data.expires_in : 60;
  return { value: data.access_token, expiresInSeconds: expires };
}

/**
 * Caches one access token and renews it shortly before it expires. Concurrent callers share
 * one login (single flight). The client-credentials grant issues no refresh token, so renewal
 * is a new login; master-realm tokens live 60 s by default, hence a margin of a quarter of the
 * lifetime (at most 30 s) rather than a fixed one.
 */
export class TokenCache {
  #token?: { value: string; renewAtMs: number };
  #pending?: Promise<string>;
  #logins = 0;

  constructor(private readonly login: () => Promise<AccessToken>, private readonly now: () => number = Date.now) {}

  /** How many logins were attempted so far. */
  get logins(): number {
    return this.#logins;
  }

  /** A valid token, from the cache or from one shared login; throws the login's KeycloakError. */
  async get(): Promise<string> {
    if (this.#token && this.now() < this.#token.renewAtMs) return this.#token.value;
    this.#pending ??= this.#renew().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forgets `value` if it is still the cached token (Keycloak answered 401 to it); a newer token stays. */
  invalidate(value: string): void {
    if (this.#token?.value === value) this.#token = undefined;
  }

  async #renew(): Promise<string> {
    this.#logins += 1;
    // Counted from before the request, so network time only makes the renewal earlier.
    const startedAt = this.now();
    const token = await this.login();
    const lifetimeMs = token.expiresInSeconds * 1000;
    const marginMs = Math.min(30_000, lifetimeMs / 4);
    this.#token = { value: token.value, renewAtMs: startedAt + lifetimeMs - marginMs };
    return token.value;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
