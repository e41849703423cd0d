import type { BenchShape } from './shape.js';

/**
 * What Keycloak must hold once everything converged: per user its group paths and its
 * direct roles of the `dash` client, per group path its `dash` client roles. Changes made by
 * the latency measurements update it, so the end check covers them too.
 */
export interface ExpectedState {
  users: Map<string, { groups: Set<string>; roles: Set<string>; firstName?: string }>;
  groups: Map<string, Set<string>>;
}

/** The end state the bench manifests (and the floor) imply. */
export function expectedState(shape: BenchShape): ExpectedState {
  const groups = new Map(shape.groups.map((g) => [g.path, new Set(g.parent ? [] : [shape.groupRole])]));
  const admins = new Set(shape.directAdmins);
  const users = new Map(shape.users.map((u) => [u.username, {
    groups: new Set([u.group]),
    roles: new Set([shape.userRole, ...(admins.has(u.username) ? [shape.groupRole] : [])]),
  }]));
  return { users, groups };
}

/** The `dash` roles a user gets directly and through its groups and their ancestors, sorted. */
export function effectiveRoles(state: ExpectedState, username: string): string[] {
  const user = state.users.get(username);
  if (!user) return [];
  const roles = new Set(user.roles);
  for (const path of user.groups) {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      for (const r of state.groups.get(parts.slice(0, i).join('/')) ?? []) roles.add(r);
    }
  }
  return [...roles].sort();
}
