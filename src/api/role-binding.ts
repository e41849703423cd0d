import { z } from 'zod';
import { immutableRule, withRules } from './cel.js';
import { DNS_SUBDOMAIN_PATTERN, groupPath, localRef, roleName, capNote, statusBase, stringList, timestamp, uniqueItems, username } from './common.js';

/** Kinds of DashRoleBinding subjects. */
export const SUBJECT_KINDS = ['User', 'Group'] as const;

/** A DashRoleBinding subject's kind. */
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

const subjectSchema = withRules(z.object({
  kind: z.enum(SUBJECT_KINDS).describe('User or Group.'),
  name: username('User: a Keycloak username (a DashUser, or a user from an IdP or federation). Group: a DashGroup in this namespace.').optional(),
  path: groupPath('Group only: a Keycloak group path like Parent/child.').optional(),
}), 'A user or group the roles are granted to.', [
  {
    rule: "self.kind != 'User' || (has(self.name) && !has(self.path))",
    message: 'spec.subjects[] of kind User needs name (a Keycloak username) and no path',
    check: (v) => v.kind !== 'User' || (v.name !== undefined && v.path === undefined),
  },
  {
    rule: "self.kind != 'Group' || has(self.name) != has(self.path)",
    message: 'spec.subjects[] of kind Group needs exactly one of name (a DashGroup) or path (a Keycloak group path like Parent/child)',
    check: (v) => v.kind !== 'Group' || (v.name === undefined) !== (v.path === undefined),
  },
  {
    rule: `self.kind != 'Group' || !has(self.name) || self.name.matches(r'${DNS_SUBDOMAIN_PATTERN.source}')`,
    message: 'spec.subjects[].name of kind Group must be a DashGroup name: lowercase letters, digits, "-" and "."',
    fieldPath: '.name',
    check: (v) => v.kind !== 'Group' || v.name === undefined || DNS_SUBDOMAIN_PATTERN.test(v.name),
  },
]);

/** DashRoleBinding.spec: client roles of the realm's dash client granted to users and groups. */
export const dashRoleBindingSpecSchema = withRules(z.object({
  realmRef: localRef('The DashRealm whose dash client roles are granted. Immutable.', 'DashRealm'),
  roles: withRules(
    z.array(roleName('A client role of the dash client: viewer, licensed_user, admin, or a custom one.')).max(32).superRefine(uniqueItems()),
    'Client roles to grant. licensed_user is best granted to users directly (license seats update late for groups).',
    [{ rule: 'size(self) > 0', message: 'spec.roles must name at least one role, e.g. [licensed_user]', check: (v) => v.length > 0 }],
  ).meta({ 'x-kubernetes-list-type': 'set' }),
  subjects: withRules(
    z.array(subjectSchema).max(256),
    'Users and groups the roles are granted to.',
    [{ rule: 'size(self) > 0', message: 'spec.subjects must name at least one User or Group', check: (v) => v.length > 0 }],
  ),
}), 'Desired grants.', [
  immutableRule('realmRef', 'spec.realmRef is immutable: create a new DashRoleBinding for the other realm'),
]);

const subjectStatusSchema = z.object({
  kind: z.enum(SUBJECT_KINDS).describe('User or Group.'),
  name: z.string().max(255).optional().describe('Username or DashGroup name, as in the spec.'),
  path: z.string().max(1024).optional().describe('Group path, as in the spec or resolved from the DashGroup.'),
  resolved: z.boolean().describe('Whether the subject was found in Keycloak.'),
  reason: z.string().max(1024).optional().describe('Why the subject is not resolved (e.g. the user has not logged in yet).'),
  pending: stringList('Roles of grants recorded but not mapped in Keycloak yet: the operator records a grant before it writes the mapping, and maps it on the next pass (normally within a second).', 32, 128).optional(),
  grants: stringList('Roles this binding granted, or is about to grant, to the subject. Recorded before the role mapping is written (so a role may be listed a moment before Keycloak has it); the operator removes a listed role once no binding grants it. A role the subject held before any binding listed it is never listed and never removed.', 32, 128).optional(),
}).describe('One subject and whether it was resolved.');

/** DashRoleBinding.status: what each subject resolved to and what is waiting. */
export const dashRoleBindingStatusSchema = z.object({
  observedGeneration: statusBase.observedGeneration,
  conditions: statusBase.conditions,
  subjects: z.array(subjectStatusSchema).max(512).describe(`Each subject, in spec order, then subjects no longer in the spec (or whose DashGroup is gone) that still hold grants of this binding until they are revoked. ${capNote(512)}`).optional(),
  pendingLicenseRevocations: z.array(z.object({
    username: z.string().max(255).describe('User who would lose licensed_user.'),
    since: timestamp('Since when the removal is held.'),
  }).describe('A held licensed_user removal.')).max(256)
    .describe(`licensed_user removals held under licenseRevocation: Protect until confirmed with the confirm-license-revocation annotation. ${capNote(256)}`).optional(),
  warnings: stringList('Advice such as licensed_user granted to a group.', 16).optional(),
}).describe('Observed state of the binding.');

/** DashRoleBinding.spec. */
export type DashRoleBindingSpec = z.output<typeof dashRoleBindingSpecSchema>;
/** DashRoleBinding.spec as written in a manifest. */
export type DashRoleBindingSpecInput = z.input<typeof dashRoleBindingSpecSchema>;
/** DashRoleBinding.status. */
export type DashRoleBindingStatus = z.output<typeof dashRoleBindingStatusSchema>;
/** One entry of DashRoleBinding.spec.subjects. */
export type Subject = z.output<typeof subjectSchema>;
/** One entry of DashRoleBinding.status.subjects. */
export type SubjectStatus = z.output<typeof subjectStatusSchema>;
