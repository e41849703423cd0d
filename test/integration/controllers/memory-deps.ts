import type { DashResource, Kind, SpecOf } from '../../../src/api/index.js';
import { parseSpec } from '../../../src/api/index.js';
import type { ControllerDeps, ReconcileOutput, SecretValue } from '../../../src/controllers/context.js';
import { RealmKeycloakConnections } from '../../../src/controllers/keycloak-connections.js';
import { KeycloakConnectionRegistry } from '../../../src/keycloak/index.js';
import { loadTestEnv } from '../../env/test-env.js';

/**
 * Reconciler dependencies over an in-memory object store and the REAL Keycloak of the test
 * environment: drives reconcilers directly, without the Kubernetes runtime, to prove what
 * they do in Keycloak.
 */
export class MemoryWorld {
  readonly objects = new Map<string, DashResource<Kind>>();
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
      cache: {
        get: <K extends Kind>(kind: K, ns: string, name: string) => this.objects.get(`${kind}/${ns}/${name}`) as DashResource<K> | undefined,
        list: <K extends Kind>(kind: K, ns?: string) => [...this.objects.values()]
          .filter((o) => o.kind === kind && (ns === undefined || o.metadata.namespace === ns)) as DashResource<K>[],
      },
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
    const key = `${kind}/${namespace}/${name}`;
    const previous = this.objects.get(key);
    const obj = { apiVersion: 'identity.dashops.dev/v1alpha1', kind, metadata: { name, namespace, generation: 1 }, spec: parsed.spec as SpecOf[K], status: previous?.status } as DashResource<K>;
    this.objects.set(key, obj as DashResource<Kind>);
    return obj;
  }

  /** Runs a reconcile and stores the status it returns, as the runtime would. */
  async run<K extends Kind>(obj: DashResource<K>, reconcile: (o: DashResource<K>, d: ControllerDeps) => Promise<ReconcileOutput<unknown>>): Promise<ReconcileOutput<unknown>> {
    const out = await reconcile(obj, this.deps);
    const stored = this.objects.get(`${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`);
    if (stored) stored.status = { ...(stored.status ?? {}), ...(out.status as object) } as never;
    return out;
  }

  /** Removes an object from the store. */
  remove(kind: Kind, name: string, namespace = 'test'): void {
    this.objects.delete(`${kind}/${namespace}/${name}`);
  }
}
