import { createHash } from 'node:crypto';
import { createKeycloakConnection, type KeycloakConnection, type KeycloakConnectionOptions } from './connection.js';

/** What identifies a connection; the tuning options come from the registry. */
export type KeycloakTarget = Pick<KeycloakConnectionOptions, 'url' | 'authRealm' | 'credentials' | 'caBundle'>;

/** Settings every connection of a registry shares. */
export type KeycloakTuning = Pick<KeycloakConnectionOptions, 'timeoutMs' | 'maxConcurrency' | 'onRequest'>;

/**
 * Keeps one connection (one token, one pool, one concurrency limit) per Keycloak target, so
 * repeated reconciles reuse them. When the secret or CA bundle of a target changes (a rotated
 * Secret), the old connection is closed, after its requests in flight, and replaced; a caller
 * still holding the old one gets Unavailable and picks up the new one on its retry.
 */
export class KeycloakConnectionRegistry {
  readonly #connections = new Map<string, { fingerprint: string; connection: KeycloakConnection }>();

  constructor(
    private readonly tuning: KeycloakTuning = {},
    private readonly create: (options: KeycloakConnectionOptions) => KeycloakConnection = createKeycloakConnection,
  ) {}

  /** The connection for `target`, created on first use; never throws (errors come with the first call). */
  get(target: KeycloakTarget): KeycloakConnection {
    const { identity, fingerprint } = keyOf(target);
    const known = this.#connections.get(identity);
    if (known?.fingerprint === fingerprint) return known.connection;
    if (known) void known.connection.close().catch(() => undefined);
    const connection = this.create({ ...this.tuning, ...target });
    this.#connections.set(identity, { fingerprint, connection });
    return connection;
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

// Identity: who logs in where. Fingerprint: the secret and CA, hashed so no secret is kept as a key.
function keyOf(target: KeycloakTarget): { identity: string; fingerprint: string } {
  const url = target.url.replace(/\/+$/, '');
  const authRealm = target.authRealm ?? 'master';
  const c = target.credentials;
  const principal = 'clientId' in c ? `client:${c.clientId}` : `user:${c.username}`;
  const secret = 'clientId' in c ? c.clientSecret : c.password;
  const fingerprint = createHash('sha256').update(JSON.stringify([secret, target.caBundle ?? ''])).digest('hex');
  return { identity: JSON.stringify([url, authRealm, principal]), fingerprint };
}
