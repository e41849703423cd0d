import { readyOf } from './conditions.js';

/** One row of the `objects` gauge: how many objects of a kind have Ready at `ready` for `reason`. */
export interface ReadyCount {
  kind: string;
  /** `True`, `False`, or `Unknown` (no Ready condition yet, or one for an older generation). */
  ready: string;
  reason: string;
  count: number;
}

/** The reason of an object that has not been reconciled for its current generation. */
export const NOT_OBSERVED = 'NotObserved';

/**
 * Counts `objects` of `kind` by their Ready status and reason, sorted. An object whose status
 * is for an older generation (or has no Ready condition) counts as Unknown/NotObserved: its
 * Ready says nothing about the spec it has now.
 */
export function countReady(kind: string, objects: readonly object[]): ReadyCount[] {
  const counts = new Map<string, ReadyCount>();
  for (const obj of objects) {
    const { ready, reason } = readyState(obj);
    const key = `${ready}/${reason}`;
    const row = counts.get(key) ?? { kind, ready, reason, count: 0 };
    row.count += 1;
    counts.set(key, row);
  }
  return [...counts.values()].sort((a, b) => `${a.ready}/${a.reason}`.localeCompare(`${b.ready}/${b.reason}`));
}

function readyState(obj: object): { ready: string; reason: string } {
  const o = obj as { metadata?: { generation?: number }; status?: { observedGeneration?: number } };
  const condition = readyOf(obj);
  const current = o.metadata?.generation === undefined || o.status?.observedGeneration === o.metadata.generation;
  if (!condition?.status || !current) return { ready: 'Unknown', reason: NOT_OBSERVED };
  return { ready: condition.status, reason: condition.reason || NOT_OBSERVED };
}
