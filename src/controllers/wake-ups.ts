import { isDeepStrictEqual } from 'node:util';
import { ANNOTATIONS, type DashGroup, type DashRealm, type DashRoleBinding, type DashUser, type Kind } from '../api/index.js';
import type { KubeObject } from '../kube/object.js';
import { PROGRESSING, objectKey, readyOf, watch, type CacheReader, type IndexFunction, type ObjectKey, type WatchRule } from '../runtime/index.js';
import { DASH_KINDS } from './kinds.js';
import { userReporter } from './reported.js';
import { pathChain } from './user/effective-roles.js';

// What wakes whom. Each controller declares watch rules on the kinds it reads (in its
// controller.ts); the rules find the objects to wake through the cache indexes below, and
// compare only the facts a watcher reads, so that a change nobody reads wakes nobody (a
// thousand users must not run again each time a member count moves).

/** The cache indexes, by name; each is registered by the controller of the kind it indexes. */
export const Index = {
  /** DashGroup, DashUser, DashRoleBinding by `namespace/realmRef.name`. */
  byRealm: 'byRealm',
  /** DashGroup by `namespace/parentRef.name`. */
  byParent: 'byParent',
  /** DashGroup by `namespace/status.path`. */
  byPath: 'byPath',
  /** DashUser by `namespace/name` of each DashGroup its spec names. */
  byGroupName: 'byGroupName',
  /** DashUser by `namespace/path` of each group it is in, and of every ancestor of those (status.groups). */
  byGroupPath: 'byGroupPath',
  /** DashUser by `namespace/spec.username`. */
  byUsername: 'byUsername',
  /** DashRoleBinding by each spec subject, see `subjectValue`. */
  bySubject: 'bySubject',
  /** DashUser and DashGroup by `namespace/status.keycloakId` (what Keycloak's admin events name). */
  byKeycloakId: 'byKeycloakId',
  /** DashRoleBinding by `namespace/username` of each licensed_user removal it holds (status.pendingLicenseRevocations). */
  byHeldRevocation: 'byHeldRevocation',
} as const;
export type IndexName = (typeof Index)[keyof typeof Index];

/** An index value: a name or path within a namespace (namespaces hold no '/', so it is unambiguous). */
export const inNamespace = (namespace: string | undefined, value: string): string => `${namespace ?? ''}/${value}`;
/** The `bySubject` value of a binding subject named by kind and name. */
export const subjectValue = (namespace: string | undefined, kind: 'User' | 'Group', name: string): string => inNamespace(namespace, `${kind}:${name}`);

/**
 * Types an index function over one of our kinds. It sees the object as stored, before any
 * parse: it runs inside the informer's callback and must not throw on a spec admission let through.
 */
const index = <T extends KubeObject>(fn: (obj: Partial<T> & KubeObject) => (string | undefined)[]): IndexFunction =>
  (obj) => fn(obj as Partial<T> & KubeObject).filter((v): v is string => typeof v === 'string');

export const byRealm = index<DashGroup | DashUser | DashRoleBinding>((o) => [o.spec?.realmRef?.name && inNamespace(o.metadata.namespace, o.spec.realmRef.name)]);

const byKeycloakId = index<DashGroup | DashUser>((o) => [o.status?.keycloakId && inNamespace(o.metadata.namespace, o.status.keycloakId)]);

export const GROUP_INDEXES: Record<string, IndexFunction> = {
  [Index.byRealm]: byRealm,
  [Index.byKeycloakId]: byKeycloakId,
  [Index.byParent]: index<DashGroup>((g) => [g.spec?.parentRef?.name && inNamespace(g.metadata.namespace, g.spec.parentRef.name)]),
  [Index.byPath]: index<DashGroup>((g) => [g.status?.path && inNamespace(g.metadata.namespace, g.status.path)]),
};

export const USER_INDEXES: Record<string, IndexFunction> = {
  [Index.byRealm]: byRealm,
  [Index.byKeycloakId]: byKeycloakId,
  [Index.byGroupName]: index<DashUser>((u) => (u.spec?.groups ?? []).map((g) => g.name && inNamespace(u.metadata.namespace, g.name))),
  [Index.byGroupPath]: index<DashUser>((u) => [...new Set((u.status?.groups ?? []).flatMap(pathChain))].map((p) => inNamespace(u.metadata.namespace, p))),
  [Index.byUsername]: index<DashUser>((u) => [u.spec?.username && inNamespace(u.metadata.namespace, u.spec.username)]),
};

export const BINDING_INDEXES: Record<string, IndexFunction> = {
  [Index.byRealm]: byRealm,
  [Index.bySubject]: index<DashRoleBinding>((b) => (b.spec?.subjects ?? []).map((s) => s.name && subjectValue(b.metadata.namespace, s.kind, s.name))),
  [Index.byHeldRevocation]: index<DashRoleBinding>((b) => (b.status?.pendingLicenseRevocations ?? []).map((p) => p.username && inNamespace(b.metadata.namespace, p.username.toLowerCase()))),
};

/** The usernames (lowercase) whose licensed_user removal a binding holds. */
export const heldRevocations = (b: DashRoleBinding | undefined): string[] => (b?.status?.pendingLicenseRevocations ?? []).map((p) => p.username.toLowerCase());

/** The keys of the `kind` objects an index lists under `value`. */
export const keysByIndex = (cache: CacheReader, kind: Kind, index: IndexName, value: string): ObjectKey[] =>
  cache.byIndex(DASH_KINDS[kind], index, value).map(objectKey);

/**
 * When what a DashUser reports changed (Ready, effective roles), the keys of those `kind`
 * objects an index lists under `values` that wait for reports (Ready=False, reason
 * Progressing; see reported.ts), or whose status says the user must show a role (`expects`)
 * that its report now lacks: the user re-read its roles while someone outside the operator had
 * taken one away, and the waiter, Ready already, must look again (then it waits, and
 * `usersBehindGrants`/`membersBehindRoles` wake the user). A thousand users reporting their
 * roles must not run their groups and bindings a thousand times.
 */
export function waitingForReport<T extends DashGroup | DashRoleBinding>(old: DashUser | undefined, u: DashUser, cache: CacheReader,
  kind: T['kind'], index: IndexName, values: readonly string[], expects: (waiter: T, u: DashUser) => readonly string[]): ObjectKey[] {
  if (!changed(old, u, userReport)) return [];
  return values.flatMap((value) => cache.byIndex<T>(DASH_KINDS[kind], index, value))
    .filter((o) => readyOf(o)?.reason === PROGRESSING || behind(u, expects(o, u)))
    .map(objectKey);
}

/** The grants a binding's status says it mapped for the user (for `waitingForReport`). */
export const grantsMappedFor = (b: DashRoleBinding, u: DashUser): string[] =>
  mappedGrants(b.status?.subjects?.find((s) => s.kind === 'User' && s.name === u.spec.username) ?? {});

/** The roles a group's status says the user, in its subtree now, must show (for `waitingForReport`). */
export const rolesGivenTo = (g: DashGroup, u: DashUser): string[] =>
  (g.status?.path && (u.status?.groups ?? []).flatMap(pathChain).includes(g.status.path) ? groupGives(g) : []);

const groupGives = (g: DashGroup): string[] => [...new Set([...(g.status?.roles ?? []), ...(g.status?.inheritedRoles ?? [])])];

/** Whether a user that reports (reported.ts) does not show one of `roles`. */
const behind = (u: DashUser, roles: readonly string[]): boolean => {
  const shows = userReporter(u)?.shows;
  return shows !== undefined && roles.some((r) => !shows.includes(r));
};

/** Whether a grant maker's Ready just turned Progressing, or now names differently whom it waits for. */
function startsWaiting(o: DashGroup | DashRoleBinding, old: DashGroup | DashRoleBinding | undefined): boolean {
  const ready = readyOf(o);
  const before = old && readyOf(old);
  return ready?.reason === PROGRESSING && (before?.reason !== PROGRESSING || before.message !== ready.message);
}

/**
 * When a binding starts waiting for reports (its Ready turns Progressing, or the message of
 * who it waits for changes), its group subjects whose status does not show the grants it has
 * mapped: such a group read its roles before the mapping (e.g. it had just been created again
 * after someone deleted it in Keycloak), and nothing else would make it read them again. The
 * binding's own grants did not move, so the `changedSubjects` rule wakes nobody.
 */
export function groupsBehindGrants(b: DashRoleBinding, cache: CacheReader, old?: DashRoleBinding): ObjectKey[] {
  if (!startsWaiting(b, old)) return [];
  const namespace = b.metadata.namespace;
  return (b.status?.subjects ?? []).filter((s) => s.kind === 'Group' && s.resolved).flatMap((s) => {
    const group = (s.name && cache.get<DashGroup>(DASH_KINDS.DashGroup, namespace, s.name))
      || (s.path ? cache.byIndex<DashGroup>(DASH_KINDS.DashGroup, Index.byPath, inNamespace(namespace, s.path))[0] : undefined);
    return group && mappedGrants(s).some((g) => !(group.status?.roles ?? []).includes(g)) ? [objectKey(group)] : [];
  });
}

/**
 * Likewise its user subjects that report but do not show the grants it mapped for them: such a
 * user re-read its roles while a second administrator's removal of a grant was being corrected
 * (an admin event wakes only the binding, but the user may run for another reason meanwhile).
 */
export function usersBehindGrants(b: DashRoleBinding, cache: CacheReader, old?: DashRoleBinding): ObjectKey[] {
  if (!startsWaiting(b, old)) return [];
  const namespace = b.metadata.namespace;
  return (b.status?.subjects ?? []).filter((s) => s.kind === 'User' && s.resolved && s.name).flatMap((s) =>
    cache.byIndex<DashUser>(DASH_KINDS.DashUser, Index.byUsername, inNamespace(namespace, s.name ?? ''))
      .filter((u) => behind(u, mappedGrants(s))).map(objectKey));
}

/** When a group starts waiting for its members' reports, the members that report but do not show the roles it gives (as `usersBehindGrants`). */
export function membersBehindRoles(g: DashGroup, cache: CacheReader, old?: DashGroup): ObjectKey[] {
  if (!startsWaiting(g, old) || !g.status?.path) return [];
  return cache.byIndex<DashUser>(DASH_KINDS.DashUser, Index.byGroupPath, inNamespace(g.metadata.namespace, g.status.path))
    .filter((u) => behind(u, groupGives(g))).map(objectKey);
}

/** The rule of a kind that lives in a realm: a change of what it reads of its DashRealm wakes the realm's objects of that kind. */
export const watchRealm = (kind: 'DashGroup' | 'DashUser' | 'DashRoleBinding'): WatchRule => watch<DashRealm>(DASH_KINDS.DashRealm, (r, cache, old) =>
  (changed(old, r, realmFacts) ? keysByIndex(cache, kind, Index.byRealm, inNamespace(r.metadata.namespace, r.metadata.name)) : []));

/** Whether what `pick` selects differs between the old and the new object (always, without an old one). */
export function changed<T>(old: T | undefined, obj: T, pick: (o: T) => unknown): boolean {
  return old === undefined || !isDeepStrictEqual(pick(old), pick(obj));
}

/** What objects of a realm read from their DashRealm. */
export const realmFacts = (r: DashRealm) => [r.spec, r.metadata.deletionTimestamp, r.status?.clientUuid];
/** What users, child groups and bindings read from a DashGroup. */
export const groupFacts = (g: DashGroup) => [g.spec, g.metadata.deletionTimestamp, g.status?.keycloakId, g.status?.path,
  g.status?.roles, g.status?.inheritedRoles, g.status?.effectiveRolesChangedAt];
/** Whether a DashUser reports Ready, and the roles its status shows: what grant makers wait for (reported.ts). */
const userReport = (u: DashUser) => [readyOf(u)?.status, u.status?.effectiveRoleNames];
/** What bindings read from a DashUser. */
export const userFactsForBindings = (u: DashUser) => [u.spec.username, u.metadata.deletionTimestamp, u.status?.keycloakId,
  u.metadata.annotations?.[ANNOTATIONS.confirmLicenseRevocation]];
/** What groups read from a DashUser (membership and pending logouts). */
export const userFactsForGroups = (u: DashUser) => [u.status?.groups, u.status?.logoutPending];

/**
 * The subjects of a binding whose outcome changed between two versions, by name or path: all
 * of them when the spec changed, else those whose status entry (resolved, mapped grants) differs.
 * Status records a group subject by path; one named by DashGroup name shows up under its name.
 */
export function changedSubjects(b: DashRoleBinding, old: DashRoleBinding | undefined): { users: Set<string>; groups: Set<string> } {
  const all = [...b.spec.subjects, ...(old?.spec.subjects ?? [])];
  const everything = changed(old, b, (x) => [x.spec, x.metadata.deletionTimestamp]);
  // What a subject's status shows is what Keycloak holds: grants recorded but not mapped yet
  // (pending) change nothing there, so recording them wakes nobody; mapping them does.
  const entries = (x?: DashRoleBinding) => new Map((x?.status?.subjects ?? []).map((s) => [`${s.kind}:${s.name ?? s.path}`,
    { resolved: s.resolved, reason: s.reason, mapped: mappedGrants(s) }]));
  const [before, after] = [entries(old), entries(b)];
  const moved = (kind: string, name: string | undefined) => everything || !isDeepStrictEqual(before.get(`${kind}:${name}`), after.get(`${kind}:${name}`));
  const names = (kind: 'User' | 'Group') => new Set(all.filter((s) => s.kind === kind)
    .flatMap((s) => [s.name, s.path]).filter((n): n is string => n !== undefined && moved(kind, n)));
  return { users: names('User'), groups: names('Group') };
}

/** The grants a status entry records as mapped in Keycloak (recorded, not pending). */
export const mappedGrants = (s: { grants?: string[]; pending?: string[] }) => (s.grants ?? []).filter((g) => !s.pending?.includes(g));

/**
 * The DashUsers a binding change may leave with a stale status: those `changedSubjects` names,
 * minus users whose status shows the change already (their direct roles hold every grant the
 * binding maps for them, and none it stopped mapping). A user created holding its grants
 * (user/grants-at-creation.ts) reports them before the binding confirms them: it need not run again.
 */
export function usersToRefresh(b: DashRoleBinding, old: DashRoleBinding | undefined, cache: CacheReader): ObjectKey[] {
  const specChanged = changed(old, b, (x) => [x.spec, x.metadata.deletionTimestamp]);
  const mappedFor = (x: DashRoleBinding | undefined, username: string) =>
    mappedGrants(x?.status?.subjects?.find((s) => s.kind === 'User' && s.name === username) ?? {});
  return [...changedSubjects(b, old).users].flatMap((username) => {
    const [now, before] = [mappedFor(b, username), mappedFor(old, username)];
    return cache.byIndex<DashUser>(DASH_KINDS.DashUser, Index.byUsername, inNamespace(b.metadata.namespace, username)).filter((u) => {
      const shown = u.status?.assignedRoles ?? [];
      const showsChange = now.every((r) => shown.includes(r)) && before.every((r) => now.includes(r) || !shown.includes(r));
      return specChanged || !showsChange;
    }).map(objectKey);
  });
}

/**
 * Whether a DashUser's status shows a change of a group's roles already, so that the change
 * need not wake it: only roles moved (not spec, id, path or deletion), none was taken away, the
 * user reports every role the group now gives (its own ones with this group as a source), and
 * it has no session such a change could leave stale. The common case: a user created while the
 * group's mapping was known to the realm view but not yet to the group's status.
 */
export function showsGroupRoles(u: DashUser, g: DashGroup, old: DashGroup | undefined): boolean {
  if (old === undefined || changed(old, g, (x) => [x.spec, x.metadata.deletionTimestamp, x.status?.keycloakId, x.status?.path])) return false;
  const gives = (x: DashGroup) => [...(x.status?.roles ?? []), ...(x.status?.inheritedRoles ?? [])];
  if (!gives(old).every((r) => gives(g).includes(r))) return false;
  const status = u.status;
  if (!status?.keycloakId || (status.sessions ?? 0) > 0 || status.logoutPending) return false;
  const source = `group:${g.status?.path ?? ''}`;
  return (g.status?.roles ?? []).every((r) => status.effectiveRoles?.some((e) => e.name === r && e.sources.includes(source)))
    && (g.status?.inheritedRoles ?? []).every((r) => status.effectiveRoleNames?.includes(r));
}
