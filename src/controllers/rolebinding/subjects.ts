import { ANNOTATIONS, normalizeGroupPath, type DashRealm, type DashResource, type DashRoleBinding, type Subject } from '../../api/index.js';
import type { ControllerDeps } from '../context.js';
import type { RealmRef } from '../realm-ref.js';
import { groupSubject, subjectKey, userSubject, type SubjectId, type SubjectKey } from '../subject-id.js';
import type { BindingGrants } from './grants.js';
import { Index, inNamespace } from '../wake-ups.js';

/** A binding subject resolved (or not) to a Keycloak user or group. */
export interface ResolvedSubject {
  subject: Subject;
  /** Whom the spec entry names; undefined for a DashGroup whose path is not known. */
  subjectId?: SubjectId;
  key?: SubjectKey;
  id?: string;
  reason?: string;
  /** Keycloak said there is no such user or group. */
  missing?: boolean;
  /** Known only from this binding's record (its DashGroup is gone): grants are kept and revoked, never added. */
  recordOnly?: boolean;
  /**
   * A DashUser that will create its Keycloak user (no id yet, not adopting one): grants are
   * recorded for it now, and the DashUser creates the user holding them (user/grants-at-creation.ts).
   */
  awaitingCreation?: boolean;
}

/**
 * Whom a spec subject names, from the cache only (no Keycloak call). A DashGroup's path comes
 * from its status; while the DashGroup is gone (or has no path yet), from the path the
 * binding's own status recorded for it, so its grants stay tracked; else undefined.
 */
export function subjectIdOf(subject: Subject, namespace: string, deps: ControllerDeps, binding?: DashRoleBinding): SubjectId | undefined {
  if (subject.kind === 'User') return userSubject(subject.name ?? '');
  if (subject.path !== undefined) return groupSubject(subject.path);
  const path = deps.cache.get('DashGroup', namespace, subject.name ?? '')?.status?.path ?? recordedPath(binding, subject.name);
  return path ? groupSubject(path) : undefined;
}

function recordedPath(binding: DashRoleBinding | undefined, name: string | undefined): string | undefined {
  return binding?.status?.subjects?.find((s) => s.kind === 'Group' && s.name === name && s.path && (s.grants?.length ?? 0) > 0)?.path;
}

/** The DashUsers of a binding's namespace and realm by lowercase username, built once per pass. */
export type ManagedUsers = ReadonlyMap<string, DashResource<'DashUser'>>;

/** The DashUsers of the binding's namespace that belong to its realm, by lowercase username. */
export function managedUsers(binding: DashRoleBinding, deps: ControllerDeps): ManagedUsers {
  return new Map(deps.cache.byIndex('DashUser', Index.byRealm, inNamespace(binding.metadata.namespace, binding.spec.realmRef.name))
    .map((u) => [u.spec.username.toLowerCase(), u]));
}

/**
 * Resolves a subject: a DashUser or DashGroup from the cache first (no Keycloak call; a
 * DashUser not Ready yet is a wait, its id appearing wakes the binding), else an exact lookup
 * in Keycloak (users from an IdP exist only after their first login). A DashGroup that is gone
 * is looked up by the path this binding recorded grants for (`subjectId`), so they can be revoked.
 */
export async function resolveSubject(subject: Subject, namespace: string, ref: RealmRef, users: ManagedUsers, deps: ControllerDeps, subjectId = subjectIdOf(subject, namespace, deps)): Promise<ResolvedSubject> {
  const found = await findSubject(subject, namespace, ref, users, deps, subjectId);
  return subjectId ? { subject, subjectId, key: subjectKey(subjectId), ...found } : { subject, ...found };
}

async function findSubject(subject: Subject, namespace: string, ref: RealmRef, users: ManagedUsers, deps: ControllerDeps, subjectId: SubjectId | undefined): Promise<Omit<ResolvedSubject, 'subject' | 'subjectId' | 'key'>> {
  if (subject.kind === 'User') {
    const managed = users.get((subject.name ?? '').toLowerCase());
    if (managed) {
      const id = managed.status?.keycloakId;
      return id ? { id } : { reason: `DashUser ${managed.metadata.name} is not Ready yet`, awaitingCreation: willCreate(managed) };
    }
    const id = (await ref.kc.findUserByUsername(ref.name, subject.name ?? ''))?.id;
    return id ? { id } : { missing: true, reason: `user ${subject.name} not found in realm ${ref.name} (a user from an identity provider exists after the first login)` };
  }
  if (subject.name !== undefined) {
    const group = deps.cache.get('DashGroup', namespace, subject.name);
    const id = group?.status?.keycloakId;
    if (id && subjectId) return { id };
    const reason = `DashGroup ${subject.name} ${group ? 'is not Ready yet' : 'does not exist'}`;
    if (group || subjectId?.kind !== 'Group') return { reason };
    const found = await ref.kc.findGroupByPath(ref.name, subjectId.path);
    return { id: found?.id, missing: !found, recordOnly: true, reason };
  }
  const path = normalizeGroupPath(subject.path ?? '');
  const group = await ref.kc.findGroupByPath(ref.name, path);
  return group ? { id: group.id } : { missing: true, reason: `group ${path} not found in realm ${ref.name}` };
}

/**
 * Whether a DashUser without a Keycloak id will create its user: it is not being deleted and
 * does not adopt (an adopted user may hold roles by hand; grants for it wait for its id).
 */
function willCreate(user: DashResource<'DashUser'>): boolean {
  return user.metadata.deletionTimestamp === undefined && user.metadata.annotations?.[ANNOTATIONS.adopt] !== 'true';
}

/** The roles a binding's status records per subject, by key: see `recordedSubjects`. */
export function recordedGrants(binding: DashRoleBinding, deps: ControllerDeps): Map<SubjectKey, string[]> {
  return new Map([...recordedSubjects(binding, deps)].map(([key, r]) => [key, r.grants]));
}

/**
 * The subjects a binding's status records grants for, by key, with the roles. An entry of a
 * Group named by DashGroup is filed under that subject's current key, so a record made under
 * an older path (the group was renamed or moved) still counts for it.
 */
export function recordedSubjects(binding: DashRoleBinding, deps: ControllerDeps): Map<SubjectKey, { subjectId: SubjectId; grants: string[] }> {
  const namespace = binding.metadata.namespace ?? '';
  const out = new Map<SubjectKey, { subjectId: SubjectId; grants: string[] }>();
  for (const s of binding.status?.subjects ?? []) {
    if ((s.grants?.length ?? 0) === 0) continue;
    const named = s.kind === 'Group' && s.name !== undefined ? binding.spec.subjects.find((x) => x.kind === 'Group' && x.name === s.name) : undefined;
    const subjectId = (named && subjectIdOf(named, namespace, deps, binding)) ?? statusSubjectId(s);
    if (!subjectId) continue;
    const key = subjectKey(subjectId);
    out.set(key, { subjectId, grants: [...new Set([...(out.get(key)?.grants ?? []), ...(s.grants ?? [])])].sort() });
  }
  return out;
}

/** Which Keycloak realm a DashRealm's objects live in: server URL plus realm name. */
export function ledgerKey(url: string, realm: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}|${realm}`;
  } catch {
    return `${url.replace(/\/+$/, '')}|${realm}`;
  }
}

/**
 * The grant ledger of a Keycloak realm: every binding (any watched namespace) whose DashRealm
 * targets the same server URL and realm name as `ref`, plus those of the same DashRealm. The
 * binding being planned is taken as given (`deletingSelf` marks it deleting).
 */
export function grantLedger(binding: DashRoleBinding, ref: RealmRef, deletingSelf: boolean, deps: ControllerDeps): BindingGrants[] {
  const namespace = binding.metadata.namespace ?? '';
  const target = ledgerKey(ref.kc.url, ref.name);
  const realms = new Map(deps.cache.list('DashRealm').map((r): [string, DashRealm] => [`${r.metadata.namespace ?? ''}/${r.metadata.name}`, r]));
  const sameRealm = (b: DashRoleBinding) => {
    const ns = b.metadata.namespace ?? '';
    if (ns === namespace && b.spec.realmRef.name === binding.spec.realmRef.name) return true;
    const realm = realms.get(`${ns}/${b.spec.realmRef.name}`);
    return realm?.status?.keycloakUrl !== undefined && ledgerKey(realm.status.keycloakUrl, realm.spec.realm) === target;
  };
  const isSelf = (b: DashRoleBinding) => (b.metadata.namespace ?? '') === namespace && b.metadata.name === binding.metadata.name;
  const all = deps.cache.list('DashRoleBinding').filter(sameRealm);
  return (all.some(isSelf) ? all : [...all, binding]).map((b) => {
    const self = isSelf(b);
    const source = self ? binding : b;
    const ns = source.metadata.namespace ?? '';
    return {
      binding: `${ns}/${source.metadata.name}`,
      roles: source.spec.roles,
      subjects: new Set(source.spec.subjects.flatMap((s) => { const id = subjectIdOf(s, ns, deps, source); return id ? [subjectKey(id)] : []; })),
      deleting: self ? deletingSelf : source.metadata.deletionTimestamp !== undefined,
      owned: recordedGrants(source, deps),
    };
  });
}

/** Whom a status entry names (status records a user by name, a group by path). */
function statusSubjectId(s: { kind: string; name?: string; path?: string }): SubjectId | undefined {
  if (s.kind === 'User' && s.name) return userSubject(s.name);
  if (s.kind === 'Group' && s.path) return groupSubject(s.path);
  return undefined;
}
