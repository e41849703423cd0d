/** Condition statuses, as in metav1.Condition. */
export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** The condition every object carries. */
export const READY = 'Ready';

/** A status condition exactly as the runtime writes it (the metav1.Condition shape). */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  /** RFC 3339, second precision (what metav1.Time keeps, so a round trip compares equal). */
  lastTransitionTime: string;
  observedGeneration: number;
}

/** A condition a reconcile asks for; the runtime stamps the transition time and generation. */
export interface ConditionRequest {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  /** The type of the Event recorded when this condition transitions; default Normal (Ready: Warning unless True). */
  eventType?: 'Normal' | 'Warning';
}

// metav1.Condition limits: reason is CamelCase-ish and at most 1024 characters, message 32768.
const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
const MAX_MESSAGE = 32_768;

/** `date` as RFC 3339 with second precision, e.g. `2026-01-02T03:04:05Z`. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A reason that passes metav1.Condition validation (invalid characters dropped; `Unknown` if nothing is left). */
export function validReason(reason: string): string {
  if (REASON_PATTERN.test(reason) && reason.length <= 1024) return reason;
  const cleaned = reason.replace(/[^A-Za-z0-9_,:]/g, '').replace(/^[^A-Za-z]+/, '').replace(/[,:]+$/, '').slice(0, 1024);
  return cleaned || 'Unknown';
}

/**
 * The condition to store for `request`: `lastTransitionTime` is kept from `previous` unless the
 * status flips (a new reason or message alone is no transition), `observedGeneration` is stamped.
 */
export function setCondition(previous: Condition | undefined, request: ConditionRequest, generation: number, now: Date): Condition {
  const flips = previous === undefined || previous.status !== request.status;
  return {
    type: request.type,
    status: request.status,
    reason: validReason(request.reason),
    message: request.message.slice(0, MAX_MESSAGE),
    lastTransitionTime: flips ? rfc3339(now) : previous.lastTransitionTime,
    observedGeneration: generation,
  };
}

/** The status, reason and message of an object's Ready condition, if its status has one. */
export function readyOf(obj: object): { status?: string; reason?: string; message?: string } | undefined {
  const conditions = (obj as { status?: { conditions?: unknown } }).status?.conditions;
  return Array.isArray(conditions) ? (conditions as { type?: unknown }[]).find((c) => c?.type === READY) as { status?: string; reason?: string; message?: string } | undefined : undefined;
}

/** The well-formed conditions in a status value; anything else (hand-edited garbage) is dropped. */
export function readConditions(value: unknown): Condition[] {
  if (!Array.isArray(value)) return [];
  return value.filter((c): c is Condition => {
    const cond = c as Partial<Condition> | null;
    return typeof cond?.type === 'string' && typeof cond.status === 'string' && typeof cond.lastTransitionTime === 'string';
  });
}

/** Conditions of `next` whose status or reason differ from `previous` (or that are new): each gets an Event. */
export function transitions(previous: readonly Condition[], next: readonly Condition[]): Condition[] {
  return next.filter((c) => {
    const before = previous.find((p) => p.type === c.type);
    return before === undefined || before.status !== c.status || before.reason !== c.reason;
  });
}

/** Ready first, then the other conditions by type: a stable order, so equal sets compare equal. */
export function sortConditions(conditions: Condition[]): Condition[] {
  return [...conditions].sort((a, b) => (a.type === READY ? -1 : b.type === READY ? 1 : a.type.localeCompare(b.type)));
}
