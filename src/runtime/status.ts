import { readConditions, setCondition, sortConditions, type Condition, type ConditionRequest } from './conditions.js';

/** What a reconcile pass decided for status: kind fields (undefined keeps the stored ones) and conditions. */
export interface StatusDecision {
  /** Kind-specific fields, without `conditions` and `observedGeneration`; undefined keeps the stored fields. */
  fields?: Record<string, unknown>;
  /** Ready first; each replaces the stored condition of its type. */
  conditions: ConditionRequest[];
  /** Keep stored conditions of other types (after a failure) instead of dropping them (after a success). */
  keepOtherConditions: boolean;
}

/**
 * The status to store: fields, `observedGeneration` = the generation reconciled, and conditions
 * merged with the stored ones (transition times kept unless a status flips).
 */
export function nextStatus(previous: Record<string, unknown>, decision: StatusDecision, generation: number, now: Date): Record<string, unknown> {
  const { conditions: storedValue, observedGeneration: _og, ...storedFields } = previous;
  const stored = readConditions(storedValue);
  const { conditions: _c, observedGeneration: _g, ...fields } = decision.fields ?? storedFields;
  const requested = decision.conditions.map((req) => setCondition(stored.find((c) => c.type === req.type), req, generation, now));
  const kept: Condition[] = decision.keepOtherConditions ? stored.filter((c) => !requested.some((r) => r.type === c.type)) : [];
  return { ...fields, observedGeneration: generation, conditions: sortConditions([...requested, ...kept]) };
}

/**
 * The JSON merge patch that turns `previous` into `next`, or undefined when they are equal once
 * normalised (key order and undefined values ignored): status is only written when it changed.
 * Removed keys become `null` at any depth, since a merge patch merges nested objects.
 */
export function statusPatch(previous: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> | undefined {
  if (canonical(previous) === canonical(next)) return undefined;
  return mergePatchDiff(previous, next);
}

/** RFC 7386 diff of two objects: changed keys with their new value, removed keys as null, objects recursively. */
export function mergePatchDiff(previous: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(previous)) {
    if (previous[key] !== undefined && next[key] === undefined) patch[key] = null;
  }
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined) continue;
    const before = previous[key];
    if (isPlainObject(before) && isPlainObject(value)) {
      const nested = mergePatchDiff(before, value);
      if (Object.keys(nested).length > 0) patch[key] = nested;
    } else if (canonical(before) !== canonical(value)) {
      patch[key] = value;
    }
  }
  return patch;
}

/** JSON with object keys sorted and undefined members dropped: equal values give equal strings. */
export function canonical(value: unknown): string {
  return JSON.stringify(normalize(value)) ?? 'undefined';
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (value[key] !== undefined) out[key] = normalize(value[key]);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
