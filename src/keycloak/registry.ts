import { createHash } from 'node:crypto';
import { createKeycloakConnection, type KeycloakConnection, type KeycloakConnectionOptions } from './connection.js';

/** What identifies a connection; the tuning options come from the registry. */
export type KeycloakTarget = Pick<KeycloakConnectionOptions, 'url' | 'authRealm' | 'credentials' | 'caBundle'>;

/** Settings every connection of a registry shares. */
export type KeycloakTuning = Pick<KeycloakConnectionOptions, 'timeoutMs' | 'maxConcurrency' | 'onRequest'>;

/** How long a connection may go unused before the registry closes it. */
export const DEFAULT_IDLE_MS = 10 * 60_000;

interface Entry {
  connection: KeycloakConnection;
  use: { lastUsedMs: number };
}

/**
 * Keeps one connection (one token, one pool, one concurrency limit) per Keycloak target, so
 * repeated reconciles reuse them. A target is everything that logs in: URL, auth realm, client
 * or user, and a hash of the secret and CA bundle (never the secret itself). So two targets
 * that differ only in their secret (two tenants, or a rotated Secret) get separate
 * connections, and one never closes the other's. A connection is closed only after it has
 * been unused (no `get`, no request) for `idleMs`, or at shutdown.
 */
export class KeycloakConnectionRegistry {
  readonly #connections = new Map<string, Entry>();
  readonly #idleMs: number;
  readonly #now: () => number;

  constructor(
    private readonly tuning: KeycloakTuning = {},
    private readonly create: (options: KeycloakConnectionOptions) => KeycloakConnection = createKeycloakConnection,
    options: { idleMs?: number; now?: () => number } = {},
  ) {
    this.#idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The connection for `target`, created on first use; never throws (errors come with the first call). */
  get(target: KeycloakTarget): KeycloakConnection {
    this.sweep();
    const key = targetKey(target);
    const known = this.#connections.get(key);
    if (known) {
      known.use.lastUsedMs = this.#now();
      return known.connection;
    }
    const onRequest = this.tuning.onRequest;
    const use = { lastUsedMs: this.#now() };
    // Every request counts as use, so a long reconcile never sees its connection swept.
    const connection = this.create({
      ...this.tuning,
      ...target,
      onRequest: (method, status, seconds, route) => {
        use.lastUsedMs = this.#now();
        onRequest?.(method, status, seconds, route);
      },
    });
    this.#connections.set(key, { connection, use });
    return connection;
  }

  /** Closes the connections unused for the idle time; `get` calls it, so no timer is needed. */
  sweep(): void {
    const cutoff = this.#now() - this.#idleMs;
    for (const [key, entry] of this.#connections) {
      if (entry.use.lastUsedMs > cutoff) continue;
      this.#connections.delete(key);
      void entry.connection.close().catch(() => undefined);
    }
  }

  /** How many connections are open. */
  get size(): number {
    return this.#connections.size;
  }

  /** Closes every connection (shutdown). */
  async close(): Promise<void> {
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(all.map(({ connection }) => connection.close().catch(() => undefined)));
  }
}

// One hash over everything that logs in, so the map holds no secret.
function targetKey(target: KeycloakTarget): string {
  const c = target.credentials;
  const login = 'clientId' in c ? ['client', c.clientId, c.clientSecret] : ['user', c.username, c.password];
  const parts = [target.url.replace(/\/+$/, ''), target.authRealm ?? 'master', ...login, target.caBundle ?? ''];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
