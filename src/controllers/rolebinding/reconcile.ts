import { ANNOTATIONS, LICENSED_USER_ROLE, REASONS, type DashRoleBinding, type DashRoleBindingStatus, type Subject } from '../../api/index.js';
import type { RoleRef } from '../../keycloak/port.js';
import type { ConditionRequest, ControllerDeps, EventRequest, FinalizeOutput, ReconcileOutput } from '../context.js';
import { ReconcileError, ReconcileOutcome } from '../errors.js';
import { realmGone, resolveRealm, type RealmRef } from '../realm-ref.js';
import { planBinding, type BindingPlan, type BindingStep, type ObservedSubject } from './plan.js';
import type { SubjectKey } from './grants.js';
import { grantLedger, managedUsers, resolveSubject, statusKey, type ResolvedSubject } from './subjects.js';
import type { ViewSubject } from '../realm-view.js';

/**
 * Reconciles one DashRoleBinding against the grant ledger of its realm: every subject gets
 * what some live binding grants; roles leave only when no binding grants them any more.
 */
export async function reconcileBinding(binding: DashRoleBinding, deps: ControllerDeps): Promise<ReconcileOutput<DashRoleBindingStatus>> {
  const ref = await resolveRealm(binding.metadata.namespace ?? '', binding.spec.realmRef, deps);
  const { plan, resolved, roles } = await planFor(binding, ref, false, deps);
  const events = await applyBindingSteps(ref, plan.steps, roles);
  events.push(...licenseEvents(binding, plan));
  const held = plan.heldRevocations.map((username) => ({
    username,
    since: binding.status?.pendingLicenseRevocations?.find((p) => p.username === username)?.since ?? deps.now().toISOString(),
  }));
  const warnings = groupLicenseWarnings(binding);
  const conditions: ConditionRequest[] = [{
    type: 'LicenseAdvice', status: warnings.length > 0 ? 'True' : 'False',
    reason: warnings.length > 0 ? 'LicensedUserOnGroup' : 'NoAdvice', message: warnings.join('; '),
  }];
  if (warnings.length > 0 && !binding.status?.warnings?.length) events.push({ type: 'Warning', reason: 'LicensedUserOnGroup', message: warnings[0] ?? '' });
  return {
    status: {
      subjects: resolved.filter((r) => inSpec(binding, r.subject) || (plan.owned.get(r.key ?? 'User:') ?? []).length > 0).map((r) => ({
        kind: r.subject.kind,
        name: r.subject.name,
        path: r.key?.startsWith('Group:') ? r.key.slice('Group:'.length) : undefined,
        resolved: r.id !== undefined,
        reason: r.reason,
        grants: r.key ? plan.owned.get(r.key) : undefined,
      })),
      pendingLicenseRevocations: held,
      warnings,
    },
    conditions,
    events,
  };
}

/** Takes this binding's grants back (reference-counted); waits while a license removal is held under Protect. */
export async function finalizeBinding(binding: DashRoleBinding, deps: ControllerDeps): Promise<FinalizeOutput> {
  if (realmGone(binding.metadata.namespace ?? '', binding.spec.realmRef, deps)) {
    return { done: true, events: [{ type: 'Warning', reason: 'RealmGone', message: `DashRealm ${binding.spec.realmRef.name} is gone: released without touching Keycloak` }] };
  }
  const ref = await resolveRealm(binding.metadata.namespace ?? '', binding.spec.realmRef, deps, 'cleanup');
  const { plan, roles } = await planFor(binding, ref, true, deps);
  const events = await applyBindingSteps(ref, plan.steps, roles);
  events.push(...licenseEvents(binding, plan));
  if (plan.heldRevocations.length > 0) {
    return { done: false, events, waiting: `licensed_user removal held for ${plan.heldRevocations.join(', ')}: annotate ${ANNOTATIONS.confirmLicenseRevocation}: "true" to confirm` };
  }
  return { done: true, events };
}

async function planFor(binding: DashRoleBinding, ref: RealmRef, deleting: boolean, deps: ControllerDeps): Promise<{ plan: BindingPlan; resolved: ResolvedSubject[]; roles: RoleRef[] }> {
  const namespace = binding.metadata.namespace ?? '';
  const specSubjects = binding.spec.subjects;
  const recorded = (binding.status?.subjects ?? [])
    .filter((s) => (s.grants?.length ?? 0) > 0 && !specSubjects.some((x) => statusKey(x) === statusKey(s) || (x.kind === 'Group' && x.name === s.name)))
    .map((s): Subject => (s.kind === 'User' ? { kind: 'User', name: s.name } : { kind: 'Group', path: s.path }));
  const users = managedUsers(binding, deps);
  const resolved = await Promise.all([...specSubjects, ...recorded].map((s) => resolveSubject(s, namespace, ref, users, deps)));
  const roles = await ref.view.roles();
  if (!deleting) await refuseEscalatingRoles(binding, ref);
  const planWith = (subjects: ObservedSubject[]) => planBinding({
    binding: `${namespace}/${binding.metadata.name}`,
    subjects,
    ledger: grantLedger(binding, deleting, deps),
    manageable: new Set(roles.map((r) => r.name)),
    exclusive: ref.realm.spec.roleManagement === 'Exclusive',
    licenseRevocation: ref.realm.spec.licenseRevocation,
    confirmedUsers: confirmedUsers(binding, deps),
  });
  // Plan on the realm view (shared, up to a TTL old); a subject the plan would change is read
  // again from Keycloak and planned anew, so no write rests on a stale view (a role granted by
  // hand a moment ago must count as present, not become ours).
  const keyed = resolved.filter((r) => r.key);
  const viewed = await Promise.all(keyed.map((r) => observeSubject(ref, r, 'view')));
  let plan = planWith(viewed);
  const touched = new Set(plan.steps.map((step) => step.subject));
  if (touched.size > 0) {
    plan = planWith(await Promise.all(keyed.map((r, i) => (touched.has(r.key!) ? observeSubject(ref, r, 'keycloak') : viewed[i]!))));
  }
  return { plan, resolved, roles };
}

/**
 * A binding grants roles of the DashRealm's client only: a role of that client that contains
 * roles of other clients (realm-management's realm-admin, say) would hand out Keycloak
 * administration, so the binding grants nothing while it names one.
 */
async function refuseEscalatingRoles(binding: DashRoleBinding, ref: RealmRef): Promise<void> {
  for (const [index, role] of binding.spec.roles.entries()) {
    const foreign = await ref.view.foreignComposites(role);
    if (foreign.length === 0) continue;
    throw new ReconcileError(ReconcileOutcome.InvalidSpec, REASONS.roleNotAllowed,
      `spec.roles[${index}]: role ${role} of client ${ref.realm.spec.clientId} is a composite that contains roles outside it (${foreign.slice(0, 5).join(', ')}); a DashRoleBinding grants only plain roles of the realm's client`);
  }
}

/** A resolved subject's direct `dash` roles, from the realm view or read from Keycloak now. */
async function observeSubject(ref: RealmRef, r: ResolvedSubject, source: 'view' | 'keycloak'): Promise<ObservedSubject> {
  if (!r.id) return { key: r.key!, present: [] };
  const subject = viewSubject(r.key!, r.id);
  const present = source === 'view'
    ? await ref.view.directRoles(subject)
    : (await ref.kc.listClientRoleMappings(ref.name, subject, ref.clientUuid, 'direct')).map((x) => x.name);
  return { key: r.key!, id: r.id, present };
}

/** Executes the plan; `roles` are the dash client's roles (mappings need their ids). */
async function applyBindingSteps(ref: RealmRef, steps: BindingStep[], roles: readonly RoleRef[]): Promise<EventRequest[]> {
  const refs = (names: string[]) => roles.filter((r) => names.includes(r.name));
  const events: EventRequest[] = [];
  for (const step of steps) {
    const subject = viewSubject(step.subject, step.id);
    switch (step.kind) {
      case 'addRoles':
        await ref.kc.addClientRoleMappings(ref.name, subject, ref.clientUuid, refs(step.roles));
        ref.view.recordMappings(subject, step.roles, 'add');
        events.push({ type: 'Normal', reason: 'Granted', message: `granted ${step.roles.join(', ')} to ${step.subject}` });
        break;
      case 'removeRoles':
        await ref.kc.removeClientRoleMappings(ref.name, subject, ref.clientUuid, refs(step.roles));
        ref.view.recordMappings(subject, step.roles, 'remove');
        events.push({ type: 'Normal', reason: 'Revoked', message: `revoked ${step.roles.join(', ')} from ${step.subject}` });
        break;
    }
  }
  return events;
}

/** The mapping target of a ledger key (`User:<name>` or `Group:<path>`) with its Keycloak id. */
function viewSubject(key: SubjectKey, id: string): ViewSubject {
  return key.startsWith('User:') ? { kind: 'user', id } : { kind: 'group', id, path: key.slice('Group:'.length) };
}

function licenseEvents(binding: DashRoleBinding, plan: BindingPlan): EventRequest[] {
  return [
    ...plan.revokedLicenses.map((u): EventRequest => ({ type: 'Warning', reason: 'LicenseRevoked', message: `removed ${LICENSED_USER_ROLE} from ${u}: the user loses ownership of the Dash apps they own or co-own` })),
    ...plan.heldRevocations.filter((u) => !binding.status?.pendingLicenseRevocations?.some((p) => p.username === u))
      .map((u): EventRequest => ({ type: 'Warning', reason: 'LicenseRevocationHeld', message: `kept ${LICENSED_USER_ROLE} on ${u} until confirmed with ${ANNOTATIONS.confirmLicenseRevocation}: "true" (licenseRevocation: Protect)` })),
  ];
}

function confirmedUsers(binding: DashRoleBinding, deps: ControllerDeps): Set<string> {
  const all = binding.metadata.annotations?.[ANNOTATIONS.confirmLicenseRevocation] === 'true';
  const users = deps.cache.list('DashUser', binding.metadata.namespace)
    .filter((u) => all || u.metadata.annotations?.[ANNOTATIONS.confirmLicenseRevocation] === 'true')
    .map((u) => u.spec.username);
  if (all) binding.spec.subjects.forEach((s) => s.kind === 'User' && s.name && users.push(s.name));
  if (all) (binding.status?.subjects ?? []).forEach((s) => s.kind === 'User' && s.name && users.push(s.name));
  return new Set(users);
}

function groupLicenseWarnings(binding: DashRoleBinding): string[] {
  if (!binding.spec.roles.includes(LICENSED_USER_ROLE)) return [];
  return binding.spec.subjects.filter((s) => s.kind === 'Group')
    .map((s) => `${LICENSED_USER_ROLE} mapped to group ${s.name ?? s.path} is not recommended: Dash Enterprise updates license seat information late for groups; bind it to users directly`);
}

function inSpec(binding: DashRoleBinding, subject: Subject): boolean {
  return binding.spec.subjects.includes(subject);
}
