import { ANNOTATIONS, REASONS, type DashRoleBinding, type DashRoleBindingStatus } from '../../api/index.js';
import { objectKey, type FinalizeResult, type OutcomeError, type ReconcileResult } from '../../runtime/index.js';
import type { ControllerDeps, ResourceCache } from '../context.js';
import { observedResult, observing } from '../management-policy.js';
import { planOnView } from '../plan-on-view.js';
import { groupSubject, subjectKey, userSubject, type SubjectId, type SubjectKey } from '../subject-id.js';
import { describeBindingPlan } from './describe.js';
import { realmGone, resolveRealm, type RealmRef } from '../realm-ref.js';
import { applyBindingSteps } from './apply.js';
import { grantsFor } from './grants.js';
import { observeBinding, rereadTouched, type BindingObservation } from './observe.js';
import { planBinding, type BindingPlan, type BindingStep } from './plan.js';
import { DASH_KINDS } from '../kinds.js';
import { Index, inNamespace, mappedGrants } from '../wake-ups.js';
import { bindingStatus, licenseEvents } from './status.js';
import { waitFor } from '../errors.js';
import type { SeatRefusal } from '../seat-gate.js';

/**
 * Reconciles one DashRoleBinding against the grant ledger of its Keycloak realm: every subject
 * gets what this binding grants; roles leave only when no binding grants them any more. A
 * grant is written to Keycloak only after this binding's status records it, so ownership
 * survives a crash or a lost status write at any point.
 */
export async function reconcileBinding(binding: DashRoleBinding, deps: ControllerDeps): Promise<ReconcileResult<DashRoleBindingStatus>> {
  const ref = await resolveRealm(binding.metadata.namespace ?? '', binding.spec.realmRef, deps);
  const viewed = await observeBinding(binding, ref, false, deps);
  // A role granted by hand a moment ago must read as manual: no grant is recorded and nothing is
  // removed on the view alone (a recorded grant is added on it: adding a held role changes nothing).
  const { observed, plan } = await planOnView(viewed, (o) => planFor(binding, ref, o), (first, o) => rereadTouched(ref, first, o));
  if (observing(ref.realm)) {
    // Observe: nothing mapped and nothing recorded as granted (status keeps what it had); the plan is the InSync condition.
    const { status, conditions = [] } = bindingStatus(binding, observed, { ...plan, owned: recordedBefore(binding), pending: new Map(), awaitingCreation: new Map() }, [], deps.now());
    const result = observedResult(describeBindingPlan(plan));
    return { status, ...result, conditions: [...conditions, ...result.conditions] };
  }
  const refused = new Map<SubjectKey, SeatRefusal>();
  const applied = await applyBindingSteps(ref, plan.steps, observed, refused);
  if (refused.size > 0) throw seatLimitReached(binding, ref, refused);
  return { ...bindingStatus(binding, observed, plan, applied, deps.now()), wake: reportersOfRemade(binding, plan.steps, observed.subjects.map((s) => s.subject), deps.cache) };
}

/**
 * The DashUsers and DashGroups reporting the subjects of mappings this pass made again though
 * its status had recorded them (someone outside removed them): the binding's status does not
 * move, so no watch rule wakes them, and one may have read its roles during the removal; its
 * status must show the grant again before the binding is Ready (reported.ts).
 */
export function reportersOfRemade(
  binding: DashRoleBinding, steps: readonly BindingStep[], subjects: readonly SubjectId[], cache: ResourceCache,
): ReconcileResult['wake'] {
  // A grant recorded but still pending was never mapped: its first mapping moves the status.
  const recorded = recordedBefore(binding, 'mapped');
  const remade = new Set(steps.filter((s) => s.kind === 'addRoles' && s.roles.every((r) => recorded.get(s.subject)?.includes(r))).map((s) => s.subject));
  const namespace = binding.metadata.namespace;
  const touched = subjects.filter((s) => remade.has(subjectKey(s)));
  const users = touched.flatMap((s) => (s.kind === 'User' ? cache.byIndex('DashUser', Index.byUsername, inNamespace(namespace, s.name)) : []));
  const groups = touched.flatMap((s) => (s.kind === 'Group' ? cache.byIndex('DashGroup', Index.byPath, inNamespace(namespace, s.path)) : []));
  return [{ kind: DASH_KINDS.DashUser, keys: users.map(objectKey) }, { kind: DASH_KINDS.DashGroup, keys: groups.map(objectKey) }].filter((w) => w.keys.length > 0);
}

/**
 * Ready=False, reason SeatLimitReached (a wait: retried, and a seat freed meanwhile lets the
 * grant through): names the subjects and how many seats are missing. The status keeps the
 * grants recorded as pending: recorded but unmapped changes nothing in Keycloak.
 */
function seatLimitReached(binding: DashRoleBinding, ref: RealmRef, refused: ReadonlyMap<SubjectKey, SeatRefusal>): OutcomeError {
  const entries = [...refused].sort(([a], [b]) => a.localeCompare(b));
  const missing = Math.max(...entries.map(([, r]) => r.missing));
  const [, first] = entries[0] ?? [];
  const who = entries.map(([subject, r]) => `${subject} (${r.newHolders} new holder(s))`).join(', ');
  return waitFor(REASONS.seatLimitReached,
    `licensed_user not granted to ${who}: DashRealm ${binding.spec.realmRef.name} has spec.licenseSeats ${first?.limit ?? 0} and ${first?.inUse ?? 0} in use; ${missing} seat(s) missing. Raise licenseSeats or free seats (realm ${ref.name})`);
}

/**
 * Takes this binding's grants back (reference-counted); waits while a license removal is held
 * under Protect, and while a role only this binding records is still granted by another
 * binding that has not recorded it yet (its record would be lost with this one).
 */
export async function finalizeBinding(binding: DashRoleBinding, deps: ControllerDeps): Promise<FinalizeResult> {
  if (realmGone(binding.metadata.namespace ?? '', binding.spec.realmRef, deps)) {
    return { done: true, events: [{ type: 'Warning', reason: 'RealmGone', message: `DashRealm ${binding.spec.realmRef.name} is gone: released without touching Keycloak` }] };
  }
  const ref = await resolveRealm(binding.metadata.namespace ?? '', binding.spec.realmRef, deps, 'cleanup');
  if (observing(ref.realm)) return { done: true };
  const observed = await observeBinding(binding, ref, true, deps);
  const plan = planFor(binding, ref, observed);
  const events = [...await applyBindingSteps(ref, plan.steps, observed), ...licenseEvents(binding, plan)];
  if (plan.heldRevocations.length > 0) {
    return { done: false, events, waiting: `licensed_user removal held for ${plan.heldRevocations.join(', ')}: annotate ${ANNOTATIONS.confirmLicenseRevocation}: "true" to confirm` };
  }
  const [handoff] = [...plan.handoff];
  if (handoff) {
    const [subject, held] = handoff;
    const others = [...new Set(held.flatMap((role) => grantsFor(subject, observed.ledger).get(role) ?? []))].sort();
    return { done: false, events, waiting: `${held.join(', ')} of ${subject} stays: DashRoleBinding ${others.join(', ')} grants it too and has not recorded it yet (${plan.handoff.size} subject(s) waiting)` };
  }
  return { done: true, events };
}

/** The grants status recorded before this pass, by subject key. */
function recordedBefore(binding: DashRoleBinding, which: 'recorded' | 'mapped' = 'recorded'): Map<SubjectKey, string[]> {
  const out = new Map<SubjectKey, string[]>();
  for (const s of binding.status?.subjects ?? []) {
    const id = s.kind === 'User' ? (s.name !== undefined ? userSubject(s.name) : undefined) : (s.path !== undefined ? groupSubject(s.path) : undefined);
    const grants = which === 'mapped' ? mappedGrants(s) : s.grants ?? [];
    if (id && grants.length) out.set(subjectKey(id), [...grants]);
  }
  return out;
}

function planFor(binding: DashRoleBinding, ref: RealmRef, observed: BindingObservation): BindingPlan {
  return planBinding({
    binding: `${binding.metadata.namespace ?? ''}/${binding.metadata.name}`,
    subjects: observed.subjects,
    ledger: observed.ledger,
    manageable: new Set(observed.roles.map((r) => r.name)),
    exclusive: ref.realm.spec.roleManagement === 'Exclusive',
    licenseRevocation: ref.realm.spec.licenseRevocation,
    confirmedUsers: observed.confirmedUsers,
  });
}
