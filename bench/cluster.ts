import { execFileSync } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { API_GROUP, API_VERSION, KIND_NAMES, KINDS, type Kind } from '../src/api/index.js';
import type { TestEnv } from '../test/env/test-env.js';
import { effectiveRoles, type ExpectedState } from './expected.js';

/** A bench object as listed from the API server (only what the bench looks at). */
export interface BenchObject {
  metadata: { name: string; generation?: number; finalizers?: string[] };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { observedGeneration?: number; conditions?: { type: string; status: string }[] };
}

/** The bench's view of Kubernetes: kubectl for bulk applies, the API client for reads and patches. */
export class BenchCluster {
  readonly core: k8s.CoreV1Api;
  readonly #custom: k8s.CustomObjectsApi;
  readonly #config: k8s.KubeConfig;

  constructor(private readonly env: TestEnv) {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(env.KUBECONFIG);
    this.#config = kc;
    this.#custom = kc.makeApiClient(k8s.CustomObjectsApi);
    this.core = kc.makeApiClient(k8s.CoreV1Api);
  }

  /** Runs kubectl against the environment; throws on a non-zero exit. */
  kubectl(args: string[], input?: string): string {
    return execFileSync(this.env.KUBECTL, ['--kubeconfig', this.env.KUBECONFIG, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 28 });
  }

  /** Every object of `kind` in `namespace`. */
  async list(namespace: string, kind: Kind): Promise<BenchObject[]> {
    const res = await this.#custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: KINDS[kind].plural });
    return (res as { items: BenchObject[] }).items;
  }

  /** One object of `kind`. */
  async get(namespace: string, kind: Kind, name: string): Promise<BenchObject> {
    return (await this.#custom.getNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: KINDS[kind].plural, name })) as BenchObject;
  }

  /** Applies a JSON Patch (RFC 6902) to one object; resolves with the object's new generation. */
  async patch(namespace: string, kind: Kind, name: string, ops: object[]): Promise<number> {
    const res = await this.#custom.patchNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural: KINDS[kind].plural, name, body: ops });
    return (res as BenchObject).metadata.generation ?? 0;
  }

  /**
   * Deletes every Dash object of a namespace (finalizers dropped first: the operator is gone
   * and the bench deletes the realm itself), then the namespace. The test environment runs no
   * namespace controller, so a namespace alone would keep its objects for good.
   */
  async purge(namespace: string): Promise<void> {
    const limit = pLimit(16);
    for (const kind of KIND_NAMES) {
      const plural = KINDS[kind].plural;
      const items = await this.list(namespace, kind).catch(() => []);
      await Promise.all(items.filter((o) => (o.metadata.finalizers ?? []).length > 0).map((o) => limit(() =>
        this.#custom.patchNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural, name: o.metadata.name, body: [{ op: 'remove', path: '/metadata/finalizers' }] }))));
      await this.#custom.deleteCollectionNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural });
    }
    this.kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  }

  /** Starts watching the Dash objects of `namespace`; resolves once every kind is listed. */
  async watchStatuses(namespace: string): Promise<StatusWatch> {
    const informers = KIND_NAMES.map((kind) => {
      const plural = KINDS[kind].plural;
      const informer = k8s.makeInformer<BenchObject & k8s.KubernetesObject>(this.#config, `/apis/${API_GROUP}/${API_VERSION}/namespaces/${namespace}/${plural}`,
        async () => (await this.#custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace, plural })) as k8s.KubernetesListObject<BenchObject & k8s.KubernetesObject>);
      return { kind, informer };
    });
    const watch = new StatusWatch(informers);
    await watch.start();
    return watch;
  }
}

type BenchInformer = k8s.Informer<BenchObject & k8s.KubernetesObject> & k8s.ObjectCache<BenchObject & k8s.KubernetesObject>;

/**
 * The bench's objects of one namespace as watches keep them. Waiting for statuses by listing
 * every object every half second (5,500 of them at 5,000 users) loaded the API server the
 * operator is measured on; a watch costs it the changes it sends the operator anyway.
 */
export class StatusWatch {
  #stopped = false;

  constructor(private readonly informers: { kind: Kind; informer: BenchInformer }[]) {
    // The client's informer stops on a watch error; a measurement that runs for many minutes restarts it.
    for (const { informer } of informers) {
      informer.on('error', () => {
        if (!this.#stopped) setTimeout(() => void informer.start().catch(() => undefined), 500);
      });
    }
  }

  async start(): Promise<void> {
    await Promise.all(this.informers.map(({ informer }) => informer.start()));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.informers.map(({ informer }) => informer.stop()));
  }

  /** Every watched object of `kind`. */
  list(kind: Kind): readonly BenchObject[] {
    return this.informers.find((i) => i.kind === kind)?.informer.list() ?? [];
  }

  /**
   * Why the namespace's statuses are not final yet, one line per object (first `max`); empty
   * when every object is Ready=True with observedGeneration == generation and every DashUser's
   * effectiveRoleNames holds every role `expected` implies for it.
   */
  gaps(expected: ExpectedState, total: number, max = 5): string[] {
    const gaps: string[] = [];
    let count = 0;
    for (const kind of KIND_NAMES) {
      for (const o of this.list(kind)) {
        count++;
        const gap = objectGap(kind, o, expected);
        if (gap && gaps.length < max) gaps.push(`${kind} ${o.metadata.name}: ${gap}`);
      }
    }
    if (count < total) gaps.unshift(`${count} of ${total} objects seen`);
    return gaps;
  }
}

/** Whether one object's status is final: Ready=True for its current generation. */
export function isFinal(o: BenchObject): boolean {
  return o.status?.observedGeneration === o.metadata.generation
    && (o.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function objectGap(kind: Kind, o: BenchObject, expected: ExpectedState): string | undefined {
  if (!isFinal(o)) return `observedGeneration ${o.status?.observedGeneration} of ${o.metadata.generation}, Ready ${JSON.stringify(o.status?.conditions?.find((c) => c.type === 'Ready')?.status)}`;
  if (kind !== 'DashUser') return undefined;
  const have = new Set((o.status?.effectiveRoleNames as string[] | undefined) ?? []);
  const missing = effectiveRoles(expected, o.metadata.name).filter((r) => !have.has(r));
  return missing.length > 0 ? `effectiveRoleNames lacks ${missing.join(', ')}` : undefined;
}
