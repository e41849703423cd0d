import { isDeepStrictEqual } from 'node:util';
import { ANNOTATIONS, parseSpec, type AnyDashResource, type DashResource, type Kind } from '../api/index.js';
import type { ControllerDeps, FinalizeOutput, ReconcileOutput } from './context.js';
import { finalizeGroup, reconcileGroup } from './group/reconcile.js';
import { finalizeRealm, reconcileRealm } from './realm/reconcile.js';
import { finalizeBinding, reconcileBinding } from './rolebinding/reconcile.js';
import { finalizeUser, reconcileUser } from './user/reconcile.js';

/** A reference to one object: what a change of another object wakes up. */
export interface ObjectKey {
  kind: Kind;
  namespace: string;
  name: string;
}

/** Everything the runtime needs to run one kind: parse, reconcile, clean up, and whom to wake. */
export interface KindController<K extends Kind> {
  kind: K;
  parse(obj: unknown): { ok: true } | { ok: false; message: string };
  reconcile(obj: DashResource<K>, deps: ControllerDeps): Promise<ReconcileOutput<Record<string, unknown>>>;
  finalize(obj: DashResource<K>, deps: ControllerDeps): Promise<FinalizeOutput>;
  /**
   * Objects to enqueue when `obj` changed (status included): dependents waiting on it or
   * showing its state. `old` is the object before an update (absent when added or deleted):
   * a change a dependent does not read wakes nobody, or a thousand users would run again
   * each time a member count moves.
   */
  dependents(obj: DashResource<K>, deps: ControllerDeps, old?: DashResource<K>): ObjectKey[];
  /** Secrets `obj` reads, as `namespace/name`: a change to one enqueues `obj`. */
  secretRefs(obj: DashResource<K>): string[];
}

/** The DashRealm of an object being deleted: its finalizer waits for the objects that use it. */
const realmWhileDeleting = (obj: { metadata: AnyDashResource['metadata']; spec: { realmRef: { name: string } } }): ObjectKey[] =>
  obj.metadata.deletionTimestamp ? [{ kind: 'DashRealm', namespace: obj.metadata.namespace ?? '', name: obj.spec.realmRef.name }] : [];

/** Whether what `pick` selects differs between the old and the new object (always, without an old one). */
function changed<T>(old: T | undefined, obj: T, pick: (o: T) => unknown): boolean {
  return old === undefined || !isDeepStrictEqual(pick(old), pick(obj));
}

/** What objects of a realm read from their DashRealm. */
const realmFacts = (r: DashResource<'DashRealm'>) => [r.spec, r.metadata.deletionTimestamp, r.status?.clientUuid];
/** What users, child groups and bindings read from a DashGroup. */
const groupFacts = (g: DashResource<'DashGroup'>) => [g.spec, g.metadata.deletionTimestamp, g.status?.keycloakId, g.status?.path,
  g.status?.roles, g.status?.inheritedRoles, g.status?.effectiveRolesChangedAt];
/** What bindings read from a DashUser. */
const userFactsForBindings = (u: DashResource<'DashUser'>) => [u.spec.username, u.metadata.deletionTimestamp, u.status?.keycloakId,
  u.metadata.annotations?.[ANNOTATIONS.confirmLicenseRevocation]];
/** What groups read from a DashUser (membership and pending logouts). */
const userFactsForGroups = (u: DashResource<'DashUser'>) => [u.status?.groups, u.status?.logoutPending];

/**
 * The subjects of a binding whose outcome changed between two versions: all of them when the
 * spec changed, else those whose status entry (resolved, grants) differs.
 */
function changedSubjects(b: DashResource<'DashRoleBinding'>, old: DashResource<'DashRoleBinding'> | undefined): { users: Set<string>; groups: Set<string> } {
  const all = [...b.spec.subjects, ...(old?.spec.subjects ?? [])];
  const everything = changed(old, b, (x) => [x.spec, x.metadata.deletionTimestamp]);
  const entries = (x?: DashResource<'DashRoleBinding'>) => new Map((x?.status?.subjects ?? []).map((s) => [`${s.kind}:${s.name ?? s.path}`, s]));
  const [before, after] = [entries(old), entries(b)];
  const moved = (kind: string, name: string | undefined) => everything || !isDeepStrictEqual(before.get(`${kind}:${name}`), after.get(`${kind}:${name}`));
  const names = (kind: 'User' | 'Group') => new Set(all.filter((s) => s.kind === kind)
    .flatMap((s) => [s.name, s.path]).filter((n): n is string => n !== undefined && moved(kind, n)));
  // Status also records subjects by path; a group subject named by DashGroup name shows up under its name.
  return { users: names('User'), groups: names('Group') };
}

const keysOf = (kind: Kind, objs: readonly { metadata: AnyDashResource['metadata'] }[]): ObjectKey[] =>
  objs.map((o) => ({ kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name }));

/** The four controllers, in dependency order. */
export function controllers(): KindController<Kind>[] {
  const realm: KindController<'DashRealm'> = {
    kind: 'DashRealm',
    parse: (obj) => parseSpec('DashRealm', obj),
    reconcile: reconcileRealm,
    finalize: finalizeRealm,
    dependents: (r, deps, old) => (changed(old, r, realmFacts) ? (['DashGroup', 'DashUser', 'DashRoleBinding'] as const) : []).flatMap((kind) =>
      keysOf(kind, deps.cache.list(kind, r.metadata.namespace).filter((o) => o.spec.realmRef.name === r.metadata.name))),
    secretRefs: (r) => [r.spec.email?.auth?.passwordSecretRef.name, r.spec.keycloak?.credentialsSecretRef.name, r.spec.keycloak?.caBundle?.secretRef?.name]
      .filter((n): n is string => n !== undefined).map((n) => `${r.metadata.namespace}/${n}`),
  };
  const group: KindController<'DashGroup'> = {
    kind: 'DashGroup',
    parse: (obj) => parseSpec('DashGroup', obj),
    reconcile: reconcileGroup,
    finalize: finalizeGroup,
    dependents: (g, deps, old) => {
      const ns = g.metadata.namespace;
      const path = g.status?.path;
      if (!changed(old, g, groupFacts)) return realmWhileDeleting(g);
      return [
        ...realmWhileDeleting(g),
        ...keysOf('DashGroup', deps.cache.list('DashGroup', ns).filter((c) => c.spec.parentRef?.name === g.metadata.name)),
        ...keysOf('DashUser', deps.cache.list('DashUser', ns).filter((u) => u.spec.groups?.some((x) => x.name === g.metadata.name)
          || (path !== undefined && u.status?.groups?.some((p) => p === path || p.startsWith(`${path}/`))))),
        ...keysOf('DashRoleBinding', deps.cache.list('DashRoleBinding', ns).filter((b) => b.spec.subjects.some((s) => s.kind === 'Group' && s.name === g.metadata.name))),
      ];
    },
    secretRefs: () => [],
  };
  const user: KindController<'DashUser'> = {
    kind: 'DashUser',
    parse: (obj) => parseSpec('DashUser', obj),
    reconcile: reconcileUser,
    finalize: finalizeUser,
    dependents: (u, deps, old) => {
      const ns = u.metadata.namespace;
      const memberOf = new Set([...(u.status?.groups ?? []), ...(old?.status?.groups ?? [])]);
      return [
        ...realmWhileDeleting(u),
        ...(changed(old, u, userFactsForBindings)
          ? keysOf('DashRoleBinding', deps.cache.list('DashRoleBinding', ns).filter((b) => b.spec.subjects.some((s) => s.kind === 'User' && s.name === u.spec.username)))
          : []),
        ...(changed(old, u, userFactsForGroups)
          ? keysOf('DashGroup', deps.cache.list('DashGroup', ns).filter((g) => g.status?.path !== undefined && memberOf.has(g.status.path)))
          : []),
      ];
    },
    secretRefs: (u) => (u.spec.initialPassword ? [`${u.metadata.namespace}/${u.spec.initialPassword.secretRef.name}`] : []),
  };
  const binding: KindController<'DashRoleBinding'> = {
    kind: 'DashRoleBinding',
    parse: (obj) => parseSpec('DashRoleBinding', obj),
    reconcile: reconcileBinding,
    finalize: finalizeBinding,
    dependents: (b, deps, old) => {
      const ns = b.metadata.namespace;
      // Only subjects whose grants moved: a binding of 100 users writes its status as each resolves.
      const { users, groups } = changedSubjects(b, old);
      return [
        ...realmWhileDeleting(b),
        ...keysOf('DashUser', deps.cache.list('DashUser', ns).filter((u) => users.has(u.spec.username))),
        ...keysOf('DashGroup', deps.cache.list('DashGroup', ns).filter((g) => groups.has(g.metadata.name) || (g.status?.path !== undefined && groups.has(g.status.path)))),
        // Other bindings of the realm share the grant ledger: their status may now record ownership differently.
      ];
    },
    secretRefs: () => [],
  };
  return [realm, group, user, binding] as unknown as KindController<Kind>[];
}
