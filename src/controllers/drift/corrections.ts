import type { Kind } from '../../api/index.js';

/** How long an object's last writing pass stays a candidate: far longer than one poll of the event feed. */
const CANDIDATE_MS = 5 * 60_000;

interface WritingPass {
  endedAtMs: number;
  writes: readonly string[];
}

/**
 * Which pass corrected an outside change, for its DriftCorrected event.
 *
 * The pass an admin event wakes is not always the one that changes Keycloak back: a pass under
 * way for another reason (a seat recount, a report) may read the changed value and write it
 * back before the poller has read the event, and the woken pass then finds nothing to write.
 * So each object's last writing pass is remembered for a while, and a woken pass that writes
 * nothing reports the writes of that earlier pass when it ended after the outside change.
 * The change's time is Keycloak's (the event's) and the pass's is ours: on separate hosts a
 * clock skew can only move the line within this race, never invent a correction without writes.
 */
export class CorrectionLedger {
  /** Per object, oldest first: the time of the latest outside change the event feed showed, and when it showed it. */
  readonly #changes = new Map<string, { atMs: number; notedAtMs: number }>();
  /** Per object, oldest first: its last pass that wrote to Keycloak without reporting a correction. */
  readonly #lastWriting = new Map<string, WritingPass>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The event feed showed a change to this object at `atMs` (Keycloak's clock). */
  noteOutsideChange(kind: Kind, key: string, atMs: number): void {
    const id = ledgerKey(kind, key);
    const known = this.#changes.get(id);
    this.#changes.delete(id);
    this.#changes.set(id, { atMs: Math.max(atMs, known?.atMs ?? atMs), notedAtMs: this.now() });
  }

  /**
   * At the end of a pass: the writes to report as a correction (empty: none). A pass woken by
   * the event feed reports its own writes, or, having none, those of the object's last writing
   * pass if that ended after the change. Any other writing pass is remembered as that candidate.
   */
  settle(kind: Kind, key: string, writes: readonly string[], wokenByDrift: boolean): readonly string[] {
    const id = ledgerKey(kind, key);
    const now = this.now();
    this.#forgetOlderThan(now - CANDIDATE_MS);
    if (!wokenByDrift) {
      if (writes.length > 0) {
        // Delete first: a Map keeps insertion order, and the pruning relies on oldest first.
        this.#lastWriting.delete(id);
        this.#lastWriting.set(id, { endedAtMs: now, writes });
      }
      return [];
    }
    const changedAtMs = this.#changes.get(id)?.atMs;
    const earlier = this.#lastWriting.get(id);
    this.#changes.delete(id);
    this.#lastWriting.delete(id);
    if (writes.length > 0) return writes;
    return earlier !== undefined && changedAtMs !== undefined && earlier.endedAtMs >= changedAtMs ? earlier.writes : [];
  }

  // Both maps are in time order, so pruning stops at the first entry young enough.
  #forgetOlderThan(cutoffMs: number): void {
    for (const [id, pass] of this.#lastWriting) {
      if (pass.endedAtMs >= cutoffMs) break;
      this.#lastWriting.delete(id);
    }
    // A change whose object never ran again (deleted meanwhile) must not stay forever.
    for (const [id, change] of this.#changes) {
      if (change.notedAtMs >= cutoffMs) break;
      this.#changes.delete(id);
    }
  }
}

const ledgerKey = (kind: Kind, key: string): string => `${kind} ${key}`;
