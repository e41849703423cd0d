import { subjectKey, type SubjectId, type SubjectKey } from '../subject-id.js';
import { grantsFor, ownedBy, planSubjectRoles, recordedByOthers, type BindingGrants } from './grants.js';

/**
 * A subject as observed in Keycloak: its id and direct dash client roles. Without an id it
 * could not be observed now: its record is carried over unchanged, unless `missing` says it
 * does not exist in Keycloak (its mappings went with it).
 */
export interface ObservedSubject {
  subject: SubjectId;
  id?: string;
  present: readonly string[];
  missing?: boolean;
  /** False while only this binding's record knows the subject (its DashGroup is gone): revoke, never add. */
  addable?: boolean;
  /** No id yet, and its DashUser will create the user holding the grants recorded for it: record them now. */
  awaitingCreation?: boolean;
  /** Roles recorded for the subject before it existed, which it may hold by hand (its DashUser adopted it): not owned when present. */
  unconfirmed?: readonly string[];
}

/** Everything the binding plan needs, gathered by the reconciler. */
export interface BindingPlanInput {
  /** `namespace/name` of the binding being planned. */
  binding: string;
  /** Subjects named by the spec, plus subjects status still records grants for. */
  subjects: readonly ObservedSubject[];
  /** Every binding of the same Keycloak realm (this one included, marked deleting if it is). */
  ledger: readonly BindingGrants[];
  /** Roles that exist on the `dash` client, minus default roles: the only ones ever touched. */
  manageable: ReadonlySet<string>;
  exclusive: boolean;
  licenseRevocation: 'Warn' | 'Protect';
  /** The confirm-license-revocation annotation is set on the binding (or, per user, on the DashUser). */
  confirmedUsers: ReadonlySet<string>;
}

/** One role-mapping change; `subject` is the key events name it by (apply finds its SubjectId by it). */
export type BindingStep =
  | { kind: 'addRoles'; subject: SubjectKey; id: string; roles: string[] }
  | { kind: 'removeRoles'; subject: SubjectKey; id: string; roles: string[] };

/** The binding's plan and what its status should record. */
export interface BindingPlan {
  steps: BindingStep[];
  /** Roles per subject this binding records after the pass (written to status). */
  owned: Map<SubjectKey, string[]>;
  /** Roles to add that status does not record yet: recorded by this pass, written by the next. */
  pending: Map<SubjectKey, string[]>;
  /** Roles recorded for users whose DashUser will create them holding these (no pass of this binding writes them). */
  awaitingCreation: Map<SubjectKey, string[]>;
  /** Subjects the plan records a new grant for or removes one from: observe them afresh before acting. */
  touched: Set<SubjectKey>;
  /** Per subject, roles only this binding records while another live binding grants them. */
  handoff: Map<SubjectKey, string[]>;
  /** Usernames whose licensed_user removal is held under Protect. */
  heldRevocations: string[];
  /** Usernames losing licensed_user now (a Warning event each: they lose app ownership). */
  revokedLicenses: string[];
}

const LICENSED = 'licensed_user';

/**
 * Plans role mappings for every subject of one binding with reference counting across the
 * whole ledger. Intent before effect: a role is added only once this binding's status
 * records it; a missing role not recorded yet is returned as `pending` (record now, write
 * on the next pass), so a crash or a lost status write can never leave an operator grant
 * that no binding records. A licensed_user removal is held under Protect until confirmed.
 */
export function planBinding(input: BindingPlanInput): BindingPlan {
  const plan: BindingPlan = { steps: [], owned: new Map(), pending: new Map(), awaitingCreation: new Map(), touched: new Set(), handoff: new Map(), heldRevocations: [], revokedLicenses: [] };
  const self = input.ledger.find((b) => b.binding === input.binding);
  const keyed = input.subjects.map((subject) => ({ key: subjectKey(subject.subject), ...subject }));
  for (const subject of keyed.sort((a, b) => a.key.localeCompare(b.key))) {
    const { key } = subject;
    const present = new Set(subject.present);
    // A role recorded before the subject existed and held by an adopted user may be manual.
    const disowned = new Set((subject.unconfirmed ?? []).filter((r) => present.has(r)));
    const myRecord = new Set((self?.owned.get(key) ?? []).filter((r) => !disowned.has(r)));
    const mine = new Set(self && !self.deleting && self.subjects.has(key) ? self.roles : []);
    if (!subject.id) {
      const record = subject.awaitingCreation ? [...mine].filter((r) => input.manageable.has(r)) : subject.missing ? [] : [...myRecord];
      if (record.length > 0) plan.owned.set(key, [...new Set(record)].sort());
      if (subject.awaitingCreation && record.length > 0) plan.awaitingCreation.set(key, [...new Set(record)].sort());
      continue;
    }
    const othersRecord = ownedBy(key, input.ledger.filter((b) => b.binding !== input.binding));
    const rolePlan = planSubjectRoles({
      granted: new Set(grantsFor(key, input.ledger).keys()), mine, present,
      owned: new Set([...othersRecord, ...myRecord]), myRecord, recordedByOthers: recordedByOthers(key, input.binding, input.ledger),
      manageable: input.manageable, exclusive: input.exclusive, addable: subject.addable ?? true,
    });
    const remove = holdLicense(subject.subject, rolePlan.remove, rolePlan.record, input, plan);
    const ready = rolePlan.add.filter((r) => myRecord.has(r));
    const pending = rolePlan.add.filter((r) => !myRecord.has(r));
    if (ready.length > 0) plan.steps.push({ kind: 'addRoles', subject: key, id: subject.id, roles: ready });
    if (remove.length > 0) plan.steps.push({ kind: 'removeRoles', subject: key, id: subject.id, roles: remove });
    if (pending.length > 0) plan.pending.set(key, pending);
    // Recording a new grant or removing one is decided on a fresh read; adding a role status
    // records already is not (Keycloak ignores adding a role the subject holds), unless it was
    // recorded before the subject existed: whether it is held by hand decides whose it is.
    const unconfirmedAdd = ready.some((r) => subject.unconfirmed?.includes(r));
    if (pending.length > 0 || remove.length > 0 || unconfirmedAdd) plan.touched.add(key);
    if (rolePlan.handoff.length > 0) plan.handoff.set(key, rolePlan.handoff);
    const record = [...new Set(rolePlan.record)].sort();
    if (record.length > 0) plan.owned.set(key, record);
  }
  return plan;
}

/** Takes licensed_user out of `remove` under Protect until confirmed (kept in `record`); returns what to remove. */
function holdLicense(subject: SubjectId, remove: string[], record: string[], input: BindingPlanInput, plan: BindingPlan): string[] {
  if (subject.kind !== 'User' || !remove.includes(LICENSED)) return remove;
  const username = subject.name;
  if (input.licenseRevocation === 'Protect' && !input.confirmedUsers.has(username)) {
    record.push(LICENSED);
    plan.heldRevocations.push(username);
    return remove.filter((r) => r !== LICENSED);
  }
  plan.revokedLicenses.push(username);
  return remove;
}
