import type { SubjectKey } from '../subject-id.js';

/** What one DashRoleBinding grants, as the grant ledger sees it. */
export interface BindingGrants {
  /** `namespace/name` of the binding. */
  binding: string;
  roles: readonly string[];
  /** A set: every binding pass asks it for each of its subjects, over every binding of the realm. */
  subjects: ReadonlySet<SubjectKey>;
  /** A binding being deleted grants nothing any more. */
  deleting: boolean;
  /**
   * Roles per subject this binding's status records as operator-granted: written before the
   * mapping (intent), so a recorded role may still be absent from Keycloak.
   */
  owned: ReadonlyMap<SubjectKey, readonly string[]>;
}

/** The role changes for one subject, and the ownership to record. */
export interface SubjectRolePlan {
  /** Roles this binding grants that are missing: each is written only once this binding's status records it. */
  add: string[];
  remove: string[];
  /** Roles this binding records for the subject after the pass: what it adds, and present roles it owns. */
  record: string[];
  /** Present roles nobody granted through a binding: made by hand, never removed in Additive mode. */
  manual: string[];
  /** Present operator-granted roles only this binding records, though another live binding grants them: it must keep its record until that one records them too. */
  handoff: string[];
}

/** Which live bindings grant each role to `subject`: role -> binding keys (sorted). */
export function grantsFor(subject: SubjectKey, bindings: readonly BindingGrants[]): Map<string, string[]> {
  const grants = new Map<string, string[]>();
  for (const b of bindings) {
    if (b.deleting || !b.subjects.has(subject)) continue;
    for (const role of b.roles) grants.set(role, [...(grants.get(role) ?? []), b.binding].sort());
  }
  return grants;
}

/** Roles any binding (live or deleting) recorded as operator-granted for `subject`. */
export function ownedBy(subject: SubjectKey, bindings: readonly BindingGrants[]): Set<string> {
  const owned = new Set<string>();
  for (const b of bindings) for (const role of b.owned.get(subject) ?? []) owned.add(role);
  return owned;
}

/**
 * Roles of `subject` that a live binding other than `self` both grants and records: that
 * binding keeps its record while it grants the role, so `self` may let its own go.
 */
export function recordedByOthers(subject: SubjectKey, self: string, bindings: readonly BindingGrants[]): Set<string> {
  const roles = new Set<string>();
  for (const b of bindings) {
    if (b.binding === self || b.deleting || !b.subjects.has(subject)) continue;
    for (const role of b.owned.get(subject) ?? []) if (b.roles.includes(role)) roles.add(role);
  }
  return roles;
}

/**
 * Reference-counted role plan for one subject, seen from one binding. It adds the roles this
 * binding grants that are missing (not while `addable` is false); removes a present role only
 * when no live binding grants it AND some binding recorded it (or the realm manages roles
 * exclusively). Roles outside `manageable` are never touched. A role present before any
 * binding recorded it is manual: it survives every binding's deletion. A record is dropped
 * only when the role is gone or another live binding that grants it records it too, so the
 * last record of an operator grant is never lost while the grant is in Keycloak.
 */
export function planSubjectRoles(input: {
  granted: ReadonlySet<string>;
  mine: ReadonlySet<string>;
  present: ReadonlySet<string>;
  owned: ReadonlySet<string>;
  myRecord: ReadonlySet<string>;
  recordedByOthers: ReadonlySet<string>;
  manageable: ReadonlySet<string>;
  exclusive: boolean;
  addable: boolean;
}): SubjectRolePlan {
  const { granted, mine, present, owned, myRecord, manageable } = input;
  const add = input.addable ? [...mine].filter((r) => !present.has(r) && manageable.has(r)).sort() : [];
  const remove = [...present]
    .filter((r) => !granted.has(r) && manageable.has(r) && (input.exclusive || owned.has(r)))
    .sort();
  const stays = [...present].filter((r) => !remove.includes(r));
  const keeps = (r: string) => manageable.has(r) && owned.has(r) && (mine.has(r) || (myRecord.has(r) && !input.recordedByOthers.has(r)));
  const record = [...new Set([...add, ...stays.filter(keeps)])].sort();
  const handoff = stays.filter((r) => myRecord.has(r) && !mine.has(r) && !input.recordedByOthers.has(r) && granted.has(r)).sort();
  const manual = stays.filter((r) => !owned.has(r)).sort();
  return { add, remove, record, manual, handoff };
}
