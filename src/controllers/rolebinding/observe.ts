import { ANNOTATIONS, REASONS, type DashRoleBinding } from '../../api/index.js';
import type { RoleRef } from '../../keycloak/port.js';
import type { ControllerDeps } from '../context.js';
import { invalidSpec } from '../errors.js';
import type { RealmRef } from '../realm-ref.js';
import type { RoleHolder } from '../realm-view.js';
import { roleSubject, subjectKey, type SubjectId, type SubjectKey } from '../subject-id.js';
import type { BindingGrants } from './grants.js';
import type { BindingPlan, ObservedSubject } from './plan.js';
import { grantLedger, managedUsers, recordedSubjects, resolveSubject, subjectIdOf, type ManagedUsers, type ResolvedSubject } from './subjects.js';
import { groupReporter, userReporter, type Reporter } from '../reported.js';
import { Index, inNamespace } from '../wake-ups.js';

/** A resolved subject, and whether the spec names it (else only status still records grants for it). */
export type Resolved = ResolvedSubject & { inSpec: boolean };

/** A subject whose identity is known: one per key; `unconfirmed` as in ObservedSubject. */
type Keyed = Resolved & { subjectId: SubjectId; key: SubjectKey; unconfirmed?: readonly string[] };

/** Everything a binding pass reads before it plans. */
export interface BindingObservation {
  /** Spec subjects in spec order, then subjects only status records grants for. */
  resolved: Resolved[];
  /** One per key, with its direct dash roles, in the order of `keyed`. */
  subjects: ObservedSubject[];
  keyed: Keyed[];
  /** The dash client's roles. */
  roles: RoleRef[];
  ledger: BindingGrants[];
  confirmedUsers: Set<string>;
  /** Per key, the DashUser or DashGroup whose status reports what the subject holds (none when unmanaged). */
  reporters: Map<SubjectKey, Reporter | undefined>;
}

/**
 * Resolves the binding's subjects (spec, then those status records grants for), reads the
 * ledger and each subject's direct roles: from the realm view, or from Keycloak (`keycloak`,
 * for cleanup: it runs once, and a view older than a grant it must take back would miss it).
 * A live binding that names an escalating role is refused before anything is read per subject.
 */
export async function observeBinding(binding: DashRoleBinding, ref: RealmRef, deleting: boolean, deps: ControllerDeps): Promise<BindingObservation> {
  const namespace = binding.metadata.namespace ?? '';
  const users = managedUsers(binding, deps);
  const specIds = binding.spec.subjects.map((s) => subjectIdOf(s, namespace, deps, binding));
  const specKeys = specIds.map((id) => id && subjectKey(id));
  // A SubjectId is a valid spec subject: a user by name, a group by path.
  const extras = [...recordedSubjects(binding, deps)].filter(([key]) => !specKeys.includes(key)).map(([, r]) => r.subjectId);
  const resolved: Resolved[] = await Promise.all([
    ...binding.spec.subjects.map(async (s, i) => ({ ...(await resolveSubject(s, namespace, ref, users, deps, specIds[i])), inSpec: true })),
    ...extras.map(async (s) => ({ ...(await resolveSubject(s, namespace, ref, users, deps)), inSpec: false })),
  ]);
  const roles = await ref.view.roles();
  if (!deleting) await refuseEscalatingRoles(binding, ref);
  const ledger = grantLedger(binding, ref, deleting, deps);
  trackSharingBindings(binding, ledger, resolved, deps);
  const keyed = uniqueByKey(resolved);
  const keyedWithHistory = keyed.map((r) => ({ ...r, unconfirmed: r.id ? recordedBeforeAdoption(binding, r.subjectId, users) : undefined }));
  const subjects = await Promise.all(keyedWithHistory.map((r) => observeSubject(ref, r, deleting ? 'keycloak' : 'view')));
  const reporters = new Map(keyed.map((r) => [r.key, reporterOf(binding, r.subjectId, users, deps)]));
  return { resolved, subjects, keyed: keyedWithHistory, roles, ledger, confirmedUsers: confirmedUsers(binding, deps), reporters };
}

/** The DashUser (by username) or DashGroup (by path) of the binding's realm that reports what a subject holds. */
function reporterOf(binding: DashRoleBinding, subject: SubjectId, users: ManagedUsers, deps: ControllerDeps): Reporter | undefined {
  if (subject.kind === 'User') return userReporter(users.get(subject.name));
  return groupReporter(deps.cache.byIndex('DashGroup', Index.byPath, inNamespace(binding.metadata.namespace, subject.path))
    .find((g) => g.spec.realmRef.name === binding.spec.realmRef.name));
}

/**
 * From how many touched subjects a binding pass reads them again through one new load of the
 * realm view instead of one request each. A load of the view's roles (role graph, holder lists
 * in pages of 1,000) was about 30 requests at 5,000 users; bindings applied after their users
 * (a GitOps sync in file order) touch most of their subjects at once: at 5,000 users, 3,899
 * reads of single users' mappings in one converge.
 */
export const FRESH_VIEW_MIN_SUBJECTS = 30;

/**
 * The subjects `plan` records a new grant for or removes one from, read again from Keycloak:
 * each on its own, or all from a load of the realm view started now (as fresh, a few pages);
 * undefined when there are none.
 */
export async function rereadTouched(ref: RealmRef, plan: BindingPlan, viewed: BindingObservation): Promise<BindingObservation | undefined> {
  if (plan.touched.size === 0) return undefined;
  const source = plan.touched.size >= FRESH_VIEW_MIN_SUBJECTS ? await ref.view.freshDirectRoles() : 'keycloak';
  const subjects = await Promise.all(viewed.keyed.map((r, i) => (plan.touched.has(r.key) ? observeSubject(ref, r, source) : viewed.subjects[i]!)));
  return { ...viewed, subjects };
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
    if (other.binding === self || !([...keys].some((k) => other.subjects.has(k)) || [...other.owned.keys()].some((k) => keys.has(k)))) continue;
    const [ns = '', name = ''] = other.binding.split('/');
    deps.cache.get('DashRoleBinding', ns, name);
  }
}

/** One entry per key (a group named by DashGroup and by path is one subject), preferring a resolved one. */
function uniqueByKey(resolved: readonly Resolved[]): Keyed[] {
  const byKey = new Map<SubjectKey, Keyed>();
  for (const r of resolved) {
    if (!r.subjectId || !r.key) continue;
    if (!byKey.has(r.key) || (r.id && !byKey.get(r.key)?.id)) byKey.set(r.key, { ...r, subjectId: r.subjectId, key: r.key });
  }
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
    throw invalidSpec(
      `spec.roles[${index}]: role ${role} of client ${ref.realm.spec.clientId} is a composite that contains roles outside it (${foreign.slice(0, 5).join(', ')}); a DashRoleBinding grants only plain roles of the realm's client`,
      REASONS.roleNotAllowed,
    );
  }
}

/**
 * Grants this binding recorded for a user before the user existed in Keycloak (status says
 * unresolved, grants pending), when its DashUser then adopted an existing user instead of
 * creating one: that user may hold those roles by hand, so holding them proves nothing.
 */
function recordedBeforeAdoption(binding: DashRoleBinding, subject: SubjectId, users: ManagedUsers): string[] | undefined {
  if (subject.kind !== 'User' || users.get(subject.name.toLowerCase())?.status?.adopted !== true) return undefined;
  const entry = binding.status?.subjects?.find((s) => s.kind === 'User' && s.name?.toLowerCase() === subject.name.toLowerCase());
  return entry && !entry.resolved ? entry.pending : undefined;
}

/**
 * A resolved subject's direct `dash` roles: from the realm view, from a fresh load of it
 * (`freshDirectRoles`), or read from Keycloak now.
 */
async function observeSubject(ref: RealmRef, r: Keyed, source: 'view' | 'keycloak' | ((holder: RoleHolder) => string[])): Promise<ObservedSubject> {
  if (!r.id) return { subject: r.subjectId, present: [], missing: r.missing, awaitingCreation: r.awaitingCreation };
  const target = { ...r.subjectId, id: r.id };
  const present = source === 'view' ? await ref.view.directRoles(target)
    : source === 'keycloak' ? (await ref.kc.listClientRoleMappings(ref.name, roleSubject(target), ref.clientUuid, 'direct')).map((x) => x.name)
    : source(target);
  return { subject: r.subjectId, id: r.id, present, addable: !r.recordOnly, unconfirmed: r.unconfirmed };
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
