import { KubeApiError, isConflict } from '../kube/errors.js';
import { statusOf, type KubeObject } from '../kube/object.js';
import { READY, readConditions, transitions, type ConditionRequest } from './conditions.js';
import type { EventRequest } from './events.js';
import { OUTCOMES, type Classified } from './outcome.js';
import type { RunDeps } from './reconcile-run.js';
import { nextStatus, statusPatch, type StatusDecision } from './status.js';

/** What writing status needs from a pass's dependencies. */
export type StatusWriteDeps = Pick<RunDeps, 'registration' | 'client' | 'events' | 'metrics' | 'now'>;

/** Reason of the Warning Event recorded when the API server refuses a status write (a SPEC contract). */
export const STATUS_REJECTED = 'StatusRejected';

/** A status write the API server refused; the pass is retried with backoff. */
export class StatusRejectedError extends Error {
  override readonly name = 'StatusRejectedError';
}

/**
 * Writes status when it changed (merge patch on /status, with the resourceVersion read as a
 * precondition), then records an Event per condition transition and the requested events.
 * The status is first fitted to the kind's bounds (the registration's `fitStatus`). False on
 * a 409: the cache was stale, the key is retried quietly. A refusal (400, 403, 413, 422: the
 * status or the write is not acceptable as sent) records a Warning Event `StatusRejected`
 * with the API server's reason, counts it, and throws StatusRejectedError for a retry with backoff.
 */
export async function writeStatus(deps: StatusWriteDeps, obj: KubeObject, decision: StatusDecision, requested: EventRequest[]): Promise<boolean> {
  const { kind } = deps.registration;
  const previous = statusOf(obj);
  const computed = nextStatus(previous, fitted(deps, decision), obj.metadata.generation ?? 0, deps.now());
  // Fitting the whole status as well bounds what the fields do not cover (conditions).
  const next = deps.registration.fitStatus?.(computed).status ?? computed;
  const patch = statusPatch(previous, next);
  let version = obj.metadata.resourceVersion ?? '';
  if (patch) {
    try {
      const written = await deps.client.mergePatch(kind, obj.metadata.namespace, obj.metadata.name, { metadata: { resourceVersion: version }, status: patch }, 'status');
      version = written.metadata.resourceVersion ?? version;
    } catch (err) {
      if (isConflict(err)) return false;
      if (isRefusal(err)) await reportRejection(deps, obj, err);
      throw err;
    }
    deps.metrics.recordStatusWrite(kind.kind);
  }
  const changed = patch ? transitions(readConditions(previous.conditions), readConditions(next.conditions)) : [];
  const transitionEvents = changed.map((c): EventRequest => ({
    type: eventType(c.type, c.status, decision.conditions.find((r) => r.type === c.type)),
    reason: c.reason,
    message: c.message,
  }));
  await recordEvents(deps, obj, [...transitionEvents, ...requested], version);
  return true;
}

/**
 * Records events about `obj`, keyed by the object's version as this pass leaves it: the next
 * pass over the same version (a resync, a retry) finds its events already recorded.
 */
export async function recordEvents(deps: StatusWriteDeps, obj: KubeObject, events: EventRequest[], version = obj.metadata.resourceVersion ?? ''): Promise<void> {
  for (const event of events) await deps.events.record(deps.registration.kind, obj, event, version);
}

// New fields are fitted with the conditions that count what was left out. Kept fields (a
// failed pass) were fitted when stored, and the conditions that describe them are kept too.
function fitted(deps: StatusWriteDeps, decision: StatusDecision): StatusDecision {
  const fit = deps.registration.fitStatus;
  if (!fit || !decision.fields) return decision;
  const result = fit(decision.fields);
  return { ...decision, fields: result.status, conditions: [...decision.conditions, ...result.conditions] };
}

// Only answers that say "not like this": a 404 (object gone), 408, 429 and 5xx are passing trouble.
function isRefusal(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError && err.code >= 400 && err.code < 500 && ![404, 408, 409, 429].includes(err.code);
}

// The Event is keyed by the object's version: retries of the same version record it once.
async function reportRejection(deps: StatusWriteDeps, obj: KubeObject, err: KubeApiError): Promise<never> {
  const kind = deps.registration.kind.kind;
  deps.metrics.recordStatusRejected(kind);
  const message = `status of ${kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name} not stored: the API server refused it `
    + `(${err.code}${err.reason ? ` ${err.reason}` : ''}): ${apiServerDetail(err)}; retrying with backoff`;
  await recordEvents(deps, obj, [{ type: 'Warning', reason: STATUS_REJECTED, message }]);
  throw new StatusRejectedError(message, { cause: err });
}

// KubeApiError's message is "<METHOD> <path>: <code> <reason>: <detail>"; the detail names the field.
function apiServerDetail(err: KubeApiError): string {
  const prefix = `${err.code}${err.reason ? ` ${err.reason}` : ''}: `;
  const at = err.message.indexOf(prefix);
  return at >= 0 ? err.message.slice(at + prefix.length) : err.message;
}

function eventType(type: string, status: string, request: ConditionRequest | undefined): 'Normal' | 'Warning' {
  if (request?.eventType) return request.eventType;
  return type === READY && status !== 'True' ? 'Warning' : 'Normal';
}

/** Ready's reason while a pass's recorded work waits for the next pass (Ready=False, a Normal event). */
export const PROGRESSING = 'Progressing';

/** The Ready condition of a success (no failure, maybe still progressing) or of a classified failure, from the outcome table. */
export function readyCondition(failure: Classified | undefined, message?: string, progressing?: string, reason?: string): ConditionRequest {
  if (!failure && progressing !== undefined) return { type: READY, status: 'False', reason: PROGRESSING, message: progressing, eventType: 'Normal' };
  if (!failure) return { type: READY, status: 'True', reason: reason ?? OUTCOMES.Reconciled.reason, message: message ?? 'Reconciled successfully' };
  const rule = OUTCOMES[failure.outcome];
  return { type: READY, status: rule.ready, reason: failure.reason ?? rule.reason, message: failure.message };
}
