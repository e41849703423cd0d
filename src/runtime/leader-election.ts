import { V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.js';
import { isConflict } from '../kube/errors.js';
import type { KubeObject } from '../kube/object.js';
import { LeaseKind, apiVersionOf } from '../kube/resource-kind.js';

/** Lease timings, client-go's defaults: 15 s lease, 10 s renew deadline, 2 s retry period. */
export const DEFAULT_LEASE_TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } as const;

/** Where the lease lives, who we are, and the timings. */
export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  /** Unique per replica (hostname plus a random suffix). */
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** Called when this replica gains or loses the lease. */
export interface LeaderCallbacks {
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}
type Lease = KubeObject & { spec?: LeaseSpec };

/**
 * A coordination.k8s.io/v1 Lease elector in the style of client-go's. A candidate tries every
 * retry period; it takes the lease when it is free, released, or not renewed for its duration
 * as measured by this replica's clock since the record last changed (no clock skew between
 * replicas matters). The leader renews every retry period and steps down when it could not
 * renew for the renew deadline, then campaigns again. Writes are optimistic (resourceVersion).
 */
export class LeaderElector {
  #leader = false;
  #running = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastRenew = 0;
  #observed: { record: string; at: number } | undefined;
  #tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KubeClient,
    private readonly config: LeaderElectionConfig,
    private readonly callbacks: LeaderCallbacks,
    private readonly logger: Logger,
  ) {}

  /** True while this replica holds the lease. */
  get isLeader(): boolean {
    return this.#leader;
  }

  /** Starts campaigning. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops campaigning and, if leading, releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#tick;
    if (!this.#leader) return;
    this.#setLeader(false);
    await this.#release();
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.#step().finally(() => {
        // Candidates add up to 20% jitter so that replicas do not retry in lockstep.
        this.#schedule(this.config.retryPeriodMs * (this.#leader ? 1 : 1 + Math.random() * 0.2));
      });
    }, delayMs);
    this.#timer.unref?.();
  }

  async #step(): Promise<void> {
    let result: 'acquired' | 'held' | 'failed' = 'failed';
    try {
      result = await this.#tryAcquireOrRenew();
    } catch (err) {
      this.logger.warn({ err }, this.#leader ? 'could not renew the leader lease' : 'could not read or take the leader lease');
    }
    if (!this.#running) return;
    if (result === 'acquired') {
      this.#lastRenew = Date.now();
      if (!this.#leader) this.#setLeader(true);
    } else if (this.#leader && (result === 'held' || Date.now() - this.#lastRenew > this.config.renewDeadlineMs)) {
      this.logger.error({ lease: this.config.name }, result === 'held' ? 'another replica holds the leader lease; stepping down' : 'leader lease not renewed within the renew deadline; stepping down');
      this.#setLeader(false);
    }
  }

  /** `held`: another replica holds a valid lease; `failed`: lost a write race. */
  async #tryAcquireOrRenew(): Promise<'acquired' | 'held' | 'failed'> {
    const { namespace, name, identity } = this.config;
    const now = Date.now();
    const lease = (await this.client.get(LeaseKind, namespace, name)) as Lease | undefined;
    if (!lease) {
      return this.#write(() => this.client.create(LeaseKind, namespace, this.#leaseBody(undefined, now)));
    }
    const spec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds, spec.leaseTransitions]);
    if (this.#observed?.record !== record) this.#observed = { record, at: now };
    const held = spec.holderIdentity !== undefined && spec.holderIdentity !== '';
    const expired = this.#observed.at + (spec.leaseDurationSeconds ?? 0) * 1000 <= now;
    if (held && spec.holderIdentity !== identity && !expired) return 'held';
    return this.#write(() => this.client.replace(LeaseKind, namespace, name, this.#leaseBody(lease, now)));
  }

  async #write(request: () => Promise<KubeObject>): Promise<'acquired' | 'failed'> {
    try {
      const written = (await request()) as Lease;
      const s = written.spec ?? {};
      this.#observed = { record: JSON.stringify([s.holderIdentity, s.renewTime, s.leaseDurationSeconds, s.leaseTransitions]), at: Date.now() };
      return 'acquired';
    } catch (err) {
      // Another replica wrote first: it won this round.
      if (isConflict(err)) return 'failed';
      throw err;
    }
  }

  #leaseBody(current: Lease | undefined, now: number): Lease {
    const { namespace, name, identity, leaseDurationMs } = this.config;
    const spec = current?.spec ?? {};
    const ours = spec.holderIdentity === identity;
    const time = microTime(now);
    return {
      apiVersion: apiVersionOf(LeaseKind),
      kind: LeaseKind.kind,
      metadata: { name, namespace, ...(current ? { resourceVersion: current.metadata.resourceVersion } : {}) },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: Math.max(1, Math.ceil(leaseDurationMs / 1000)),
        acquireTime: ours && spec.acquireTime ? spec.acquireTime : time,
        renewTime: time,
        leaseTransitions: current === undefined ? 0 : (spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
      },
    };
  }

  // client-go's release: no holder and a one-second duration, so any candidate takes it at once.
  async #release(): Promise<void> {
    const { namespace, name, identity } = this.config;
    try {
      const lease = (await this.client.get(LeaseKind, namespace, name)) as Lease | undefined;
      if (lease?.spec?.holderIdentity !== identity) return;
      const time = microTime(Date.now());
      const spec: LeaseSpec = { leaseDurationSeconds: 1, acquireTime: time, renewTime: time, leaseTransitions: lease.spec.leaseTransitions };
      await this.client.replace(LeaseKind, namespace, name, { ...lease, spec });
      this.logger.info({ lease: name }, 'released the leader lease');
    } catch (err) {
      this.logger.warn({ err }, 'could not release the leader lease; it expires on its own');
    }
  }

  #setLeader(leader: boolean): void {
    this.#leader = leader;
    this.logger.info({ lease: this.config.name, identity: this.config.identity }, leader ? 'became leader' : 'stopped leading');
    if (leader) this.callbacks.onStartedLeading();
    else this.callbacks.onStoppedLeading();
  }
}

/** Lease and Event times are MicroTime: RFC 3339 with six fractional digits (a Date gives three). */
function microTime(ms: number): string {
  return new V1MicroTime(ms).toISOString();
}
