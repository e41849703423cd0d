import type { Logger } from 'pino';
import { DRIFT_DETECTION_CONDITION, parseSpec, type DashRealm, type Kind } from '../../api/index.js';
import type { AdminEvent } from '../../keycloak/port.js';
import { formatKey, objectKey, readConditions, type CacheReader, type LeaderTask, type WakePriority } from '../../runtime/index.js';
import type { BoundKeycloak } from '../context.js';
import { existingRealmView } from '../realm-view.js';
import { DASH_KINDS } from '../kinds.js';
import { DRIFT_CAUSES } from './causes.js';
import { driftTargets } from './event-targets.js';
import { advanceCursor, startCursor, type FeedCursor } from './feed-cursor.js';
import type { DriftMetrics } from './metrics.js';
import { keysForTarget, realmKeys, type KeysByKind } from './target-keys.js';

/** Events read per request; a full page is followed by another read in the same tick. */
export const PAGE_SIZE = 200;
const MAX_PAGES_PER_TICK = 5;
/** How far before its first read a realm's feed starts: covers a Keycloak clock a little behind ours. */
const START_MARGIN_MS = 5000;
/** How long a realm's resolved connection is reused before it is resolved again (a rotated Secret). */
const CONNECTION_TTL_MS = 60_000;

/** What the poller needs from the operator. */
export interface DriftPollerDeps {
  cache: CacheReader;
  /** The Keycloak connection of a DashRealm (spec parsed, defaults applied). */
  connect(realm: DashRealm): Promise<BoundKeycloak>;
  /** Queues keys of one kind, tagged with a cause; `urgent` ahead of other work. */
  enqueue(kind: Kind, keys: string[], cause: string, priority?: WakePriority): void;
  /** An event showed a change to this object at `atMs` (Keycloak's clock), for whichever pass corrects it (corrections.ts). */
  noteOutsideChange(kind: Kind, key: string, atMs: number): void;
  metrics: DriftMetrics;
  logger: Logger;
  intervalMs: number;
  now?: () => number;
}

interface RealmFeed {
  cursor: FeedCursor;
  /** Why the feed has a gap to make up with a full resync once a read succeeds again. */
  gap?: string;
  connection?: { kc: BoundKeycloak; resolvedAtMs: number };
}

/**
 * Follows the admin events of every DashRealm whose status says it does (driftDetection
 * AdminEvents on a Keycloak that can): one read per realm per interval, whatever the number of
 * objects. Events caused by the operator's own credentials are skipped; the others wake only
 * the objects they touched. A gap in the feed (a failed read, events expired or deleted) wakes
 * every object of the realm instead: a change is corrected late, never missed. Runs while this
 * replica leads; at start every object is queued anyway, so the feed starts at that moment.
 */
export class DriftPoller implements LeaderTask {
  readonly #feeds = new Map<string, RealmFeed>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #tick: Promise<void> | undefined;
  readonly #now: () => number;

  constructor(private readonly deps: DriftPollerDeps) {
    this.#now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      // A slow Keycloak must not stack reads: a tick still running skips the next one.
      this.#tick ??= this.pollOnce().finally(() => { this.#tick = undefined; });
    }, this.deps.intervalMs);
    this.#timer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#tick;
    // Another replica followed the feed meanwhile; the next start queues everything again.
    this.#feeds.clear();
  }

  /** Reads every followed realm's feed once (concurrently) and queues what the events touched. */
  async pollOnce(): Promise<void> {
    const realms = this.deps.cache.list<DashRealm>(DASH_KINDS.DashRealm).filter(followed);
    const live = new Set(realms.map(feedKey));
    for (const key of this.#feeds.keys()) if (!live.has(key)) this.#feeds.delete(key);
    await Promise.all(realms.map((r) => this.#pollRealm(r)));
  }

  async #pollRealm(raw: DashRealm): Promise<void> {
    const key = feedKey(raw);
    const feed = this.#feeds.get(key) ?? { cursor: startCursor(this.#now() - START_MARGIN_MS) };
    this.#feeds.set(key, feed);
    const log = this.deps.logger.child({ kind: 'DashRealm', namespace: raw.metadata.namespace, name: raw.metadata.name });
    try {
      const realm = withParsedSpec(raw);
      const kc = await this.#connection(realm, feed);
      const self = await kc.actingUserId();
      const read = { fromMs: feed.cursor.fromMs, startedAtMs: this.#now() };
      let caughtUp = false;
      for (let page = 0; page < MAX_PAGES_PER_TICK; page++) {
        const events = await kc.readAdminEvents(realm.spec.realm, feed.cursor.fromMs, PAGE_SIZE);
        this.deps.metrics.recordPoll('ok');
        const step = advanceCursor(feed.cursor, events, PAGE_SIZE);
        feed.cursor = step.cursor;
        if (step.gap) feed.gap ??= step.gap;
        this.#wake(realm, kc, step.fresh.filter((e) => self === undefined || e.authUserId !== self));
        if (!step.more) {
          caughtUp = true;
          break;
        }
      }
      if (feed.gap) this.#resync(realm, kc, feed.gap, log);
      feed.gap = undefined;
      // Outside changes up to this read are in the view now: it may keep its group reads longer.
      if (caughtUp) existingRealmView(kc, realm.spec.realm, realm.status?.clientUuid ?? '')?.recordFeedRead(read);
    } catch (err) {
      this.deps.metrics.recordPoll('error');
      feed.connection = undefined;
      // Once per outage, not every interval: drift_polls_total{result="error"} counts the rest.
      if (!feed.gap) log.warn({ err }, 'could not read the realm\'s admin events; the realm is resynced once a read succeeds');
      feed.gap ??= `reading the admin events failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  async #connection(realm: DashRealm, feed: RealmFeed): Promise<BoundKeycloak> {
    const known = feed.connection;
    if (known && this.#now() - known.resolvedAtMs < CONNECTION_TTL_MS) return known.kc;
    const kc = await this.deps.connect(realm);
    feed.connection = { kc, resolvedAtMs: this.#now() };
    return kc;
  }

  #wake(realm: DashRealm, kc: BoundKeycloak, events: readonly AdminEvent[]): void {
    const now = this.#now();
    const keys: KeysByKind = new Map();
    const targets = events.flatMap((event) => {
      const touched = driftTargets(event);
      const woken: KeysByKind = new Map();
      for (const target of touched) keysForTarget(this.deps.cache, realm, target, woken);
      if (countKeys(woken) > 0) this.deps.metrics.observeDetection((now - event.timeMs) / 1000);
      for (const [kind, set] of woken) {
        const all = keys.get(kind) ?? new Set<string>();
        keys.set(kind, all);
        for (const key of set) {
          this.deps.noteOutsideChange(kind, key, event.timeMs);
          all.add(key);
        }
      }
      return touched;
    });
    if (targets.length === 0) return;
    // The passes must not plan on realm-wide reads taken before the change (realm-view.ts).
    existingRealmView(kc, realm.spec.realm, realm.status?.clientUuid ?? '')?.recordExternalChange({
      userIds: targets.flatMap((t) => (t.kind === 'user' || (t.kind === 'roleMappings' && t.subject === 'user') ? [t.id] : [])),
      roles: targets.some((t) => t.kind !== 'user'),
      // users/{id}/groups/{groupId} is a user event; a group event may move or delete a subtree.
      memberships: targets.some((t) => t.kind === 'user' || t.kind === 'group'),
    });
    // Outside changes are few; at 5,000 users they would otherwise wait behind minutes of passes.
    for (const [kind, set] of keys) this.deps.enqueue(kind, [...set], DRIFT_CAUSES.adminEvent, 'urgent');
  }

  #resync(realm: DashRealm, kc: BoundKeycloak, gap: string, log: Logger): void {
    log.info({ gap }, 'gap in the realm\'s admin events: every object of the realm is reconciled');
    // What changed is unknown: the passes must not plan on realm-wide reads taken before now.
    existingRealmView(kc, realm.spec.realm, realm.status?.clientUuid ?? '')?.recordExternalChange({ userIds: [], roles: true, anyUser: true });
    this.deps.metrics.recordResync();
    this.deps.enqueue('DashRealm', [formatKey(objectKey(realm))], DRIFT_CAUSES.feedGap);
    for (const kind of ['DashGroup', 'DashUser', 'DashRoleBinding'] as const) this.deps.enqueue(kind, realmKeys(this.deps.cache, realm, [kind]), DRIFT_CAUSES.feedGap);
  }
}

/**
 * Whether the poller follows this DashRealm: not being deleted, AdminEvents asked for (the
 * default), and its last pass turned them on or found them on (DriftDetection True).
 */
export function followed(realm: DashRealm): boolean {
  if (realm.metadata.deletionTimestamp || realm.spec?.driftDetection === 'Resync') return false;
  return readConditions(realm.status?.conditions).some((c) => c.type === DRIFT_DETECTION_CONDITION && c.status === 'True');
}

// A feed belongs to one DashRealm (uid) on one Keycloak realm.
const feedKey = (r: DashRealm): string => `${r.metadata.uid ?? `${r.metadata.namespace}/${r.metadata.name}`}/${r.spec?.realm}`;

const countKeys = (keys: KeysByKind): number => [...keys.values()].reduce((n, s) => n + s.size, 0);

function withParsedSpec(realm: DashRealm): DashRealm {
  const parsed = parseSpec('DashRealm', realm);
  if (!parsed.ok) throw new Error(`DashRealm ${realm.metadata.namespace}/${realm.metadata.name}: ${parsed.message}`);
  return { ...realm, spec: parsed.spec };
}
