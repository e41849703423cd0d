import type { AdminEvent } from '../../keycloak/port.js';

/**
 * Where a realm's admin event feed was read up to: the time of the last event read (the next
 * read starts there, inclusive, since several events can share a millisecond), the ids already
 * handled at that time, and the last event itself as an anchor that must still be there.
 */
export interface FeedCursor {
  fromMs: number;
  handledAtFrom: readonly string[];
  anchorId?: string;
}

/** What one page read from a cursor means. */
export interface FeedStep {
  cursor: FeedCursor;
  /** Events not handled before, oldest first. */
  fresh: AdminEvent[];
  /** Why events may have been missed (so the realm needs a full resync); undefined when none can have been. */
  gap?: string;
  /** The page was full: more events wait after the new cursor. */
  more: boolean;
}

/** A cursor starting at `fromMs`, with nothing read yet. */
export const startCursor = (fromMs: number): FeedCursor => ({ fromMs, handledAtFrom: [] });

/**
 * Advances the cursor over a page read from it (`dateFrom = cursor.fromMs`, oldest first, at
 * most `max`). A gap: the anchor is gone (the events expired or someone deleted them, so what
 * came after it may be gone too), or a full page all in one millisecond (the cursor cannot move
 * past it). Pure.
 */
export function advanceCursor(cursor: FeedCursor, page: readonly AdminEvent[], max: number): FeedStep {
  const anchorGone = cursor.anchorId !== undefined && !page.some((e) => e.id === cursor.anchorId);
  const handled = new Set(cursor.handledAtFrom);
  const fresh = page.filter((e) => !handled.has(e.id) && e.timeMs >= cursor.fromMs);
  const full = page.length >= max;
  const last = page.at(-1);
  const stuck = full && last !== undefined && last.timeMs === cursor.fromMs;
  let gap: string | undefined;
  if (anchorGone) gap = 'the last admin event read is no longer in Keycloak (expired or deleted): events after it may be lost';
  else if (stuck) gap = `more than ${max} admin events share one millisecond: some cannot be read`;
  if (!last) return { cursor: { ...cursor, anchorId: undefined }, fresh, gap, more: false };
  const atLast = page.filter((e) => e.timeMs === last.timeMs).map((e) => e.id);
  const handledAtFrom = last.timeMs === cursor.fromMs ? [...new Set([...cursor.handledAtFrom, ...atLast])] : atLast;
  return { cursor: { fromMs: last.timeMs, handledAtFrom, anchorId: last.id }, fresh, gap, more: full && !stuck };
}
