import { ListWatch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.js';
import { partialMetadata, watchFor } from '../kube/metadata.js';
import type { KubeObject } from '../kube/object.js';
import { collectionPath, type ResourceKind } from '../kube/resource-kind.js';
import type { BackoffOptions } from './backoff.js';

/** How an informer restarts after an error: 1 s doubling up to 30 s, like client-node's own reconnects. */
export const DEFAULT_INFORMER_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 30_000 };

/** Receives every change an informer sees. */
export type InformerSink = (type: 'add' | 'update' | 'delete', obj: KubeObject) => void;

/** What an informer needs: the kubeconfig for watches, a client for lists, a logger and an error hook for metrics. */
export interface InformerDeps {
  kubeConfig: KubeConfig;
  client: KubeClient;
  logger: Logger;
  backoff?: BackoffOptions;
  onRestart?: () => void;
}

/**
 * List-and-watch of one kind in one namespace (or all), over client-node's ListWatch, which
 * resumes from the last resourceVersion after a timeout and re-lists after 410 Gone but stops
 * for good on any other error: this one restarts it with exponential backoff, reset by the
 * next clean start. `synced` turns true after the first complete list and stays true.
 * A `metadataOnly` kind is listed and watched as PartialObjectMetadata and reduced to
 * `partialMetadata` before ListWatch or the sink hold it.
 */
export class ResilientInformer {
  readonly #watch: ListWatch<KubernetesObject>;
  readonly #backoff: BackoffOptions;
  readonly #logger: Logger;
  #synced = false;
  #listed = false;
  #errored = false;
  #stopped = true;
  #failures = 0;
  #restart: ReturnType<typeof setTimeout> | undefined;
  #syncWaiters: (() => void)[] = [];

  constructor(readonly kind: ResourceKind, readonly namespace: string | undefined, private readonly deps: InformerDeps, sink: InformerSink) {
    this.#backoff = deps.backoff ?? DEFAULT_INFORMER_BACKOFF;
    this.#logger = deps.logger.child({ informer: kind.kind, ...(namespace ? { namespace } : {}) });
    this.#watch = new ListWatch(collectionPath(kind, namespace), watchFor(deps.kubeConfig, kind), () => this.#list(), false);
    this.#watch.on('add', (obj) => sink('add', obj as unknown as KubeObject));
    this.#watch.on('update', (obj) => sink('update', obj as unknown as KubeObject));
    this.#watch.on('delete', (obj) => sink('delete', obj as unknown as KubeObject));
    this.#watch.on('error', (err) => this.#onError(err));
  }

  /** True once the first list has been delivered. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Starts listing and watching; resolves after the first attempt, synced or not (see `waitForSync`). */
  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    await this.#run();
  }

  /** Resolves once the cache is synced. */
  waitForSync(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  /** Stops watching for good (until `start`). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restart);
    this.#restart = undefined;
    await this.#watch.stop();
  }

  async #run(): Promise<void> {
    this.#restart = undefined;
    this.#errored = false;
    this.#listed = false;
    try {
      await this.#watch.start();
    } catch (err) {
      this.#onError(err);
    }
    if (this.#stopped) return;
    // ListWatch adds the listed items before start() resolves.
    if (this.#listed && !this.#synced) {
      this.#synced = true;
      for (const resolve of this.#syncWaiters.splice(0)) resolve();
    }
    if (!this.#errored) this.#failures = 0;
  }

  async #list(): Promise<KubernetesListObject<KubernetesObject>> {
    const list = await this.deps.client.list(this.kind, this.namespace);
    this.#listed = true;
    const items = this.kind.metadataOnly ? list.items.map(partialMetadata) : list.items;
    return { metadata: { resourceVersion: list.resourceVersion }, items: items as unknown as KubernetesObject[] };
  }

  #onError(err: unknown): void {
    // stop() aborts the watch, which ListWatch reports as an error too.
    if (this.#stopped) return;
    this.#errored = true;
    if (this.#restart) return;
    const delay = Math.min(this.#backoff.baseMs * 2 ** this.#failures, this.#backoff.maxMs);
    this.#failures++;
    this.#logger.warn({ err, retryInMs: delay }, 'watch failed; restarting');
    this.deps.onRestart?.();
    this.#restart = setTimeout(() => void this.#run(), delay);
    this.#restart.unref?.();
  }
}
