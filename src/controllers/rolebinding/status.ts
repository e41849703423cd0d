import { ANNOTATIONS, LICENSED_USER_ROLE, type DashRoleBinding, type DashRoleBindingStatus } from '../../api/index.js';
import type { ConditionRequest, EventRequest, ReconcileResult } from '../../runtime/index.js';
import { REPORT_RECHECK_MS, notShowing, waitingForReports } from '../reported.js';
import type { BindingObservation } from './observe.js';
import type { BindingPlan } from './plan.js';

/**
 * The binding's status, conditions and events after a pass: each spec subject, then subjects
 * that still hold this binding's grants; held license removals (keeping when each began); the
 * license advice. Pure: `now` stamps a removal held for the first time.
 */
export function bindingStatus(binding: DashRoleBinding, observed: Pick<BindingObservation, 'resolved' | 'reporters'>, plan: BindingPlan, applied: readonly EventRequest[], now: Date): ReconcileResult<DashRoleBindingStatus> {
  const { resolved } = observed;
  const events = [...applied, ...licenseEvents(binding, plan)];
  const held = plan.heldRevocations.map((username) => ({
    username,
    since: binding.status?.pendingLicenseRevocations?.find((p) => p.username === username)?.since ?? now.toISOString(),
  }));
  const warnings = groupLicenseWarnings(binding);
  const conditions: ConditionRequest[] = [{
    type: 'LicenseAdvice', status: warnings.length > 0 ? 'True' : 'False',
    reason: warnings.length > 0 ? 'LicensedUserOnGroup' : 'NoAdvice', message: warnings.join('; '),
  }];
  if (warnings.length > 0 && !binding.status?.warnings?.length) events.push({ type: 'Warning', reason: 'LicensedUserOnGroup', message: warnings[0] ?? '' });
  return {
    status: {
      subjects: resolved.filter((r) => r.inSpec || (r.key && (plan.owned.get(r.key) ?? []).length > 0)).map((r) => ({
        kind: r.subject.kind,
        name: r.subject.name,
        path: r.subjectId?.kind === 'Group' ? r.subjectId.path : undefined,
        resolved: r.id !== undefined && !r.recordOnly,
        reason: r.reason,
        grants: r.key ? plan.owned.get(r.key) : undefined,
        pending: r.key ? plan.pending.get(r.key) ?? plan.awaitingCreation.get(r.key) : undefined,
      })),
      pendingLicenseRevocations: held,
      warnings,
    },
    conditions,
    events,
    ...progress(observed, plan),
  };
}

/**
 * Progress still to make: grants recorded but not mapped yet (the next pass maps them), then
 * grants mapped that a subject's DashUser or DashGroup status does not show yet (see reported.ts).
 */
function progress(observed: Pick<BindingObservation, 'reporters'>, plan: BindingPlan): Pick<ReconcileResult, 'progressing' | 'requeueAfterMs'> {
  if (plan.pending.size > 0) return { progressing: `recorded new grants for ${plan.pending.size} subject(s); they are mapped in Keycloak on the next pass` };
  const waiting = notShowing([...plan.owned].map(([key, roles]) => ({ reporter: observed.reporters.get(key), roles })));
  return waiting.length > 0 ? { progressing: waitingForReports(waiting), requeueAfterMs: REPORT_RECHECK_MS } : {};
}

/** A Warning per licensed_user removed now, and per removal held for the first time. */
export function licenseEvents(binding: DashRoleBinding, plan: BindingPlan): EventRequest[] {
  return [
    ...plan.revokedLicenses.map((u): EventRequest => ({ type: 'Warning', reason: 'LicenseRevoked', message: `removed ${LICENSED_USER_ROLE} from ${u}: the user loses ownership of the Dash apps they own or co-own` })),
    ...plan.heldRevocations.filter((u) => !binding.status?.pendingLicenseRevocations?.some((p) => p.username === u))
      .map((u): EventRequest => ({ type: 'Warning', reason: 'LicenseRevocationHeld', message: `kept ${LICENSED_USER_ROLE} on ${u} until confirmed with ${ANNOTATIONS.confirmLicenseRevocation}: "true" (licenseRevocation: Protect)` })),
  ];
}

function groupLicenseWarnings(binding: DashRoleBinding): string[] {
  if (!binding.spec.roles.includes(LICENSED_USER_ROLE)) return [];
  return binding.spec.subjects.filter((s) => s.kind === 'Group')
    .map((s) => `${LICENSED_USER_ROLE} mapped to group ${s.name ?? s.path} is not recommended: Dash Enterprise updates license seat information late for groups; bind it to users directly`);
}
