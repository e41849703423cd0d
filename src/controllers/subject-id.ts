import { normalizeGroupPath } from '../api/rules.js';
import type { RoleSubject } from '../keycloak/port.js';

/**
 * A user or group that dash client roles are mapped to, as the operator tells them apart from
 * pass to pass: a user by username (lowercase, as Keycloak stores it; not by id, since a user a
 * binding names may not exist yet), a group by path (`Parent/child`). Named apart from api's
 * `Subject`, which is a spec entry (it may name a DashGroup instead of a path) that resolves to
 * a SubjectId. A SubjectId is itself a valid `Subject`.
 */
export type SubjectId = { readonly kind: 'User'; readonly name: string } | { readonly kind: 'Group'; readonly path: string };

/** The string form of a SubjectId (`User:alice`, `Group:Parent/child`), made only by `subjectKey`; never parsed back. */
export type SubjectKey = `User:${string}` | `Group:${string}`;

/** A SubjectId found in Keycloak, with its id: what a role mapping is written to. */
export type MappingTarget = SubjectId & { readonly id: string };

/** The user a username names (usernames are case-insensitive in Keycloak). */
export function userSubject(username: string): SubjectId {
  return { kind: 'User', name: username.toLowerCase() };
}

/** The group a path names, with or without leading and trailing slashes. */
export function groupSubject(path: string): SubjectId {
  return { kind: 'Group', path: normalizeGroupPath(path) };
}

/** The key of a subject: how maps and the grant ledger index it, and how events and messages print it. */
export function subjectKey(subject: SubjectId): SubjectKey {
  return subject.kind === 'User' ? `User:${subject.name}` : `Group:${subject.path}`;
}

/** The Keycloak port's name for a mapping target. */
export function roleSubject(target: MappingTarget): RoleSubject {
  return { kind: target.kind === 'User' ? 'user' : 'group', id: target.id };
}
