import { API_GROUP, API_VERSION, FINALIZER, KINDS, STATUS_TRUNCATED_CONDITION, anyOmitted, describeOmitted, fitStatus, type AnyDashResource, type DashResource, type Kind } from '../api/index.js';
import type { KeycloakConnectionRegistry, KeycloakTarget } from '../keycloak/index.js';
import { SecretKind, type ResourceKind } from '../kube/resource-kind.js';
import type { KubeObject } from '../kube/object.js';
import type { ReferencedDataReader } from '../kube/secrets.js';
import type { CacheReader } from '../runtime/object-store.js';
import type { ConditionRequest } from '../runtime/conditions.js';
import { defineController, type ControllerRegistration, type ReconcileContext } from '../runtime/reconciler.js';
import type { ControllerDeps, ResourceCache, SecretReader } from './context.js';
import { controllers, type KindController } from './index.js';
import { boundedCleanup } from './cleanup.js';
import { RealmKeycloakConnections } from './keycloak-connections.js';

const DEFAULT_CLEANUP_TIMEOUT_MS = 5 * 60_000;

/** The ResourceKind of each of our four kinds. */
export const DASH_KINDS: Record<Kind, ResourceKind> = Object.fromEntries(
  (Object.keys(KINDS) as Kind[]).map((k) => [k, { group: API_GROUP, version: API_VERSION, plural: KINDS[k].plural, kind: k, namespaced: true }]),
) as Record<Kind, ResourceKind>;

/** What the registrations share: one Keycloak connection registry, the default target, the allow-lists, a clock. */
export interface RegistrationOptions {
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
}

/**
 * Registers the four controllers with the runtime: parse with the API schemas, reconcile and
 * finalize through the kind's controller, wake dependents across kinds, and re-run on a change
 * of a Secret the object reads.
 */
export function registrations(options: RegistrationOptions): ControllerRegistration[] {
  const all = controllers();
  return all.map((controller) => defineController<DashResource<Kind>>({
    kind: DASH_KINDS[controller.kind],
    finalizer: FINALIZER,
    parse: (obj) => {
      const parsed = controller.parse(obj);
      return parsed.ok ? { ok: true, spec: (obj as { spec: unknown }).spec } : parsed;
    },
    references: (obj) => controller.secretRefs(obj).map((ref) => {
      const [namespace = '', name = ''] = ref.split('/');
      return { kind: SecretKind, namespace, name };
    }),
    watches: all.filter((other) => other.kind !== controller.kind).map((other) => ({
      kind: DASH_KINDS[other.kind],
      map: (changed: KubeObject, cache: CacheReader, old?: KubeObject) => other.dependents(changed as DashResource<Kind>, depsFor(cache, options), old as DashResource<Kind> | undefined)
        .filter((key) => key.kind === controller.kind).map(({ namespace, name }) => ({ namespace, name })),
    })),
    fitStatus: (status) => fitWithCondition(controller.kind, status),
    reconciler: {
      reconcile: (obj, ctx) => controller.reconcile(withParsedSpec(controller, obj), contextDeps(ctx, options)),
      finalize: (obj, ctx) => {
        const deps = contextDeps(ctx, options);
        const parsed = withParsedSpec(controller, obj);
        return boundedCleanup(parsed as AnyDashResource, deps, options.cleanupTimeoutMs ?? DEFAULT_CLEANUP_TIMEOUT_MS, () => controller.finalize(parsed, deps));
      },
    },
  }));
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

// The cached object carries the spec as stored; reconcilers want defaults applied (parseSpec).
function withParsedSpec(controller: KindController<Kind>, obj: DashResource<Kind>): DashResource<Kind> {
  const parsed = controller.parse(obj) as { ok: boolean; spec?: unknown };
  return parsed.ok && parsed.spec ? { ...obj, spec: parsed.spec as DashResource<Kind>['spec'] } : obj;
}

function contextDeps(ctx: ReconcileContext, options: RegistrationOptions): ControllerDeps {
  return depsFor(ctx.cache, options);
}

/** Reconciler dependencies over the runtime's cache: reads through it are tracked as dependencies. */
export function depsFor(cache: CacheReader, options: RegistrationOptions): ControllerDeps {
  const resources: ResourceCache = {
    get: <K extends Kind>(kind: K, namespace: string, name: string) => cache.get<DashResource<K>>(DASH_KINDS[kind], namespace, name),
    list: <K extends Kind>(kind: K, namespace?: string) => cache.list<DashResource<K>>(DASH_KINDS[kind], namespace),
  };
  // The cache holds Secrets and ConfigMaps as metadata: looking one up there makes it a
  // dependency of the pass, and only then is its value read from the API server.
  const secrets: SecretReader = {
    readSecret: (namespace, name, key) => options.secretData.readSecret(cache, namespace, name, key),
    readConfigMap: (namespace, name, key) => options.secretData.readConfigMap(cache, namespace, name, key),
  };
  return {
    cache: resources,
    secrets,
    keycloak: new RealmKeycloakConnections(options.registry, secrets, options.defaultKeycloak, options.allowedKeycloakUrls),
    now: options.now ?? (() => new Date()),
    allowedSmtpHosts: options.allowedSmtpHosts,
  };
}
