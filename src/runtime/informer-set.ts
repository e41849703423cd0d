import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.js';
import type { ResourceKind } from '../kube/resource-kind.js';
import type { BackoffOptions } from './backoff.js';
import { ResilientInformer, type InformerSink } from './informer.js';

/** What the informers of a manager share. */
export interface InformerSetDeps {
  kubeConfig: KubeConfig;
  client: KubeClient;
  logger: Logger;
  backoff?: BackoffOptions;
  onRestart(kind: ResourceKind): void;
}

/**
 * The informers of every cached kind: one per kind across all namespaces, or one per kind and
 * namespace when the manager watches a list of namespaces (cluster-scoped kinds always one).
 * Synced once every one of them has delivered its first list.
 */
export class InformerSet {
  readonly #informers: ResilientInformer[] = [];

  constructor(kinds: ResourceKind[], namespaces: string[], deps: InformerSetDeps, sink: (kind: ResourceKind) => InformerSink) {
    for (const kind of kinds) {
      const scopes = kind.namespaced && namespaces.length > 0 ? namespaces : [undefined];
      for (const namespace of scopes) {
        this.#informers.push(new ResilientInformer(kind, namespace, {
          kubeConfig: deps.kubeConfig, client: deps.client, logger: deps.logger, backoff: deps.backoff, onRestart: () => deps.onRestart(kind),
        }, sink(kind)));
      }
    }
  }

  /** Starts every informer; resolves after each made its first attempt. */
  async start(): Promise<void> {
    await Promise.all(this.#informers.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#informers.map((i) => i.stop()));
  }

  get synced(): boolean {
    return this.#informers.length > 0 && this.#informers.every((i) => i.synced);
  }

  waitForSync(): Promise<void> {
    return Promise.all(this.#informers.map((i) => i.waitForSync())).then(() => undefined);
  }

  /** Readiness for /readyz: ok, or which caches are not synced yet. */
  readiness(): { ok: boolean; detail: string } {
    if (this.synced) return { ok: true, detail: 'ok' };
    const waiting = this.#informers.filter((i) => !i.synced).map((i) => `${i.kind.kind}${i.namespace ? ` in ${i.namespace}` : ''}`);
    return { ok: false, detail: `caches not synced: ${waiting.join(', ') || 'not started'}` };
  }
}
