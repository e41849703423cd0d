/** A subject of a DashRoleBinding, resolved to a stable key: `User:<username>` or `Group:<path>`. */
export type SubjectKey = `User:${string}` | `Group:${string}`;

/** What one DashRoleBinding grants, as the grant ledger sees it. */
export interface BindingGrants {
  /** `namespace/name` of the binding. */
  binding: string;
  roles: readonly string[];
  subjects: readonly SubjectKey[];
  /** A binding being deleted grants nothing any more. */
  deleting: boolean;
  /** Roles per subject this binding recorded as operator-granted (from its status). */
  owned: ReadonlyMap<SubjectKey, readonly string[]>;
}

/** The role changes for one subject, and the ownership to record. */
export interface SubjectRolePlan {
  add: string[];
  remove: string[];
  /** Present roles the operator counts as its own grants (removable once nobody grants them). */
  owned: string[];
  /** Present roles nobody granted through a binding: made by hand, never removed in Additive mode. */
  manual: string[];
}

/** Which live bindings grant each role to `subject`: role -> binding keys (sorted). */
export function grantsFor(subject: SubjectKey, bindings: readonly BindingGrants[]): Map<string, string[]> {
  const grants = new Map<string, string[]>();
  for (const b of bindings) {
    if (b.deleting || !b.subjects.includes(subject)) continue;
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
 * Reference-counted role plan for one subject. A role is added when some live binding
 * grants it and it is missing; removed only when no live binding grants it AND the operator
 * granted it (or the realm manages roles exclusively). Roles outside `manageable` (default
 * roles, unknown names) are never removed. A role that was already present when first
 * granted is manual: it survives the binding's deletion.
 */
export function planSubjectRoles(input: {
  granted: ReadonlySet<string>;
  present: ReadonlySet<string>;
  owned: ReadonlySet<string>;
  manageable: ReadonlySet<string>;
  exclusive: boolean;
}): SubjectRolePlan {
  const { granted, present, owned, manageable, exclusive } = input;
  const add = [...granted].filter((r) => !present.has(r) && manageable.has(r)).sort();
  const remove = [...present]
    .filter((r) => !granted.has(r) && manageable.has(r) && (exclusive || owned.has(r)))
    .sort();
  const stays = [...present].filter((r) => !remove.includes(r));
  const ownedAfter = [...new Set([...add, ...stays.filter((r) => owned.has(r) && granted.has(r))])].sort();
  const manual = stays.filter((r) => !owned.has(r)).sort();
  return { add, remove, owned: ownedAfter, manual };
}
