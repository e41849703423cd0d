import KcAdminClient from '@keycloak/keycloak-admin-client';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Dispatcher } from 'undici';
import { KeycloakError, KeycloakErrorKind, KeycloakHttpError, httpStatusOf, isKeycloakError, toKeycloakError } from './errors.js';
import { findPassStopped } from '../runtime/pass-signal.js';
import { runAsOperation } from './operation-context.js';
import type { FetchLike, TokenCache } from './token.js';

/** The admin client as the adapter uses it. */
export type AdminClient = KcAdminClient;

/** Query parameters; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** What one connection's requests share. */
export interface HttpSettings {
  /** Keycloak's base URL without a trailing slash. */
  url: string;
  timeoutMs: number;
  maxConcurrency: number;
  dispatcher: Dispatcher;
  tokens: TokenCache;
}

/**
 * The adapter's only way to Keycloak: admin-client calls and raw admin REST calls alike run
 * under one concurrency limit, with the connection's timeout, dispatcher (CA bundle) and
 * token, re-authenticate once on a 401, and fail with one KeycloakError naming the operation,
 * except a write the dispatcher refused because its pass stopped (PassStoppedError, as is).
 */
export class KeycloakHttp {
  readonly admin: AdminClient;
  readonly #settings: HttpSettings;
  readonly #limit: LimitFunction;

  constructor(settings: HttpSettings) {
    this.#settings = settings;
    this.#limit = pLimit(settings.maxConcurrency);
    // realmName stays unset: every call passes its realm (setConfig would race between reconciles).
    this.admin = new KcAdminClient({
      baseUrl: settings.url,
      timeout: settings.timeoutMs,
      // Node's fetch takes the undici dispatcher as a non-standard init field. A redirect is
      // answered, not followed: following it would carry the bearer token to another address.
      requestOptions: { dispatcher: settings.dispatcher, redirect: 'manual' } as unknown as RequestInit,
    });
    this.admin.registerTokenProvider({ getAccessToken: () => settings.tokens.get() });
  }

  /** fetch through this connection's dispatcher with its timeout (no token, no limit). */
  fetch(url: string, init: RequestInit): Promise<Response> {
    return connectionFetch(this.#settings.dispatcher, this.#settings.timeoutMs)(url, init);
  }

  /** Runs one admin-client call; the client reads the cached token itself. */
  call<T>(operation: string, fn: (admin: AdminClient) => Promise<T>): Promise<T> {
    return this.#run(operation, () => fn(this.admin));
  }

  /** Sends one admin REST request to `/admin/realms<path>` and returns the parsed body and the Location header. */
  request<T = unknown>(operation: string, method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<{ data: T; location?: string }> {
    return this.#run(operation, (token) => this.#send<T>(token, method, path, options));
  }

  /** Like `call`, but a 404 (or the admin client's `null` for one) gives undefined. */
  async read<T>(operation: string, fn: (admin: AdminClient) => Promise<T | null | undefined>): Promise<T | undefined> {
    try {
      return (await this.call(operation, fn)) ?? undefined;
    } catch (err) {
      if (isKeycloakError(err, KeycloakErrorKind.NotFound)) return undefined;
      throw err;
    }
  }

  /** A GET through `request` whose 404 gives undefined. */
  async get<T>(operation: string, path: string, query?: Query): Promise<T | undefined> {
    try {
      return (await this.request<T>(operation, 'GET', path, { query })).data ?? undefined;
    } catch (err) {
      if (isKeycloakError(err, KeycloakErrorKind.NotFound)) return undefined;
      throw err;
    }
  }

  /** Like `call` for a delete or another idempotent write: a 404 is success. */
  async ignoreMissing(operation: string, fn: (admin: AdminClient) => Promise<unknown>): Promise<void> {
    try {
      await this.call(operation, fn);
    } catch (err) {
      if (!isKeycloakError(err, KeycloakErrorKind.NotFound)) throw err;
    }
  }

  #run<T>(operation: string, attempt: (token: string) => Promise<T>): Promise<T> {
    return this.#limit(() => runAsOperation(operation, async () => {
      const { tokens, timeoutMs } = this.#settings;
      const token = await this.#token(operation);
      try {
        return await attempt(token);
      } catch (err) {
        // A write refused because the pass stopped is no Keycloak failure: it travels as is.
        const stopped = findPassStopped(err);
        if (stopped) throw stopped;
        if (httpStatusOf(err) !== 401) throw toKeycloakError(operation, redirectToError(err), timeoutMs);
        // The token was revoked or the server restarted (in-memory sessions): log in once more.
        tokens.invalidate(token);
        try {
          return await attempt(await this.#token(operation));
        } catch (retryErr) {
          throw findPassStopped(retryErr) ?? toKeycloakError(operation, redirectToError(retryErr), timeoutMs);
        }
      }
    }));
  }

  async #token(operation: string): Promise<string> {
    try {
      return await this.#settings.tokens.get();
    } catch (err) {
      throw toKeycloakError(operation, err, this.#settings.timeoutMs);
    }
  }

  async #send<T>(token: string, method: string, path: string, options: { query?: Query; body?: unknown }): Promise<{ data: T; location?: string }> {
    const url = new URL(`${this.#settings.url}/admin/realms${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetch(url.toString(), { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    const data = text === '' ? undefined : parseBody(text);
    if (!res.ok) throw new KeycloakHttpError(res.status, data);
    return { data: data as T, location: res.headers.get('location') ?? undefined };
  }
}

/**
 * fetch bound to a connection's dispatcher (pool, CA bundle, observer) and request timeout.
 * A redirect is never followed (it could carry credentials or a token to another address):
 * a 3xx answer rejects with an Unavailable KeycloakError that names only the target's host.
 */
export function connectionFetch(dispatcher: Dispatcher, timeoutMs: number): FetchLike {
  return async (url, init) => {
    // Node's fetch takes the undici dispatcher as a non-standard init field.
    const res = await fetch(url, { ...init, redirect: 'manual', dispatcher, signal: AbortSignal.timeout(timeoutMs) } as RequestInit);
    if (!isRedirect(res.status)) return res;
    await res.body?.cancel();
    throw redirectRefused(res.status, res.headers.get('location'), url);
  };
}

/** The error for a 3xx answer: the message names the status and the target's host, never the Location's path or query. */
export function redirectRefused(status: number, location: string | null | undefined, requestUrl: string): KeycloakError {
  let host = '';
  try {
    host = location ? new URL(location, requestUrl).host : '';
  } catch {
    // an unparsable Location: name no target
  }
  const toward = host ? ` toward ${host}` : '';
  return new KeycloakError(KeycloakErrorKind.Unavailable,
    `redirect refused: Keycloak answered ${status}${toward}; the Keycloak URL must be the address Keycloak answers on itself`, { status });
}

// The admin client rejects a 3xx (not ok under redirect: 'manual') with the Response attached.
function redirectToError(err: unknown): unknown {
  const status = httpStatusOf(err);
  if (status === undefined || !isRedirect(status) || err instanceof KeycloakError) return err;
  const response = (err as { response?: { headers?: Headers; url?: string } }).response;
  return redirectRefused(status, response?.headers?.get('location'), response?.url ?? '');
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** `/<realm>/<segments...>` with every segment URL-encoded. */
export function realmPath(realm: string, ...segments: string[]): string {
  return ['', realm, ...segments].map((s) => encodeURIComponent(s)).join('/');
}

/** The last path segment of a `Location` header: the id Keycloak gave a created object. */
export function idFromLocation(operation: string, location: string | undefined): string {
  const id = location?.split('/').pop();
  if (!id) throw new KeycloakError(KeycloakErrorKind.Invalid, `${operation}: Keycloak sent no Location header with the new id`);
  return decodeURIComponent(id);
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
