import type { BenchShape } from './shape.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const k8sName = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]/g, '-');

/**
 * The operator's manifests for the bench shape: a DashRealm, the nested DashGroups, the
 * DashUsers in their leaf groups, one DashRoleBinding granting `admin` to every top-level
 * group and DashRoleBindings granting `licensed_user` to the users directly (100 subjects each).
 */
export function benchManifests(realm: string, shape: BenchShape): object[] {
  const groupName = (path: string) => k8sName(path.split('/').pop() ?? path);
  const groups = shape.groups.map((g) => ({
    apiVersion: v, kind: 'DashGroup', metadata: { name: groupName(g.path) },
    spec: { realmRef, name: g.name, ...(g.parent ? { parentRef: { name: groupName(g.parent) } } : {}) },
  }));
  const users = shape.users.map((u) => ({
    apiVersion: v, kind: 'DashUser', metadata: { name: u.username },
    spec: { realmRef, username: u.username, groups: [{ name: groupName(u.group) }] },
  }));
  const bindings: object[] = [{
    apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'top-groups-admin' },
    spec: { realmRef, roles: [shape.groupRole], subjects: shape.groups.filter((g) => !g.parent).map((g) => ({ kind: 'Group', name: groupName(g.path) })) },
  }];
  for (let i = 0; i < shape.users.length; i += 100) {
    bindings.push({
      apiVersion: v, kind: 'DashRoleBinding', metadata: { name: `licensed-${i / 100}` },
      spec: { realmRef, roles: [shape.userRole], subjects: shape.users.slice(i, i + 100).map((u) => ({ kind: 'User', name: u.username })) },
    });
  }
  return [{ apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm } }, ...groups, ...users, ...bindings];
}
