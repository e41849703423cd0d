import { z } from 'zod';
import { immutableRule, withRules } from './cel.js';
import { DELETION_POLICIES, groupPath, localRef, statusBase, stringList, timestamp } from './common.js';

const GROUP_NAME = /^[^/]+$/;

/** Users listed by name in DashGroup.status.usersPendingLogout, at most (the count is exact). */
export const MAX_LISTED_PENDING_USERS = 20;

/** DashGroup.spec: one Keycloak group, top-level or nested. */
export const dashGroupSpecSchema = withRules(z.object({
  realmRef: localRef('The DashRealm the group belongs to. Immutable.', 'DashRealm'),
  name: withRules(z.string().min(1).max(255), 'Keycloak group name; default: metadata.name. Immutable.', [{
    rule: "!self.contains('/')",
    message: "spec.name must be a Keycloak group name without '/': nest groups with parentRef or parentPath",
    check: (v) => GROUP_NAME.test(v),
  }]).optional(),
  parentRef: localRef('Parent group managed by another DashGroup in this namespace. Immutable.', 'DashGroup').optional(),
  parentPath: groupPath('Parent group that exists in Keycloak but not as a DashGroup, as a path like Parent/child. Immutable.').optional(),
  deletionPolicy: z.enum(DELETION_POLICIES).optional()
    .describe('Delete or Retain. Unset: Delete when the operator created the group, Retain when it adopted an existing one. Delete removes only a group the operator created that has no subgroups left (Keycloak would delete them with it); otherwise the group stays and a Warning event says why.'),
}), 'Desired state of the group.', [
  {
    rule: '!(has(self.parentRef) && has(self.parentPath))',
    message: 'spec.parentRef and spec.parentPath are exclusive: name the parent either as a DashGroup (parentRef) or as a Keycloak group path (parentPath)',
    fieldPath: '.parentPath',
    check: (v) => v.parentRef === undefined || v.parentPath === undefined,
  },
  immutableRule('realmRef', 'spec.realmRef is immutable: create a new DashGroup in the other realm'),
  immutableRule('name', 'spec.name is immutable: it is the Keycloak group name; create a new DashGroup to rename'),
  immutableRule('parentRef', 'spec.parentRef is immutable: a group cannot move; create a new DashGroup under the other parent'),
  immutableRule('parentPath', 'spec.parentPath is immutable: a group cannot move; create a new DashGroup under the other parent'),
]);

/** DashGroup.status: what Keycloak holds for the group. */
export const dashGroupStatusSchema = z.object({
  ...statusBase,
  path: z.string().max(1024).optional().describe('Full group path as Dash Enterprise shows it, e.g. engineering/data-science.'),
  roles: stringList('dash client roles mapped to the group itself (sorted).', 64, 128).optional(),
  inheritedRoles: stringList('dash client roles members get from ancestor groups (sorted).', 64, 128).optional(),
  members: z.int().min(0).optional().describe('Number of direct members.'),
  logoutPending: z.int().min(0).optional()
    .describe("Number of members whose sessions started before the group's effective roles last changed: they get the change at their next login."),
  usersPendingLogout: stringList(`Usernames still waiting for a logout, sorted, at most ${MAX_LISTED_PENDING_USERS}.`, MAX_LISTED_PENDING_USERS, 255).optional(),
  effectiveRolesChangedAt: timestamp("When the roles the group's members get from it last changed.").optional(),
}).describe('Observed state of the group.');

/** DashGroup.spec after defaults. */
export type DashGroupSpec = z.output<typeof dashGroupSpecSchema>;
/** DashGroup.spec as written in a manifest. */
export type DashGroupSpecInput = z.input<typeof dashGroupSpecSchema>;
/** DashGroup.status. */
export type DashGroupStatus = z.output<typeof dashGroupStatusSchema>;
