import { ANNOTATIONS, LICENSED_USER_ROLE, REASONS, type DashRoleBinding, type DashRoleBindingStatus, type Subject } from '../../api/index.js';
import type { RoleRef } from '../../keycloak/port.js';
import type { ConditionRequest, EventRequest, FinalizeResult, ReconcileResult } from '../../runtime/index.js';
import type { ControllerDeps } from '../context.js';
import { invalidSpec } from '../errors.js';
import { realmGone, resolveRealm, type RealmRef } from '../realm-ref.js';
import { planBinding, type BindingPlan, type BindingStep, type ObservedSubject } from './plan.js';
import { grantsFor, type BindingGrants, type SubjectKey } from './grants.js';
import { grantLedger, managedUsers, recordedGrants, resolveSubject, subjectKey, type ResolvedSubject } from './subjects.js';
import type { ViewSubject } from '../realm-view.js';

/** Backstop for the pass that writes recorded grants (the status write itself wakes it). */
const PENDING_RECHECK_MS = 2_000;

/**
 * Reconciles one DashRoleBinding against the grant ledger of its Keycloak realm: every subject
 * gets what this binding grants; roles leave only when no binding grants them any more. A
 * grant is written to Keycloak only after this binding's status records it, so ownership
 * survives a crash or a lost status write at any point.
 */
export async function reconcileBinding(binding: DashRoleBinding, deps: ControllerDeps): Promise<ReconcileResult<DashRoleBindingStatus>> {
  const ref = await resolveRealm(binding.metadata.namespace ?? '', binding.spec.realmRef, deps);
  const { plan, resolved, roles } = await planFor(binding, ref, false, deps);
  const events = await applyBindingSteps(ref, plan.steps, roles);
  events.push(...licenseEvents(binding, plan));
  // Reading ourselves through the tracking cache makes the status write that records the
  // pending grants wake this binding as soon as the cache holds it; only then are they written.
  if (plan.pending.size > 0) deps.cache.get('DashRoleBinding', binding.metadata.namespace ?? '', binding.metadata.name);
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
      subjects: resolved.filter((r) => r.inSpec || (plan.owned.get(r.key ?? 'User:') ?? []).length > 0).map((r) => ({
        kind: r.subject.kind,
        name: r.subject.name,
        path: r.key?.startsWith('Group:') ? r.key.slice('Group:'.length) : undefined,
        resolved: r.id !== undefined && !r.recordOnly,
        reason: r.reason,
        grants: r.key ? plan.owned.get(r.key) : undefined,
        pending: r.key ? plan.pending.get(r.key) : undefined,
      })),
      pendingLicenseRevocations: held,
      warnings,
    },
    conditions,
    events,
    requeueAfterMs: plan.pending.size > 0 ? PENDING_RECHECK_MS : undefined,
    progressing: plan.pending.size > 0 ? `recorded new grants for ${plan.pending.size} subject(s); they are mapped in Keycloak on the next pass` : undefined,
  };
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
  const { plan, roles, ledger } = await planFor(binding, ref, true, deps);
  const events = await applyBindingSteps(ref, plan.steps, roles);
  events.push(...licenseEvents(binding, plan));
  if (plan.heldRevocations.length > 0) {
    return { done: false, events, waiting: `licensed_user removal held for ${plan.heldRevocations.join(', ')}: annotate ${ANNOTATIONS.confirmLicenseRevocation}: "true" to confirm` };
  }
  const [handoff] = [...plan.handoff];
  if (handoff) {
    const [subject, held] = handoff;
    const others = [...new Set(held.flatMap((role) => grantsFor(subject, ledger).get(role) ?? []))].sort();
    return { done: false, events, waiting: `${held.join(', ')} of ${subject} stays: DashRoleBinding ${others.join(', ')} grants it too and has not recorded it yet (${plan.handoff.size} subject(s) waiting)` };
  }
  return { done: true, events };
}

type Resolved = ResolvedSubject & { inSpec: boolean };

async function planFor(binding: DashRoleBinding, ref: RealmRef, deleting: boolean, deps: ControllerDeps): Promise<{ plan: BindingPlan; resolved: Resolved[]; roles: RoleRef[]; ledger: BindingGrants[] }> {
  const namespace = binding.metadata.namespace ?? '';
  const users = managedUsers(binding, deps);
  const specKeys = binding.spec.subjects.map((s) => subjectKey(s, namespace, deps, binding));
  const extras = [...recordedGrants(binding, deps).keys()].filter((k) => !specKeys.includes(k)).map(subjectOf);
  const resolved: Resolved[] = await Promise.all([
    ...binding.spec.subjects.map(async (s, i) => ({ ...(await resolveSubject(s, namespace, ref, users, deps, specKeys[i])), inSpec: true })),
    ...extras.map(async (s) => ({ ...(await resolveSubject(s, namespace, ref, users, deps)), inSpec: false })),
  ]);
  const roles = await ref.view.roles();
  if (!deleting) await refuseEscalatingRoles(binding, ref);
  const ledger = grantLedger(binding, ref, deleting, deps);
  trackSharingBindings(binding, ledger, resolved, deps);
  const planWith = (subjects: ObservedSubject[]) => planBinding({
    binding: `${namespace}/${binding.metadata.name}`,
    subjects,
    ledger,
    manageable: new Set(roles.map((r) => r.name)),
    exclusive: ref.realm.spec.roleManagement === 'Exclusive',
    licenseRevocation: ref.realm.spec.licenseRevocation,
    confirmedUsers: confirmedUsers(binding, deps),
  });
  // Plan on the realm view (shared, up to a TTL old); a subject the plan would change (or
  // record a grant for) is read again from Keycloak and planned anew, so neither a write nor
  // a recorded intent rests on a stale view (a role granted by hand a moment ago is manual).
  // Cleanup reads every subject from Keycloak: it runs once, and a view older than a grant it
  // must take back would plan nothing for it.
  const keyed = uniqueByKey(resolved);
  const viewed = await Promise.all(keyed.map((r) => observeSubject(ref, r, deleting ? 'keycloak' : 'view')));
  let plan = planWith(viewed);
  if (plan.touched.size > 0 && !deleting) {
    plan = planWith(await Promise.all(keyed.map((r, i) => (plan.touched.has(r.key!) ? observeSubject(ref, r, 'keycloak') : viewed[i]!))));
  }
  return { plan, resolved, roles, ledger };
}

/**
 * Reads, through the tracking cache, every other binding of the ledger that shares a subject
 * with this one: when one of them records or drops a grant (or goes), this binding runs again
 * and takes its share of the ownership, so no record is lost when the other is deleted.
 */
function trackSharingBindings(binding: DashRoleBinding, ledger: readonly BindingGrants[], resolved: readonly ResolvedSubject[], deps: ControllerDeps): void {
  const self = `${binding.metadata.namespace ?? ''}/${binding.metadata.name}`;
  const keys = new Set(resolved.flatMap((r) => (r.key ? [r.key] : [])));
  for (const other of ledger) {
    if (other.binding === self || !(other.subjects.some((k) => keys.has(k)) || [...other.owned.keys()].some((k) => keys.has(k)))) continue;
    const [ns = '', name = ''] = other.binding.split('/');
    deps.cache.get('DashRoleBinding', ns, name);
  }
}

/** A subject only status still records grants for, rebuilt from its ledger key. */
function subjectOf(key: SubjectKey): Subject {
  return key.startsWith('User:') ? { kind: 'User', name: key.slice('User:'.length) } : { kind: 'Group', path: key.slice('Group:'.length) };
}

/** One entry per ledger key (a group named by DashGroup and by path is one subject), preferring a resolved one. */
function uniqueByKey(resolved: readonly ResolvedSubject[]): ResolvedSubject[] {
  const byKey = new Map<SubjectKey, ResolvedSubject>();
  for (const r of resolved) if (r.key && (!byKey.has(r.key) || (r.id && !byKey.get(r.key)?.id))) byKey.set(r.key, r);
  return [...byKey.values()];
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
    throw invalidSpec(`spec.roles[${index}]: role ${role} of client ${ref.realm.spec.clientId} is a composite that contains roles outside it (${foreign.slice(0, 5).join(', ')}); a DashRoleBinding grants only plain roles of the realm's client`, REASONS.roleNotAllowed);
  }
}

/** A resolved subject's direct `dash` roles, from the realm view or read from Keycloak now. */
async function observeSubject(ref: RealmRef, r: ResolvedSubject, source: 'view' | 'keycloak'): Promise<ObservedSubject> {
  if (!r.id) return { key: r.key!, present: [], missing: r.missing };
  const subject = viewSubject(r.key!, r.id);
  const present = source === 'view'
    ? await ref.view.directRoles(subject)
    : (await ref.kc.listClientRoleMappings(ref.name, subject, ref.clientUuid, 'direct')).map((x) => x.name);
  return { key: r.key!, id: r.id, present, addable: !r.recordOnly };
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
  return new Set(users.map((u) => u.toLowerCase()));
}

function groupLicenseWarnings(binding: DashRoleBinding): string[] {
  if (!binding.spec.roles.includes(LICENSED_USER_ROLE)) return [];
  return binding.spec.subjects.filter((s) => s.kind === 'Group')
    .map((s) => `${LICENSED_USER_ROLE} mapped to group ${s.name ?? s.path} is not recommended: Dash Enterprise updates license seat information late for groups; bind it to users directly`);
}
