import { parseSpec, type AnyDashResource, type DashResource, type Kind } from '../api/index.js';
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
  /** Objects to enqueue when `obj` changed (status included): dependents waiting on it or showing its state. */
  dependents(obj: DashResource<K>, deps: ControllerDeps): ObjectKey[];
  /** Secrets `obj` reads, as `namespace/name`: a change to one enqueues `obj`. */
  secretRefs(obj: DashResource<K>): string[];
}

/** The DashRealm of an object being deleted: its finalizer waits for the objects that use it. */
const realmWhileDeleting = (obj: { metadata: AnyDashResource['metadata']; spec: { realmRef: { name: string } } }): ObjectKey[] =>
  obj.metadata.deletionTimestamp ? [{ kind: 'DashRealm', namespace: obj.metadata.namespace ?? '', name: obj.spec.realmRef.name }] : [];

const keysOf = (kind: Kind, objs: readonly { metadata: AnyDashResource['metadata'] }[]): ObjectKey[] =>
  objs.map((o) => ({ kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name }));

/** The four controllers, in dependency order. */
export function controllers(): KindController<Kind>[] {
  const realm: KindController<'DashRealm'> = {
    kind: 'DashRealm',
    parse: (obj) => parseSpec('DashRealm', obj),
    reconcile: reconcileRealm,
    finalize: finalizeRealm,
    dependents: (r, deps) => (['DashGroup', 'DashUser', 'DashRoleBinding'] as const).flatMap((kind) =>
      keysOf(kind, deps.cache.list(kind, r.metadata.namespace).filter((o) => o.spec.realmRef.name === r.metadata.name))),
    secretRefs: (r) => [r.spec.email?.auth?.passwordSecretRef.name, r.spec.keycloak?.credentialsSecretRef.name, r.spec.keycloak?.caBundle?.secretRef?.name]
      .filter((n): n is string => n !== undefined).map((n) => `${r.metadata.namespace}/${n}`),
  };
  const group: KindController<'DashGroup'> = {
    kind: 'DashGroup',
    parse: (obj) => parseSpec('DashGroup', obj),
    reconcile: reconcileGroup,
    finalize: finalizeGroup,
    dependents: (g, deps) => {
      const ns = g.metadata.namespace;
      const path = g.status?.path;
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
    dependents: (u, deps) => {
      const ns = u.metadata.namespace;
      return [
        ...realmWhileDeleting(u),
        ...keysOf('DashRoleBinding', deps.cache.list('DashRoleBinding', ns).filter((b) => b.spec.subjects.some((s) => s.kind === 'User' && s.name === u.spec.username))),
        ...keysOf('DashGroup', deps.cache.list('DashGroup', ns).filter((g) => g.status?.path !== undefined && u.status?.groups?.includes(g.status.path))),
      ];
    },
    secretRefs: (u) => (u.spec.initialPassword ? [`${u.metadata.namespace}/${u.spec.initialPassword.secretRef.name}`] : []),
  };
  const binding: KindController<'DashRoleBinding'> = {
    kind: 'DashRoleBinding',
    parse: (obj) => parseSpec('DashRoleBinding', obj),
    reconcile: reconcileBinding,
    finalize: finalizeBinding,
    dependents: (b, deps) => {
      const ns = b.metadata.namespace;
      const users = new Set(b.spec.subjects.filter((s) => s.kind === 'User').map((s) => s.name));
      const groups = new Set(b.spec.subjects.filter((s) => s.kind === 'Group').map((s) => s.name ?? s.path));
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
