import { z } from 'zod';
import { immutableRule, withRules } from './cel.js';
import { ANNOTATIONS, USER_OWNER_ATTRIBUTE } from './constants.js';
import {
  capNote, emailAddress, groupPath, keyRef, kubeName, localRef, requiredActionAlias, statusBase, stringList, timestamp, uniqueItems, username, USER_DELETION_POLICIES,
} from './common.js';

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.:-]+$/;
const MAX_ATTRIBUTES = 64;

const groupRefSchema = withRules(z.object({
  name: kubeName('A DashGroup in this namespace.').optional(),
  path: groupPath('A Keycloak group path like Parent/child (a group not managed as a DashGroup).').optional(),
}), 'A group the user is a member of: exactly one of name or path.', [{
  rule: 'has(self.name) != has(self.path)',
  message: 'spec.groups[] needs exactly one of name (a DashGroup) or path (a Keycloak group path like Parent/child)',
  check: (v) => (v.name === undefined) !== (v.path === undefined),
}]);

const initialPasswordSchema = z.object({
  secretRef: keyRef('Secret key holding the password; never copied into status or events.', 'Secret'),
  temporary: z.boolean().default(true).describe('The user must change the password at first login.'),
  rotateOnChange: z.boolean().default(false)
    .describe("Set the password again when the Secret's content changes; otherwise it is set once, at creation."),
}).describe('Initial password, set once when the operator creates the user and retried until Keycloak holds it (never again on later reconciles, which would break passwordHistory). A password the realm policy refuses: Ready=False, reason PasswordRejected.');

const executeActionsEmailSchema = z.object({
  actions: z.array(requiredActionAlias('A required action, e.g. UPDATE_PASSWORD, VERIFY_EMAIL, CONFIGURE_TOTP.'))
    .min(1).max(16).superRefine(uniqueItems()).meta({ description: 'Actions the e-mail asks the user to perform.', 'x-kubernetes-list-type': 'set' }),
  lifespanSeconds: z.int().min(60).max(2_592_000).default(43_200).describe('How long the link in the e-mail is valid (60 s to 30 days).'),
}).describe("Send Keycloak's execute-actions e-mail once when the operator creates the user, retried until it is sent; needs spec.email and the realm's email settings.");

const MAX_ATTRIBUTE_NAME = 255;

// The key bounds are in the CEL rule because a CRD schema cannot say them (the structural
// schema has no propertyNames): without it admission took a 300-character name that parseSpec
// refuses. `__proto__` is refused because zod drops that key of a record without an issue
// (parseSpec reports it, see parse.ts), where the API server keeps it as an ordinary key.
const attributesSchema = withRules(
  z.record(z.string().max(MAX_ATTRIBUTE_NAME), z.array(z.string().max(2048)).max(32))
    .refine((v) => Object.keys(v).length <= MAX_ATTRIBUTES, { error: `must have at most ${MAX_ATTRIBUTES} keys` }),
  'User attributes; only the listed keys are managed. Keycloak 24+ keeps only attributes its user profile declares: a dropped one is reported in a condition.',
  [{
    rule: `self.all(k, size(k) <= ${MAX_ATTRIBUTE_NAME} && k.matches(r'${ATTRIBUTE_NAME.source}') && k != '__proto__')`,
    message: `spec.attributes keys must be attribute names of at most ${MAX_ATTRIBUTE_NAME} characters: letters, digits, '.', '_', ':' and '-' (not __proto__)`,
    check: (v) => Object.keys(v).every((k) => k.length <= MAX_ATTRIBUTE_NAME && ATTRIBUTE_NAME.test(k) && k !== '__proto__'),
  }, {
    // The owner mark decides what the operator may delete: a tenant must not forge or move it.
    rule: `!('${USER_OWNER_ATTRIBUTE}' in self)`,
    message: `spec.attributes must not set ${USER_OWNER_ATTRIBUTE}: the operator's owner mark`,
    reason: 'FieldValueForbidden',
    check: (v) => !Object.hasOwn(v, USER_OWNER_ATTRIBUTE),
  }],
).meta({ maxProperties: MAX_ATTRIBUTES });

/** DashUser.spec: one Keycloak user. */
export const dashUserSpecSchema = withRules(z.object({
  realmRef: localRef('The DashRealm the user belongs to. Immutable.', 'DashRealm'),
  username: username('Keycloak username (lowercase). Immutable.'),
  email: emailAddress('E-mail address.').optional(),
  firstName: z.string().max(255).optional().describe('First name.'),
  lastName: z.string().max(255).optional().describe('Last name.'),
  enabled: z.boolean().optional()
    .describe('Whether the user can log in. Set: enforced (false also ends the sessions). Unset: left as it is (an admin may disable the account in Keycloak); a user the operator creates starts enabled.'),
  emailVerified: z.boolean().optional().describe('Whether the e-mail address counts as verified. Unset: left as it is.'),
  requiredActions: z.array(requiredActionAlias('A required action alias.')).max(32).superRefine(uniqueItems()).meta({
    description: "The user's own required actions, e.g. UPDATE_PASSWORD. Unset: left as they are; []: none.",
    'x-kubernetes-list-type': 'set',
  }).optional(),
  groups: z.array(groupRefSchema).max(64)
    .describe('Groups the user is a member of. Set: membership is exactly this list ([]: no groups). Unset: membership is left as it is.').optional(),
  attributes: attributesSchema.optional(),
  initialPassword: initialPasswordSchema.optional(),
  executeActionsEmail: executeActionsEmailSchema.optional(),
  deletionPolicy: z.enum(USER_DELETION_POLICIES).optional()
    .describe('Delete, Retain or Disable. Unset: Delete when the operator created the user, Retain when it adopted an existing one. Delete on an adopted or federated (federationLink) user is treated as Retain, with a Warning event DeletionRetained. Disable (offboarding): the Keycloak user is kept with its history, disabled, and all its sessions are ended (Event SessionsRevoked); only a user this DashUser created or manages (its recorded keycloakId).'),
}), 'Desired state of the user.', [
  {
    rule: '!(has(self.initialPassword) && has(self.executeActionsEmail))',
    message: 'spec.initialPassword and spec.executeActionsEmail are exclusive: set a password from a Secret or send the execute-actions e-mail',
    fieldPath: '.executeActionsEmail',
    check: (v) => v.initialPassword === undefined || v.executeActionsEmail === undefined,
  },
  {
    rule: '!has(self.executeActionsEmail) || has(self.email)',
    message: 'spec.executeActionsEmail needs spec.email: the user must have an e-mail address',
    fieldPath: '.executeActionsEmail',
    check: (v) => v.executeActionsEmail === undefined || v.email !== undefined,
  },
  immutableRule('realmRef', 'spec.realmRef is immutable: create a new DashUser in the other realm'),
  immutableRule('username', 'spec.username is immutable: it identifies the Keycloak user; create a new DashUser to rename'),
]);

/** One effective role with where it comes from. */
export const effectiveRoleSchema = z.object({
  name: z.string().max(128).describe('Client role name.'),
  sources: stringList('Where the role comes from: direct, group:<path>, default or composite.', 64, 1100),
}).describe('An effective role of the user.');

/** DashUser.status: what Keycloak holds for the user. */
export const dashUserStatusSchema = z.object({
  ...statusBase,
  assignedRoles: stringList('dash client roles mapped to the user directly (sorted).', 64, 128).optional(),
  effectiveRoles: z.array(effectiveRoleSchema).max(64)
    .describe(`dash client roles the user has, directly, through groups or by default, sorted by name. ${capNote(64)}`).optional(),
  effectiveRoleNames: stringList('The names in effectiveRoles, for kubectl get (a printer column shows only the first match of a list path).', 64, 128).optional(),
  groups: stringList('Paths of the groups the user is a member of (sorted).', 256).optional(),
  sessions: z.int().min(0).optional().describe('Number of active sessions.'),
  logoutPending: z.boolean().optional().describe('True while a session predates a role change that reached the user through a group.'),
  logoutPendingSince: timestamp('When the pending logout began.').optional(),
  membershipChangedAt: timestamp('When the operator last changed the membership in a group that carries roles (a change that needs a new login).').optional(),
  pendingLicenseRevocation: z.boolean().optional()
    .describe('True while a licensed_user removal is held under licenseRevocation: Protect, waiting for the confirm annotation.'),
  licenseRevocationHeld: z.object({
    binding: z.string().max(253).describe('The DashRoleBinding holding the removal (the first by name when several do).'),
    since: timestamp('Since when it is held.'),
  }).optional().describe(`A licensed_user removal held under licenseRevocation: Protect (the user owns or co-owns apps and would lose them): confirm with ${ANNOTATIONS.confirmLicenseRevocation}: "true" on the binding or this DashUser.`),
  initialPassword: z.object({
    setAt: timestamp('When the operator set the password.'),
    secretVersion: z.string().max(256).describe("Opaque marker of the Secret content the password came from (never the password or a plain hash of it)."),
  }).optional().describe('When the initial password was set, so it is set once (again only on a Secret change with rotateOnChange).'),
  executeActionsEmailSentAt: timestamp('When the execute-actions e-mail was sent.').optional(),
  lockedOut: z.boolean().optional()
    .describe("Whether Keycloak's brute-force detection locks the user out (too many failed logins). Reported only while the DashRealm sets bruteForceProtection.enabled: true; the LockedOut condition says more."),
  lastUnlock: z.object({
    value: z.string().max(1024).describe(`Value of the ${ANNOTATIONS.unlock} annotation that was acted on.`),
    at: timestamp('When it was acted on (the lockout cleared, if there was one).'),
  }).optional().describe(`The last unlock requested with the ${ANNOTATIONS.unlock} annotation: each new value clears a lockout once.`),
}).describe('Observed state of the user.');

/** DashUser.spec after defaults. */
export type DashUserSpec = z.output<typeof dashUserSpecSchema>;
/** DashUser.spec as written in a manifest. */
export type DashUserSpecInput = z.input<typeof dashUserSpecSchema>;
/** DashUser.status. */
export type DashUserStatus = z.output<typeof dashUserStatusSchema>;
/** One entry of DashUser.spec.groups: `{name}` (a DashGroup) or `{path}` (a Keycloak group path). */
export type GroupRef = z.output<typeof groupRefSchema>;
/** One entry of DashUser.status.effectiveRoles. */
export type EffectiveRoleStatus = z.output<typeof effectiveRoleSchema>;
