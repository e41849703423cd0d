import type { DashUser } from '../../api/index.js';
import type { RoleRef } from '../../keycloak/port.js';
import type { ControllerDeps } from '../context.js';
import type { RealmRef } from '../realm-ref.js';
import { LICENSED_ROLE } from '../seat-gate.js';
import { Index, subjectValue } from '../wake-ups.js';

/** Roles a new user is created holding, and the bindings that recorded them (for the event). */
export interface GrantsAtCreation {
  roles: RoleRef[];
  bindings: string[];
}

/**
 * The roles DashRoleBindings have recorded for this user while it did not exist in Keycloak
 * (rolebinding/plan.ts records them for a DashUser that will create its user): the DashUser
 * creates the user holding them, so the user's first status is final and no binding pass has
 * to map them afterwards. Intent before effect still holds: each role is in a binding's status
 * before it is written. Only live bindings of the user's namespace and realm that still grant
 * the role count, and only plain roles of the realm's client (the bindings' own rule: a role
 * containing roles of another client is never granted).
 */
export async function grantsAtCreation(ref: RealmRef, user: DashUser, deps: ControllerDeps): Promise<GrantsAtCreation> {
  const username = user.spec.username.toLowerCase();
  const bindings = deps.cache.byIndex('DashRoleBinding', Index.bySubject, subjectValue(user.metadata.namespace, 'User', user.spec.username))
    .filter((b) => b.spec.realmRef.name === user.spec.realmRef.name && b.metadata.deletionTimestamp === undefined);
  const recorded = new Map<string, string[]>();
  for (const b of bindings) {
    const entry = b.status?.subjects?.find((s) => s.kind === 'User' && s.name?.toLowerCase() === username);
    for (const role of entry?.grants ?? []) {
      // Under spec.licenseSeats a seat is taken only through the binding's seat check (seat-gate.ts).
      if (role === LICENSED_ROLE && ref.realm.spec.licenseSeats !== undefined) continue;
      if (b.spec.roles.includes(role)) recorded.set(role, [...(recorded.get(role) ?? []), b.metadata.name]);
    }
  }
  if (recorded.size === 0) return { roles: [], bindings: [] };
  const plain = await Promise.all([...recorded.keys()].map(async (name) => ((await ref.view.foreignComposites(name)).length === 0 ? name : undefined)));
  const roles = (await ref.view.roles()).filter((r) => plain.includes(r.name)).sort((a, b) => a.name.localeCompare(b.name));
  return { roles, bindings: [...new Set(roles.flatMap((r) => recorded.get(r.name) ?? []))].sort() };
}
