import { grantsFor, ownedBy, planSubjectRoles, type BindingGrants, type SubjectKey } from './grants.js';

/** A subject as observed in Keycloak: its id (undefined: not found yet) and direct dash client roles. */
export interface ObservedSubject {
  key: SubjectKey;
  id?: string;
  present: readonly string[];
}

/** Everything the binding plan needs, gathered by the reconciler. */
export interface BindingPlanInput {
  /** `namespace/name` of the binding being planned. */
  binding: string;
  /** Subjects named by the spec, plus subjects status still records grants for. */
  subjects: readonly ObservedSubject[];
  /** Every binding of the realm (this one included, marked deleting if it is). */
  ledger: readonly BindingGrants[];
  /** Roles that exist on the `dash` client, minus default roles: the only ones ever touched. */
  manageable: ReadonlySet<string>;
  exclusive: boolean;
  licenseRevocation: 'Warn' | 'Protect';
  /** The confirm-license-revocation annotation is set on the binding (or, per user, on the DashUser). */
  confirmedUsers: ReadonlySet<string>;
}

/** One role-mapping change. */
export type BindingStep =
  | { kind: 'addRoles'; subject: SubjectKey; id: string; roles: string[] }
  | { kind: 'removeRoles'; subject: SubjectKey; id: string; roles: string[] };

/** The binding's plan and what its status should record. */
export interface BindingPlan {
  steps: BindingStep[];
  /** Roles per subject this binding now counts as operator-granted. */
  owned: Map<SubjectKey, string[]>;
  /** Usernames whose licensed_user removal is held under Protect. */
  heldRevocations: string[];
  /** Usernames losing licensed_user now (a Warning event each: they lose app ownership). */
  revokedLicenses: string[];
}

const LICENSED = 'licensed_user';

/**
 * Plans role mappings for every subject of one binding with reference counting across the
 * whole ledger: adds what some live binding grants, removes only operator-granted roles no
 * live binding grants any more, and holds a licensed_user removal under Protect until the
 * user's removal is confirmed. Unresolved subjects get no steps.
 */
export function planBinding(input: BindingPlanInput): BindingPlan {
  const plan: BindingPlan = { steps: [], owned: new Map(), heldRevocations: [], revokedLicenses: [] };
  for (const subject of [...input.subjects].sort((a, b) => a.key.localeCompare(b.key))) {
    if (!subject.id) continue;
    const granted = new Set(grantsFor(subject.key, input.ledger).keys());
    const rolePlan = planSubjectRoles({
      granted, present: new Set(subject.present), owned: ownedBy(subject.key, input.ledger),
      manageable: input.manageable, exclusive: input.exclusive,
    });
    let remove = rolePlan.remove;
    const owned = rolePlan.owned;
    const username = subject.key.startsWith('User:') ? subject.key.slice('User:'.length) : undefined;
    if (username && remove.includes(LICENSED)) {
      if (input.licenseRevocation === 'Protect' && !input.confirmedUsers.has(username)) {
        remove = remove.filter((r) => r !== LICENSED);
        owned.push(LICENSED);
        plan.heldRevocations.push(username);
      } else {
        plan.revokedLicenses.push(username);
      }
    }
    if (rolePlan.add.length > 0) plan.steps.push({ kind: 'addRoles', subject: subject.key, id: subject.id, roles: rolePlan.add });
    if (remove.length > 0) plan.steps.push({ kind: 'removeRoles', subject: subject.key, id: subject.id, roles: remove });
    // Record only what this binding grants; ownership of roles others grant stays with them.
    const mine = new Set(input.ledger.find((b) => b.binding === input.binding && !b.deleting)?.roles ?? []);
    const recorded = [...new Set(owned)].filter((r) => mine.has(r) || r === LICENSED && plan.heldRevocations.includes(username ?? '')).sort();
    if (recorded.length > 0) plan.owned.set(subject.key, recorded);
  }
  return plan;
}
