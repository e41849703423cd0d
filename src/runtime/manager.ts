import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { KubeRestClient, type KubeClient } from '../kube/client.js';
import { kindId, type ResourceKind } from '../kube/resource-kind.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { Controller } from './controller.js';
import { WakeRouter } from './wake-router.js';
import { formatKey } from './keys.js';
import { EventRecorder, type EventSource } from './events.js';
import { startHttpServers, type HttpEndpoints, type HttpOptions } from './http-server.js';
import { InformerSet } from './informer-set.js';
import { LeaderElector, type LeaderElectionConfig } from './leader-election.js';
import type { OperatorMetrics } from './metrics.js';
import { ObjectStore, type CacheReader } from './object-store.js';
import type { ErrorClassifier } from './outcome.js';
import type { ControllerRegistration } from './reconciler.js';
import { ReferenceIndex } from './references.js';
import type { WakePriority } from './work-queue.js';

/** How the manager runs its controllers. */
export interface ManagerOptions {
  /** Namespaces to watch (one informer per namespace and kind); empty = all namespaces. */
  namespaces: string[];
  /** Concurrent reconciles per controller (a registration may override it). */
  concurrency: number;
  resyncPeriodMs: number;
  /** The fixed wait of a Waiting outcome (default 5 s). */
  dependencyWaitMs?: number;
  backoff?: BackoffOptions;
  informerBackoff?: BackoffOptions;
  /** How long a stop waits for reconciles in flight. */
  drainTimeoutMs: number;
  /** Undefined: no election, this replica leads from the start. */
  leaderElection?: LeaderElectionConfig;
  /** Undefined: no HTTP endpoints (tests that do not need them). */
  http?: HttpOptions;
  events: EventSource;
  /** Classify errors of other layers (the Keycloak port, through the controllers) into outcomes. */
  classifiers?: ErrorClassifier[];
  /** Kinds to cache besides the controllers' own (Secrets, ConfigMaps: `metadataOnly` ones keep no content). */
  kinds?: ResourceKind[];
}

/** Work that runs only while this replica leads, next to the controllers (e.g. a poller of an external system). */
export interface LeaderTask {
  /** Starts the work; called each time this replica starts leading, after the controllers started. */
  start(): void;
  /** Stops the work; resolves once nothing of it runs any more. */
  stop(): Promise<void>;
}

/** What the manager is built from. */
export interface ManagerDeps {
  kubeConfig: KubeConfig;
  logger: Logger;
  metrics: OperatorMetrics;
  client?: KubeClient;
  now?: () => Date;
}

/**
 * Runs controllers: informers for every kind involved (always running, so a standby has a
 * warm cache), workers only while leading and only once every cache has synced, health and
 * metrics endpoints. `stop` drains in-flight reconciles, then releases the lease.
 */
export class Manager {
  readonly #store = new ObjectStore();
  readonly #references = new ReferenceIndex();
  readonly #router: WakeRouter;
  readonly #client: KubeClient;
  readonly #controllers: Controller[] = [];
  readonly #registrations: ControllerRegistration[] = [];
  readonly #tasks: LeaderTask[] = [];
  #informers: InformerSet | undefined;
  #elector: LeaderElector | undefined;
  #http: HttpEndpoints | undefined;
  #leading = false;
  #started = false;

  constructor(private readonly options: ManagerOptions, private readonly deps: ManagerDeps) {
    this.#client = deps.client ?? new KubeRestClient(deps.kubeConfig);
    this.#router = new WakeRouter(this.#store, this.#references, deps.logger);
    this.#store.onChange((event) => this.#router.handle(event));
    for (const kind of options.kinds ?? []) this.#store.addKind(kind);
  }

  /** The informer caches (read-only). */
  get cache(): CacheReader {
    return this.#store;
  }

  /** True while this replica leads (always true without leader election once started). */
  get isLeader(): boolean {
    return this.#leading;
  }

  /** The ports the HTTP endpoints got (after `start`). */
  get endpoints(): { healthPort: number; metricsPort: number } | undefined {
    return this.#http && { healthPort: this.#http.healthPort, metricsPort: this.#http.metricsPort };
  }

  /** Registers a controller (before `start`); its kind and the kinds its watch rules name are cached. */
  register(registration: ControllerRegistration): void {
    if (this.#started) throw new Error('register controllers before start()');
    if (this.#registrations.some((r) => kindId(r.kind) === kindId(registration.kind))) {
      throw new Error(`a controller for ${registration.kind.kind} is already registered`);
    }
    this.#store.addKind(registration.kind);
    for (const rule of registration.watches ?? []) if (typeof rule.kind !== 'string') this.#store.addKind(rule.kind);
    for (const [name, fn] of Object.entries(registration.indexes ?? {})) this.#store.addIndex(registration.kind, name, fn);
    this.#registrations.push(registration);
  }

  /** Adds work that runs while this replica leads (before `start`). */
  runWhileLeading(task: LeaderTask): void {
    if (this.#started) throw new Error('add leader tasks before start()');
    this.#tasks.push(task);
  }

  /**
   * Queues keys (`namespace/name`) of a registered kind at once, each tagged with `cause`,
   * which its next pass sees in `ctx.wokenBy`: the way for something outside the informers
   * (a poller) to wake objects. Keys of a kind without a controller are ignored. `urgent`
   * queues them ahead of other work (Controller.enqueueUrgent).
   */
  enqueue(kind: ResourceKind, keys: readonly string[], cause?: string, priority: WakePriority = 'normal'): void {
    const controller = this.#controllers.find((c) => c.id === kindId(kind));
    for (const key of keys) {
      if (priority === 'urgent') controller?.enqueueUrgent(key, cause);
      else controller?.enqueue(key, 0, cause);
    }
  }

  /** Caches a kind without a controller (e.g. Secrets that reconcilers read). */
  watch(kind: ResourceKind): void {
    this.#store.addKind(kind);
  }

  /** True once every informer has delivered its first list. */
  get synced(): boolean {
    return this.#informers?.synced ?? false;
  }

  /** Resolves once every cache is synced (after `start`). */
  async waitForSync(): Promise<void> {
    await this.#informers?.waitForSync();
  }

  /**
   * Starts endpoints and informers and resolves; workers start once caches are synced and
   * this replica leads.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#buildControllers();
    const informers = new InformerSet(this.#store.kinds(), this.options.namespaces, {
      kubeConfig: this.deps.kubeConfig, client: this.#client, logger: this.deps.logger, backoff: this.options.informerBackoff,
      onRestart: (kind) => this.deps.metrics.recordInformerRestart(kind.kind),
    }, (kind) => (type, obj) => this.#store.apply(type, kind, obj));
    this.#informers = informers;
    if (this.options.http) {
      this.#http = await startHttpServers(this.options.http, { ready: () => informers.readiness() }, this.deps.metrics.registry);
    }
    await informers.start();
    void informers.waitForSync().then(() => this.#campaign());
  }

  /** Drains reconciles in flight (up to the drain timeout), releases the lease, stops informers and endpoints. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.#stopTasks();
    await this.#stopWorkers();
    await this.#elector?.stop();
    this.#leading = false;
    this.deps.metrics.setLeader(false);
    for (const controller of this.#controllers) controller.shutDown();
    await this.#informers?.stop();
    await this.#http?.close();
  }

  #buildControllers(): void {
    const events = new EventRecorder(this.#client, this.options.events, this.deps.logger, this.deps.now);
    for (const registration of this.#registrations) {
      // Fail at start, not on the first event, when a watch rule names a kind nobody caches.
      for (const rule of registration.watches ?? []) this.#store.resolve(rule.kind);
      const controller: Controller = new Controller({
        registration,
        cache: this.#store,
        client: this.#client,
        events,
        references: this.#references,
        owner: (key) => ({ controller: controller.id, key }),
        classifiers: this.options.classifiers ?? [],
        logger: this.deps.logger,
        metrics: this.deps.metrics,
        dependencyWaitMs: this.options.dependencyWaitMs ?? 5000,
        now: this.deps.now ?? (() => new Date()),
        wake: (kind, keys) => this.enqueue(this.#store.resolve(kind), keys.map(formatKey)),
      }, {
        concurrency: registration.concurrency ?? this.options.concurrency,
        resyncPeriodMs: this.options.resyncPeriodMs,
        backoff: this.options.backoff ?? DEFAULT_BACKOFF,
      });
      this.deps.metrics.registerQueue(registration.kind.kind, () => controller.queue.length);
      this.deps.metrics.registerObjects(registration.kind.kind, () => this.#store.list(registration.kind));
      this.#router.add(controller, registration);
      this.#controllers.push(controller);
    }
  }

  #campaign(): void {
    if (!this.#started) return;
    const election = this.options.leaderElection;
    if (!election) {
      this.#lead(true);
      return;
    }
    // Lease calls must fail well within the renew deadline, not after the default 30 s.
    const client = new KubeRestClient(this.deps.kubeConfig, Math.max(1000, Math.floor(election.renewDeadlineMs / 2)));
    this.#elector = new LeaderElector(client, election, {
      onStartedLeading: () => this.#lead(true),
      onStoppedLeading: () => this.#lead(false),
    }, this.deps.logger);
    this.#elector.start();
  }

  #lead(leading: boolean): void {
    this.#leading = leading;
    this.deps.metrics.setLeader(leading);
    if (leading) {
      for (const controller of this.#controllers) void controller.start();
      for (const task of this.#tasks) task.start();
    } else {
      void this.#stopTasks();
      // Another replica may lead already: passes in flight must not write another time.
      void this.#stopWorkers(new Error('this replica lost the leader lease'));
    }
  }

  async #stopTasks(): Promise<void> {
    await Promise.all(this.#tasks.map((t) => t.stop()));
  }

  async #stopWorkers(abortNow?: Error): Promise<void> {
    const drained = await Promise.all(this.#controllers.map((c) => c.stop(this.options.drainTimeoutMs, abortNow)));
    if (drained.includes(false)) this.deps.logger.warn({ drainTimeoutMs: this.options.drainTimeoutMs }, 'reconciles still running after the drain timeout');
  }
}
