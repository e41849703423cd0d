import type { DashRealm, DashResource, Kind } from '../api/index.js';
import type { SeatMetrics } from './realm/seats.js';
import type { KeycloakPort } from '../keycloak/port.js';
import type { SecretValue } from '../kube/secrets.js';
import type { IndexName } from './wake-ups.js';

export type { SecretValue };

/**
 * Reads our custom resources from the informer cache (never from the API server), typed by
 * kind. A pass's `get` is remembered as a dependency (see ReconcileContext.cache); `byIndex`
 * looks objects up through the indexes in wake-ups.ts instead of scanning a namespace.
 */
export interface ResourceCache {
  get<K extends Kind>(kind: K, namespace: string, name: string): DashResource<K> | undefined;
  list<K extends Kind>(kind: K, namespace?: string): DashResource<K>[];
  byIndex<K extends Kind>(kind: K, index: IndexName, value: string): DashResource<K>[];
}

/** Reads one key of a Secret or ConfigMap in a namespace; undefined when the object or key is missing. */
export interface SecretReader {
  readSecret(namespace: string, name: string, key: string): Promise<SecretValue | undefined>;
  readConfigMap(namespace: string, name: string, key: string): Promise<string | undefined>;
}

/** A Keycloak port bound to one server; `url` is reported in status. */
export type BoundKeycloak = KeycloakPort & { readonly url: string };

/** Hands out the Keycloak connection a DashRealm uses (its override, else the default one). */
export interface KeycloakConnections {
  forRealm(realm: DashRealm): Promise<BoundKeycloak>;
}

/** What every reconciler needs from outside: the cache, Secrets, Keycloak and a clock. */
export interface ControllerDeps {
  cache: ResourceCache;
  secrets: SecretReader;
  keycloak: KeycloakConnections;
  now(): Date;
  /** Hostnames (lowercase) a DashRealm's `spec.email.host` may name; absent or empty: any host. */
  allowedSmtpHosts?: readonly string[];
  /** The seat gauges; absent: not exported. */
  seatMetrics?: SeatMetrics;
  /**
   * The pass is a resync (or the first pass after start): it must not trust what the realm view
   * keeps longer only because the admin events showed no change (RealmView FOLLOWED_TTL_MS),
   * since changes made with the operator's own credentials are not drift there.
   */
  resync?: boolean;
}
