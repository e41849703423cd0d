// A test kind for the runtime (knowing nothing of Keycloak): Widgets in their own API group,
// a reconciler whose behaviour the spec drives, and helpers to run a Manager on one namespace.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import type { KubeClient } from '../../../src/kube/client.js';
import { KubeRestClient } from '../../../src/kube/client.js';
import { isConflict } from '../../../src/kube/errors.js';
import { loadKubeConfig } from '../../../src/kube/kubeconfig.js';
import type { KubeObject } from '../../../src/kube/object.js';
import { metadataOnly } from '../../../src/kube/metadata.js';
import { SecretKind, type ResourceKind } from '../../../src/kube/resource-kind.js';
import { ReferencedDataReader } from '../../../src/kube/secrets.js';
import { Manager, Outcome, OutcomeError, createMetrics, defineController, type ControllerRegistration, type ManagerOptions } from '../../../src/runtime/index.js';
import { loadTestEnv, uniqueName } from '../../env/test-env.js';

export const WidgetKind: ResourceKind = { group: 'runtime-test.dashops.dev', version: 'v1', plural: 'widgets', kind: 'Widget', namespaced: true };
export const WIDGET_FINALIZER = 'runtime-test.dashops.dev/finalizer';
const CrdKind: ResourceKind = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false };
const NamespaceKind: ResourceKind = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };

/** What a widget's spec may ask of the test reconciler. */
export interface WidgetSpec {
  value?: unknown;
  /** Fail this many passes (KeycloakUnavailable) before succeeding. */
  failTimes?: number;
  /** Name of another Widget that must be Ready first. */
  needs?: string;
  /** Name of a Secret whose `value` key the status reports the version of. */
  secret?: string;
  /** How long a pass takes. */
  delayMs?: number;
}
export type Widget = KubeObject & { spec?: WidgetSpec; status?: Record<string, unknown> & { conditions?: { type: string; status: string; reason: string; message: string }[] } };

/** One reconcile pass as the test reconciler saw it. */
export interface Pass {
  name: string;
  value: unknown;
  at: number;
}

/** Everything the test reconciler did, per widget name. */
export class Recorder {
  readonly passes: Pass[] = [];
  readonly cleanups: string[] = [];
  overlaps = 0;
  readonly #inFlight = new Set<string>();

  count(name: string): number {
    return this.passes.filter((p) => p.name === name).length;
  }

  times(name: string): number[] {
    return this.passes.filter((p) => p.name === name).map((p) => p.at);
  }

  enter(name: string): void {
    if (this.#inFlight.has(name)) this.overlaps++;
    this.#inFlight.add(name);
  }

  leave(name: string): void {
    this.#inFlight.delete(name);
  }
}

/** Secrets as the operator caches them: metadata only. */
export const SecretMetadataKind = metadataOnly(SecretKind);

/**
 * The test reconciler: level-based, driven by the spec, reporting `reconciledBy` in status.
 * A widget's Secret is read like the operator reads one: metadata from the cache, value by GET.
 */
export function widgetController(recorder: Recorder, identity = 'in-process', secretData?: ReferencedDataReader): ControllerRegistration {
  let reader = secretData;
  return defineController<Widget, Record<string, unknown>>({
    kind: WidgetKind,
    finalizer: WIDGET_FINALIZER,
    parse: (obj) => (obj.spec?.value === undefined || typeof obj.spec.value === 'number'
      ? { ok: true, spec: obj.spec ?? {} }
      : { ok: false, message: `spec.value: must be a number, got ${typeof obj.spec.value}` }),
    reconciler: {
      async reconcile(obj, ctx) {
        const name = obj.metadata.name;
        const spec = obj.spec ?? {};
        recorder.enter(name);
        try {
          recorder.passes.push({ name, value: spec.value, at: Date.now() });
          if (spec.delayMs) await new Promise((r) => setTimeout(r, spec.delayMs));
          if (spec.failTimes !== undefined && recorder.count(name) <= spec.failTimes) {
            throw new OutcomeError(Outcome.Unavailable, 'widget backend unavailable', { reason: 'KeycloakUnavailable' });
          }
          if (spec.needs) {
            const other = ctx.cache.get<Widget>(WidgetKind, obj.metadata.namespace, spec.needs);
            if (!other?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
              throw new OutcomeError(Outcome.Waiting, `spec.needs: Widget ${spec.needs} is not Ready`, { reason: 'WaitingForWidget' });
            }
          }
          let secretVersion: string | undefined;
          if (spec.secret) {
            reader ??= new ReferencedDataReader(adminClient().client);
            secretVersion = (await reader.readSecret(ctx.cache, obj.metadata.namespace ?? '', spec.secret, 'value'))?.version;
            if (!secretVersion) throw new OutcomeError(Outcome.Waiting, `spec.secret: Secret ${spec.secret} not found`, { reason: 'WaitingForSecret' });
          }
          return { status: { value: spec.value ?? null, reconciledBy: identity, ...(secretVersion ? { secretVersion } : {}) } };
        } finally {
          recorder.leave(name);
        }
      },
      async finalize(obj) {
        recorder.cleanups.push(obj.metadata.name);
        return { done: true, events: [{ type: 'Normal', reason: 'CleanedUp', message: `widget ${obj.metadata.name} cleaned up` }] };
      },
    },
  });
}

/** A KubeClient that counts status writes (to see that a quiet object is never written). */
export class CountingClient implements KubeClient {
  statusWrites = 0;
  constructor(private readonly inner: KubeClient) {}
  list: KubeClient['list'] = (...a) => this.inner.list(...a);
  get: KubeClient['get'] = (...a) => this.inner.get(...a);
  create: KubeClient['create'] = (...a) => this.inner.create(...a);
  replace: KubeClient['replace'] = (...a) => this.inner.replace(...a);
  mergePatch: KubeClient['mergePatch'] = (kind, ns, name, patch, sub) => {
    if (sub === 'status') this.statusWrites++;
    return this.inner.mergePatch(kind, ns, name, patch, sub);
  };
}

/** The admin kubeconfig and a client for it. */
export function adminClient(): { kc: KubeConfig; client: KubeRestClient } {
  const kc = loadKubeConfig(loadTestEnv().KUBECONFIG);
  return { kc, client: new KubeRestClient(kc) };
}

/** Creates the Widget CRD (status subresource, free-form spec and status) and waits until it serves. */
export async function installWidgetCrd(client: KubeClient): Promise<void> {
  const free = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  await client.create(CrdKind, undefined, {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `widgets.${WidgetKind.group}` },
    spec: {
      group: WidgetKind.group, scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', properties: { spec: free, status: free } } } }],
    },
  }).catch((err: unknown) => {
    if (!isConflict(err)) throw err;
  });
  await eventually('the Widget CRD serves', async () => client.list(WidgetKind).then(() => true, () => false), 60_000);
}

/** A fresh namespace for one test. */
export async function createNamespace(client: KubeClient, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await client.create(NamespaceKind, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/** Deletes a test namespace, first releasing widgets whose finalizer nobody will remove any more. */
export async function deleteNamespace(namespace: string): Promise<void> {
  const { kc, client } = adminClient();
  const widgets = await client.list(WidgetKind, namespace).catch(() => ({ items: [] as KubeObject[] }));
  for (const w of widgets.items) {
    await client.mergePatch(WidgetKind, namespace, w.metadata.name, { metadata: { finalizers: null } }).catch(() => undefined);
  }
  await kc.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined);
}

/** Manager options for a test: one namespace, no HTTP, no election unless asked, short timings. */
export function testManagerOptions(namespace: string, overrides: Partial<ManagerOptions> = {}): ManagerOptions {
  return {
    namespaces: [namespace], concurrency: 4, resyncPeriodMs: 600_000, dependencyWaitMs: 60_000, drainTimeoutMs: 10_000,
    backoff: { baseMs: 200, maxMs: 30_000 }, informerBackoff: { baseMs: 200, maxMs: 2_000 },
    events: { controller: 'dashops.dev/runtime-test', instance: 'jest' }, kinds: [SecretMetadataKind],
    ...overrides,
  };
}

/** Starts a manager with the widget controller on `namespace` and waits for its caches. */
export async function startManager(namespace: string, recorder: Recorder, overrides: Partial<ManagerOptions> = {}): Promise<{ manager: Manager; client: CountingClient }> {
  const { kc, client: raw } = adminClient();
  const client = new CountingClient(raw);
  const logger = pino({ level: process.env.RUNTIME_TEST_LOG ?? 'silent' });
  const manager = new Manager(testManagerOptions(namespace, overrides), { kubeConfig: kc, logger, metrics: createMetrics({ collectDefaults: false }), client });
  manager.register(widgetController(recorder));
  await manager.start();
  await manager.waitForSync();
  return { manager, client };
}

/** Polls `check` every 100 ms until it holds, or fails naming `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const got = await check();
      if (got !== undefined && got !== false) return got;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Ready condition of a widget. */
export function ready(w: Widget | undefined): { status: string; reason: string; message: string } | undefined {
  return w?.status?.conditions?.find((c) => c.type === 'Ready');
}

/** True when Ready=True for the current generation. */
export function isReady(w: Widget | undefined): boolean {
  return ready(w)?.status === 'True' && w?.status?.observedGeneration === w?.metadata.generation;
}
