import { isConflict } from '../kube/errors.js';
import { statusOf, type KubeObject } from '../kube/object.js';
import { READY, readConditions, transitions, type ConditionRequest } from './conditions.js';
import type { EventRequest } from './events.js';
import { OUTCOMES, type Classified } from './outcome.js';
import type { RunDeps } from './reconcile-run.js';
import { nextStatus, statusPatch, type StatusDecision } from './status.js';

/** What writing status needs from a pass's dependencies. */
export type StatusWriteDeps = Pick<RunDeps, 'registration' | 'client' | 'events' | 'metrics' | 'now'>;

/**
 * Writes status when it changed (merge patch on /status, with the resourceVersion read as a
 * precondition), then records an Event per condition transition and the requested events.
 * False on a 409: the cache was stale, the key is retried quietly.
 */
export async function writeStatus(deps: StatusWriteDeps, obj: KubeObject, decision: StatusDecision, requested: EventRequest[]): Promise<boolean> {
  const { kind } = deps.registration;
  const previous = statusOf(obj);
  const next = nextStatus(previous, decision, obj.metadata.generation ?? 0, deps.now());
  const patch = statusPatch(previous, next);
  let version = obj.metadata.resourceVersion ?? '';
  if (patch) {
    try {
      const written = await deps.client.mergePatch(kind, obj.metadata.namespace, obj.metadata.name, { metadata: { resourceVersion: version }, status: patch }, 'status');
      version = written.metadata.resourceVersion ?? version;
    } catch (err) {
      if (isConflict(err)) return false;
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

function eventType(type: string, status: string, request: ConditionRequest | undefined): 'Normal' | 'Warning' {
  if (request?.eventType) return request.eventType;
  return type === READY && status !== 'True' ? 'Warning' : 'Normal';
}

/** The Ready condition of a success (no failure) or of a classified failure, from the outcome table. */
export function readyCondition(failure: Classified | undefined, message?: string): ConditionRequest {
  if (!failure) return { type: READY, status: 'True', reason: OUTCOMES.Reconciled.reason, message: message ?? 'Reconciled successfully' };
  const rule = OUTCOMES[failure.outcome];
  return { type: READY, status: rule.ready, reason: failure.reason ?? rule.reason, message: failure.message };
}
