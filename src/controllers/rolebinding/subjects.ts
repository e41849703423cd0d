import { normalizeGroupPath, type DashResource, type DashRoleBinding, type Subject } from '../../api/index.js';
import type { ControllerDeps } from '../context.js';
import type { RealmRef } from '../realm-ref.js';
import type { BindingGrants, SubjectKey } from './grants.js';

/** A binding subject resolved (or not) to a Keycloak user or group. */
export interface ResolvedSubject {
  subject: Subject;
  key?: SubjectKey;
  id?: string;
  reason?: string;
}

/** The ledger key of a subject, from the cache only (no Keycloak call); undefined when a DashGroup's path is unknown yet. */
export function subjectKey(subject: Subject, namespace: string, deps: ControllerDeps): SubjectKey | undefined {
  if (subject.kind === 'User') return `User:${subject.name ?? ''}`;
  if (subject.path !== undefined) return `Group:${normalizeGroupPath(subject.path)}`;
  const path = deps.cache.get('DashGroup', namespace, subject.name ?? '')?.status?.path;
  return path ? `Group:${path}` : undefined;
}

/** The DashUsers of a binding's namespace and realm by lowercase username, built once per pass. */
export type ManagedUsers = ReadonlyMap<string, DashResource<'DashUser'>>;

export function managedUsers(binding: DashRoleBinding, deps: ControllerDeps): ManagedUsers {
  return new Map(deps.cache.list('DashUser', binding.metadata.namespace)
    .filter((u) => u.spec.realmRef.name === binding.spec.realmRef.name)
    .map((u) => [u.spec.username.toLowerCase(), u]));
}

/**
 * Resolves a subject: a DashUser or DashGroup from the cache first (no Keycloak call; a
 * DashUser not Ready yet is a wait, its id appearing wakes the binding), else an exact lookup
 * in Keycloak (users from an IdP exist only after their first login).
 */
export async function resolveSubject(subject: Subject, namespace: string, ref: RealmRef, users: ManagedUsers, deps: ControllerDeps): Promise<ResolvedSubject> {
  const key = subjectKey(subject, namespace, deps);
  if (subject.kind === 'User') {
    const managed = users.get((subject.name ?? '').toLowerCase());
    if (managed) {
      const id = managed.status?.keycloakId;
      return id ? { subject, key, id } : { subject, key, reason: `DashUser ${managed.metadata.name} is not Ready yet` };
    }
    const id = (await ref.kc.findUserByUsername(ref.name, subject.name ?? ''))?.id;
    return id ? { subject, key, id } : { subject, key, reason: `user ${subject.name} not found in realm ${ref.name} (a user from an identity provider exists after the first login)` };
  }
  if (subject.name !== undefined) {
    const group = deps.cache.get('DashGroup', namespace, subject.name);
    const id = group?.status?.keycloakId;
    return id && key ? { subject, key, id } : { subject, key, reason: `DashGroup ${subject.name} ${group ? 'is not Ready yet' : 'does not exist'}` };
  }
  const path = normalizeGroupPath(subject.path ?? '');
  const group = await ref.kc.findGroupByPath(ref.name, path);
  return group ? { subject, key, id: group.id } : { subject, key, reason: `group ${path} not found in realm ${ref.name}` };
}

/** The grant ledger of a realm: every binding in the namespace that targets the same DashRealm. */
export function grantLedger(binding: DashRoleBinding, deletingSelf: boolean, deps: ControllerDeps): BindingGrants[] {
  const namespace = binding.metadata.namespace ?? '';
  return deps.cache.list('DashRoleBinding', namespace)
    .filter((b) => b.spec.realmRef.name === binding.spec.realmRef.name)
    .map((b) => {
      const self = b.metadata.name === binding.metadata.name;
      const source = self ? binding : b;
      return {
        binding: `${namespace}/${b.metadata.name}`,
        roles: source.spec.roles,
        subjects: source.spec.subjects.map((s) => subjectKey(s, namespace, deps)).filter((k): k is SubjectKey => k !== undefined),
        deleting: self ? deletingSelf : b.metadata.deletionTimestamp !== undefined,
        owned: new Map((source.status?.subjects ?? [])
          .map((s) => [statusKey(s), s.grants ?? []] as const)
          .filter((e): e is readonly [SubjectKey, string[]] => e[0] !== undefined)),
      };
    });
}

/** The ledger key of a subject as status recorded it. */
export function statusKey(s: { kind: string; name?: string; path?: string }): SubjectKey | undefined {
  if (s.kind === 'User' && s.name) return `User:${s.name}`;
  if (s.kind === 'Group' && s.path) return `Group:${normalizeGroupPath(s.path)}`;
  return undefined;
}
