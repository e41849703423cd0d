import {
  API_GROUP, API_VERSION, DRIFT_CORRECTED, FINALIZER, KINDS, STATUS_TRUNCATED_CONDITION, anyOmitted, describeOmitted, fitStatus, parseSpec,
  type AnyDashResource, type DashResource, type Kind, type StatusOf,
} from '../api/index.js';
import type { SeatMetrics } from './realm/seats.js';
import type { KeycloakConnectionRegistry, KeycloakTarget } from '../keycloak/index.js';
import { SecretKind, type ResourceKind } from '../kube/resource-kind.js';
import type { ReferencedDataReader } from '../kube/secrets.js';
import {
  RESYNC_CAUSE, defineController, passWrites, type CacheReader, type ConditionRequest, type ControllerRegistration, type FinalizeResult, type IndexFunction,
  type ReconcileContext, type ReconcileResult, type WatchRule,
} from '../runtime/index.js';
import { boundedCleanup } from './cleanup.js';
import type { DriftMetrics } from './drift/metrics.js';
import { DRIFT_CAUSES } from './drift/causes.js';
import type { CorrectionLedger } from './drift/corrections.js';
import type { ControllerDeps, ResourceCache, SecretReader } from './context.js';
import { RealmKeycloakConnections } from './keycloak-connections.js';

const DEFAULT_CLEANUP_TIMEOUT_MS = 5 * 60_000;

/** The ResourceKind of each of our four kinds. */
export const DASH_KINDS: Record<Kind, ResourceKind> = Object.fromEntries(
  (Object.keys(KINDS) as Kind[]).map((k) => [k, { group: API_GROUP, version: API_VERSION, plural: KINDS[k].plural, kind: k, namespaced: true }]),
) as Record<Kind, ResourceKind>;

/** What the controllers share: one Keycloak connection registry, the default target, the allow-lists, a clock. */
export interface ControllerOptions {
  registry: KeycloakConnectionRegistry;
  defaultKeycloak?: KeycloakTarget;
  /** URL prefixes a DashRealm's `spec.keycloak.url` may use besides the default connection's URL. */
  allowedKeycloakUrls?: readonly string[];
  /** Hostnames a DashRealm's `spec.email.host` may name; absent or empty: any host. */
  allowedSmtpHosts?: readonly string[];
  now?: () => Date;
  /** How long the cleanup under a DashRealm being deleted waits for an unreachable Keycloak (default 5 min); see boundedCleanup. */
  cleanupTimeoutMs?: number;
  /** Reads the referenced Secret and ConfigMap keys (the cache holds only their metadata). */
  secretData: ReferencedDataReader;
  /** Counts drift corrections (DriftCorrected events); absent: not counted. */
  driftMetrics?: Pick<DriftMetrics, 'recordCorrection'>;
  /** Which pass corrected an outside change; the drift poller notes the changes. */
  driftCorrections: CorrectionLedger;
  /** The seat gauges (licensed_users, users per realm); absent: not exported. */
  seatMetrics?: SeatMetrics;
}

/** One kind's part of its registration: how to reconcile and clean up, and what wakes it. */
export interface DashControllerDefinition<K extends Kind> {
  reconcile(obj: DashResource<K>, deps: ControllerDeps): Promise<ReconcileResult<StatusOf[K]>>;
  finalize(obj: DashResource<K>, deps: ControllerDeps): Promise<FinalizeResult>;
  /** Kinds this one reads, and which of its objects a change there wakes. */
  watches: WatchRule[];
  /** Indexes over this kind that watch rules and reconcilers look objects up by. */
  indexes?: Record<string, IndexFunction>;
  /** Names of the Secrets in its namespace an object reads: a change to one runs it again. */
  secretNames?(obj: DashResource<K>): (string | undefined)[];
}

/**
 * The runtime registration of one of our kinds: the spec parsed once with the API schema
 * (defaults applied; the reconciler gets it), the finalizer, status fitted to the CRD's bounds,
 * and the reconciler's dependencies built over the pass's cache reader.
 */
export function dashController<K extends Kind>(kind: K, options: ControllerOptions, controller: DashControllerDefinition<K>): ControllerRegistration {
  return defineController<DashResource<K>, StatusOf[K]>({
    kind: DASH_KINDS[kind],
    finalizer: FINALIZER,
    parse: (obj) => parseSpec(kind, obj),
    references: (obj) => (controller.secretNames?.(obj) ?? []).filter((name) => name !== undefined)
      .map((name) => ({ kind: SecretKind, namespace: obj.metadata.namespace ?? '', name })),
    watches: controller.watches,
    indexes: controller.indexes,
    fitStatus: (status) => fitWithCondition(kind, status),
    reconciler: {
      reconcile: async (obj, ctx) => reportDrift(kind, ctx, await controller.reconcile(obj, { ...controllerDeps(ctx.cache, options), resync: ctx.wokenBy.has(RESYNC_CAUSE) }), options),
      finalize: (obj, ctx) => {
        const deps = controllerDeps(ctx.cache, options);
        // One of the four kinds, which TypeScript cannot see through the generic K.
        return boundedCleanup(obj as AnyDashResource, deps, options.cleanupTimeoutMs ?? DEFAULT_CLEANUP_TIMEOUT_MS, () => controller.finalize(obj, deps));
      },
    },
  });
}

/**
 * A pass woken by an admin event (or a gap in the event feed) that then wrote to Keycloak
 * corrected a drift, and so did an earlier pass that wrote after the change, before the event
 * was read (corrections.ts): the DriftCorrected event names the writes (port operations, which
 * name fields and mappings, never values). Must run inside the pass (pass-signal.ts).
 */
function reportDrift<S extends object>(
  kind: Kind, ctx: Pick<ReconcileContext, 'key' | 'wokenBy'>, result: ReconcileResult<S>, options: ControllerOptions,
): ReconcileResult<S> {
  const woken = Object.values(DRIFT_CAUSES).some((c) => ctx.wokenBy.has(c));
  const writes = options.driftCorrections.settle(kind, ctx.key, passWrites(), woken);
  if (writes.length === 0) return result;
  options.driftMetrics?.recordCorrection(kind);
  // The same drift corrected again while the object did not change (its status showed the
  // grant throughout) is a second correction, recorded as such.
  const event = { type: 'Normal' as const, reason: DRIFT_CORRECTED, message: `changed back what was changed outside the operator: ${writes.join('; ')}`, occurrence: new Date().toISOString() };
  return { ...result, events: [...(result.events ?? []), event] };
}

// Status shows what fits the CRD; the StatusTruncated condition says what did not, so a
// capped list never reads as the whole truth.
function fitWithCondition(kind: Kind, status: Record<string, unknown>): { status: Record<string, unknown>; conditions: ConditionRequest[] } {
  const fit = fitStatus(kind, status);
  if (!anyOmitted(fit.omitted)) return { status: fit.status, conditions: [] };
  return {
    status: fit.status,
    conditions: [{
      type: STATUS_TRUNCATED_CONDITION, status: 'True', reason: 'BoundsExceeded',
      message: `status lists what fits the ${kind} schema; left out: ${describeOmitted(fit.omitted)}`,
    }],
  };
}

/** The runtime's cache reader, typed by our kinds. */
export function resourceCache(cache: CacheReader): ResourceCache {
  return {
    get: (kind, namespace, name) => cache.get(DASH_KINDS[kind], namespace, name),
    list: (kind, namespace) => cache.list(DASH_KINDS[kind], namespace),
    byIndex: (kind, index, value) => cache.byIndex(DASH_KINDS[kind], index, value),
  };
}

/** Reconciler dependencies over a cache reader (a pass's: its `get`s are tracked as dependencies). */
export function controllerDeps(cache: CacheReader, options: ControllerOptions): ControllerDeps {
  // The cache holds Secrets and ConfigMaps as metadata: looking one up there makes it a
  // dependency of the pass, and only then is its value read from the API server.
  const secrets: SecretReader = {
    readSecret: (namespace, name, key) => options.secretData.readSecret(cache, namespace, name, key),
    readConfigMap: (namespace, name, key) => options.secretData.readConfigMap(cache, namespace, name, key),
  };
  return {
    cache: resourceCache(cache),
    secrets,
    keycloak: new RealmKeycloakConnections(options.registry, secrets, options.defaultKeycloak, options.allowedKeycloakUrls),
    now: options.now ?? (() => new Date()),
    allowedSmtpHosts: options.allowedSmtpHosts,
    seatMetrics: options.seatMetrics,
  };
}
