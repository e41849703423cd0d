import type { DashResource, Kind, SpecOf } from '../../../src/api/index.js';
import { parseSpec } from '../../../src/api/index.js';
import type { ControllerDeps, SecretValue } from '../../../src/controllers/context.js';
import { DASH_KINDS, resourceCache } from '../../../src/controllers/kinds.js';
import { RealmKeycloakConnections } from '../../../src/controllers/keycloak-connections.js';
import { KeycloakConnectionRegistry } from '../../../src/keycloak/index.js';
import type { ReconcileResult } from '../../../src/runtime/index.js';
import { loadTestEnv } from '../../env/test-env.js';
import { objectStore } from '../../unit/controllers/object-cache.js';

/**
 * Reconciler dependencies over the runtime's object store (filled by hand, with the production
 * indexes) and the REAL Keycloak of the test environment: drives reconcilers directly,
 * without the Kubernetes runtime, to prove what they do in Keycloak.
 */
export class MemoryWorld {
  readonly store = objectStore();
  readonly secrets = new Map<string, SecretValue>();
  /** Keycloak requests by method, counted for every call the reconcilers make. */
  readonly requests = new Map<string, number>();
  readonly registry = new KeycloakConnectionRegistry({
    onRequest: (method) => this.requests.set(method, (this.requests.get(method) ?? 0) + 1),
  });
  readonly deps: ControllerDeps;
  clock = () => new Date();

  constructor() {
    const env = loadTestEnv();
    const secretReader = {
      readSecret: async (ns: string, name: string, key: string) => this.secrets.get(`${ns}/${name}/${key}`),
      readConfigMap: async () => undefined,
    };
    this.deps = {
      cache: resourceCache(this.store),
      secrets: secretReader,
      keycloak: new RealmKeycloakConnections(this.registry, secretReader, {
        url: env.KEYCLOAK_URL, credentials: { clientId: env.KEYCLOAK_ADMIN_CLIENT_ID, clientSecret: env.KEYCLOAK_ADMIN_CLIENT_SECRET },
      }),
      now: () => this.clock(),
    };
  }

  /** Adds or replaces an object, with its spec defaulted as the API server would. */
  put<K extends Kind>(kind: K, name: string, spec: unknown, namespace = 'test'): DashResource<K> {
    const parsed = parseSpec(kind, { spec });
    if (!parsed.ok) throw new Error(parsed.message);
    const previous = this.deps.cache.get(kind, namespace, name);
    const obj = { apiVersion: 'identity.dashops.dev/v1alpha1', kind, metadata: { name, namespace, generation: 1 }, spec: parsed.spec as SpecOf[K], status: previous?.status } as DashResource<K>;
    this.store.apply('add', DASH_KINDS[kind], obj);
    return obj;
  }

  /** Runs a reconcile and stores the status it returns, as the runtime would. */
  async run<K extends Kind>(obj: DashResource<K>, reconcile: (o: DashResource<K>, d: ControllerDeps) => Promise<ReconcileResult<object>>): Promise<ReconcileResult<object>> {
    const out = await reconcile(obj, this.deps);
    const stored = this.deps.cache.get(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name);
    if (stored) this.store.apply('update', DASH_KINDS[obj.kind], { ...stored, status: { ...(stored.status ?? {}), ...out.status } } as DashResource<Kind>);
    return out;
  }

  /** Removes an object from the store. */
  remove(kind: Kind, name: string, namespace = 'test'): void {
    const stored = this.deps.cache.get(kind, namespace, name);
    if (stored) this.store.apply('delete', DASH_KINDS[kind], stored);
  }
}
