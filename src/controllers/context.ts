import type { DashRealm, DashResource, Kind } from '../api/index.js';
import type { KeycloakPort } from '../keycloak/port.js';

/** Reads custom resources from the informer cache (never from the API server directly). */
export interface ResourceCache {
  get<K extends Kind>(kind: K, namespace: string, name: string): DashResource<K> | undefined;
  list<K extends Kind>(kind: K, namespace?: string): DashResource<K>[];
}

/** A Secret value and an opaque marker of its content (changes whenever the content changes). */
export interface SecretValue {
  value: string;
  version: string;
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

/** A Kubernetes Event a reconcile asks for (the runtime deduplicates and records it). */
export interface EventRequest {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** A condition besides Ready that a reconcile reports; the runtime stamps times and generation. */
export interface ConditionRequest {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** What a successful reconcile hands back: status fields (no conditions), extra conditions, events, next run. */
export interface ReconcileOutput<S> {
  status: S;
  conditions?: ConditionRequest[];
  events?: EventRequest[];
  /** Come back after this long even without a change (e.g. while a logout is pending). */
  requeueAfterMs?: number;
  /** Message of Ready=True when the default does not say enough. */
  message?: string;
  /** Work recorded in status that the next pass completes: Ready=False, reason Progressing, with this message. */
  progressing?: string;
}

/** What a finalizer's cleanup hands back: whether the finalizer may go, and events to record. */
export interface FinalizeOutput {
  done: boolean;
  /** Why cleanup waits, when not done (shown in the Ready condition). */
  waiting?: string;
  events?: EventRequest[];
}

/** What every reconciler needs from outside: the cache, Secrets, Keycloak and a clock. */
export interface ControllerDeps {
  cache: ResourceCache;
  secrets: SecretReader;
  keycloak: KeycloakConnections;
  now(): Date;
  /** Hostnames (lowercase) a DashRealm's `spec.email.host` may name; absent or empty: any host. */
  allowedSmtpHosts?: readonly string[];
}
