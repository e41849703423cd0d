import type { BenchShape } from './shape.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const k8sName = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]/g, '-');

/** Name of the DashRealm every bench object refers to. */
export const BENCH_REALM_OBJECT = 'dash';
/** The binding granting `groupRole` to every top-level group (the group role-mapping change edits it). */
export const GROUP_BINDING = 'top-groups-admin';
/** The binding granting `groupRole` directly to `shape.directAdmins` (the binding edit adds subjects to it). */
export const ADMIN_BINDING = 'direct-admins';
/** Users per licensed binding. */
export const USERS_PER_BINDING = 100;

/** The DashGroup name of a group path (its last segment, lowercased). */
export function groupObjectName(path: string): string {
  return k8sName(path.split('/').pop() ?? path);
}

/**
 * The operator's manifests for the bench shape: a DashRealm, the nested DashGroups, the
 * DashUsers in their leaf groups, one DashRoleBinding granting `admin` to every top-level
 * group, one granting `admin` to `directAdmins`, and DashRoleBindings granting
 * `licensed_user` to the users directly (100 subjects each).
 */
export function benchManifests(realm: string, shape: BenchShape): object[] {
  const groups = shape.groups.map((g) => ({
    apiVersion: v, kind: 'DashGroup', metadata: { name: groupObjectName(g.path) },
    spec: { realmRef, name: g.name, ...(g.parent ? { parentRef: { name: groupObjectName(g.parent) } } : {}) },
  }));
  const users = shape.users.map((u) => ({
    apiVersion: v, kind: 'DashUser', metadata: { name: u.username },
    spec: { realmRef, username: u.username, groups: [{ name: groupObjectName(u.group) }] },
  }));
  const bindings: object[] = [{
    apiVersion: v, kind: 'DashRoleBinding', metadata: { name: GROUP_BINDING },
    spec: { realmRef, roles: [shape.groupRole], subjects: shape.groups.filter((g) => !g.parent).map((g) => ({ kind: 'Group', name: groupObjectName(g.path) })) },
  }, {
    apiVersion: v, kind: 'DashRoleBinding', metadata: { name: ADMIN_BINDING },
    spec: { realmRef, roles: [shape.groupRole], subjects: shape.directAdmins.map((name) => ({ kind: 'User', name })) },
  }];
  for (let i = 0; i < shape.users.length; i += USERS_PER_BINDING) {
    bindings.push({
      apiVersion: v, kind: 'DashRoleBinding', metadata: { name: `licensed-${i / USERS_PER_BINDING}` },
      spec: { realmRef, roles: [shape.userRole], subjects: shape.users.slice(i, i + USERS_PER_BINDING).map((u) => ({ kind: 'User', name: u.username })) },
    });
  }
  return [{ apiVersion: v, kind: 'DashRealm', metadata: { name: BENCH_REALM_OBJECT }, spec: { realm } }, ...groups, ...users, ...bindings];
}

/** How many objects `benchManifests` returns for the shape. */
export function objectCount(shape: BenchShape): number {
  return 1 + shape.groups.length + shape.users.length + 2 + Math.ceil(shape.users.length / USERS_PER_BINDING);
}
