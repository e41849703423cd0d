import { IN_SYNC_CONDITION, REASONS, type DashRealm } from '../api/index.js';
import type { ConditionRequest, ReconcileResult } from '../runtime/index.js';

/** At most this many planned changes are listed in an InSync message; the rest are counted. */
export const MAX_LISTED_CHANGES = 10;

/**
 * Whether the realm is under `managementPolicy: Observe`: the operator then writes nothing to
 * Keycloak for the realm or any object in it; each pass plans as usual and reports the plan.
 */
export function observing(realm: DashRealm): boolean {
  return realm.spec.managementPolicy === 'Observe';
}

/**
 * What an observed pass reports: Ready True with reason Observed, and InSync True when the plan
 * is empty, False listing the changes it would make (the first MAX_LISTED_CHANGES, then how many
 * more). `changes` are human lines in plan order; the same plan gives the same message.
 */
export function observedResult(changes: readonly string[]): Pick<ReconcileResult, 'reason' | 'message'> & { conditions: ConditionRequest[] } {
  const listed = changes.slice(0, MAX_LISTED_CHANGES);
  const more = changes.length - listed.length;
  const inSync: ConditionRequest = changes.length === 0
    ? { type: IN_SYNC_CONDITION, status: 'True', reason: 'InSync', message: 'Keycloak holds what the spec says' }
    : { type: IN_SYNC_CONDITION, status: 'False', reason: 'ChangesPending', message: `would ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}` };
  return {
    reason: REASONS.observed,
    message: 'managementPolicy Observe: nothing is written to Keycloak; the InSync condition says what Manage would change',
    conditions: [inSync],
  };
}
