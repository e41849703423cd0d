import { DRIFT_DETECTION_CONDITION, type DashRealm, type DashRealmStatus } from '../../api/index.js';
import type { ConditionRequest } from '../../runtime/index.js';
import type { BoundKeycloak } from '../context.js';
import { followsAdminEvents, type RealmInputs, type RealmStep } from './plan.js';

/** Keycloak's first version whose admin event query takes an epoch-millisecond dateFrom and a direction. */
const FIRST_SUPPORTED = [26, 2] as const;

/** Whether `version` (e.g. `26.7.3`, `999.0.0-SNAPSHOT`) is 26.2 or later; false for what does not parse. */
export function supportsAdminEventFeed(version: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > FIRST_SUPPORTED[0] || (major === FIRST_SUPPORTED[0] && minor >= FIRST_SUPPORTED[1]);
}

/** What drift detection needs to know about the server; the version is read only for AdminEvents. */
export async function adminEventsInputs(realm: DashRealm, kc: BoundKeycloak): Promise<Pick<RealmInputs, 'adminEventsSupported'> & { version?: string }> {
  if (realm.spec.driftDetection !== 'AdminEvents') return {};
  const version = await kc.serverVersion();
  return { adminEventsSupported: supportsAdminEventFeed(version), version };
}

/**
 * The realm's `status.adminEvents` and its DriftDetection condition after a pass: who turned
 * the admin events on (the operator when this pass or an earlier one of it did, else someone
 * else), or why drift waits for the resync.
 */
export function driftDetectionStatus(
  realm: DashRealm, inputs: RealmInputs & { version?: string }, steps: readonly RealmStep[],
): { adminEvents: DashRealmStatus['adminEvents']; condition: ConditionRequest } {
  if (realm.spec.driftDetection === 'Resync') {
    return { adminEvents: undefined, condition: { type: DRIFT_DETECTION_CONDITION, status: 'False', reason: 'Resync', message: 'spec.driftDetection is Resync: changes made outside the operator are corrected at the next resync' } };
  }
  if (!followsAdminEvents(realm.spec, inputs)) {
    return {
      adminEvents: undefined,
      condition: {
        type: DRIFT_DETECTION_CONDITION, status: 'False', reason: 'AdminEventsUnsupported',
        message: `Keycloak ${inputs.version || '(unknown version)'} cannot list admin events from an epoch-millisecond time (Keycloak 26.2 or later can): falling back to Resync`,
      },
    };
  }
  const enabledNow = steps.some((s) => s.kind === 'enableAdminEvents');
  const enabledBy = enabledNow || realm.status?.adminEvents?.enabledBy === 'Operator' ? 'Operator' : 'External';
  return {
    adminEvents: { enabledBy },
    condition: { type: DRIFT_DETECTION_CONDITION, status: 'True', reason: 'AdminEvents', message: 'changes made outside the operator are followed through the realm\'s admin events' },
  };
}
