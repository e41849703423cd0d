import { adminEventOperations } from './admin-events.js';
import { bulkReadOperations } from './bulk.js';
import { clientOperations } from './clients.js';
import { createDispatcher, type RequestObserver } from './dispatcher.js';
import { groupOperations } from './groups.js';
import { KeycloakHttp, connectionFetch } from './http.js';
import type { KeycloakPort } from './port.js';
import { realmOperations } from './realms.js';
import { roleMappingOperations } from './role-mappings.js';
import { sessionOperations } from './sessions.js';
import { TokenCache, requestToken, type KeycloakCredentials } from './token.js';
import { userOperations } from './users.js';

/** How to reach one Keycloak as an administrator. */
export interface KeycloakConnectionOptions {
  /** Base URL, e.g. `https://auth.example.com` (a trailing slash is ignored). */
  url: string;
  /** Realm the admin credentials live in; default `master`. */
  authRealm?: string;
  credentials: KeycloakCredentials;
  /** PEM CA bundle to trust instead of the system CAs (from a Secret or ConfigMap). */
  caBundle?: string;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** Requests in flight at once toward this Keycloak; default 8. */
  maxConcurrency?: number;
  /** Observes every HTTP request (token requests included), e.g. for metrics. */
  onRequest?: RequestObserver;
}

/** The port bound to one Keycloak, with its token cache and HTTP pool. */
export interface KeycloakConnection extends KeycloakPort {
  readonly url: string;
  readonly authRealm: string;
  /** Logins performed so far: one per token lifetime, not one per reconcile. */
  loginCount(): number;
  /** Closes the connection's sockets; the connection must not be used afterwards. */
  close(): Promise<void>;
}

/** Per-request timeout when none is configured. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Requests in flight per Keycloak when no limit is configured. */
export const DEFAULT_MAX_CONCURRENCY = 8;

/** Creates a connection; no request is sent until the first call (then it logs in). */
export function createKeycloakConnection(options: KeycloakConnectionOptions): KeycloakConnection {
  const url = options.url.replace(/\/+$/, '');
  const authRealm = options.authRealm ?? 'master';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { dispatcher, close } = createDispatcher({ caBundle: options.caBundle, onRequest: options.onRequest });
  const login = connectionFetch(dispatcher, timeoutMs);
  const tokens = new TokenCache(() => requestToken(login, url, authRealm, options.credentials, timeoutMs));
  const http = new KeycloakHttp({ url, timeoutMs, maxConcurrency: options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY, dispatcher, tokens });
  const realms = realmOperations(http);
  return {
    url,
    authRealm,
    ...realms,
    ...clientOperations(http),
    ...groupOperations(http),
    ...userOperations(http),
    ...roleMappingOperations(http),
    ...sessionOperations(http),
    ...adminEventOperations(http, () => tokens.get(), realms),
    ...bulkReadOperations(http),
    loginCount: () => tokens.logins,
    close,
  };
}
