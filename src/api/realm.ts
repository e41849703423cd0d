import { z } from 'zod';
import { immutableRule, matchesRule, withRules, type CelRule } from './cel.js';
import { ANNOTATIONS } from './constants.js';
import { DELETION_POLICIES, keyRef, localRef, requiredActionAlias, statusBase, timestamp, uniqueItems, WHITESPACE } from './common.js';
import { bruteForceProtectionSchema, emailSchema, passwordPolicySchema } from './realm-settings.js';

const REALM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const HTTP_URL = new RegExp(String.raw`^https?:\/\/[^${WHITESPACE}/?#]+(\/[^${WHITESPACE}?#]*)?$`, 'u');

/**
 * Clients every Keycloak realm has for its own administration: granting their roles (or
 * roles of a `<realm>-realm` client of master) makes a user a Keycloak administrator, so no
 * DashRealm may name one as its Dash client.
 */
export const BUILT_IN_CLIENTS = ['realm-management', 'broker', 'account', 'account-console', 'admin-cli', 'security-admin-console'] as const;

const notMasterRule: CelRule<string> = {
  rule: "self.lowerAscii() != 'master'",
  message: "spec.realm must not be master: the master realm administers Keycloak itself and is never managed by a DashRealm",
  reason: 'FieldValueForbidden',
  check: (v) => v.toLowerCase() !== 'master',
};

const notBuiltInClientRule: CelRule<string> = {
  rule: `!(self.lowerAscii() in [${BUILT_IN_CLIENTS.map((c) => `'${c}'`).join(', ')}]) && !self.lowerAscii().endsWith('-realm')`,
  message: `spec.clientId must not be one of Keycloak's built-in clients (${BUILT_IN_CLIENTS.join(', ')}) or end in -realm: their roles administer Keycloak`,
  reason: 'FieldValueForbidden',
  check: (v) => !(BUILT_IN_CLIENTS as readonly string[]).includes(v.toLowerCase()) && !v.toLowerCase().endsWith('-realm'),
};

/** How the operator notices changes made in Keycloak behind its back (drift). */
export const DRIFT_DETECTIONS = ['AdminEvents', 'Resync'] as const;
/** Who turned on the realm's admin events, as DashRealm status reports it. */
export const ADMIN_EVENTS_ENABLED_BY = ['Operator', 'External'] as const;
/** The DashRealm condition saying how drift is detected, and why not through admin events when it is not. */
export const DRIFT_DETECTION_CONDITION = 'DriftDetection';
/** How long admin events are kept when the operator itself turned them on and no expiration was set: 1 day. */
export const DEFAULT_ADMIN_EVENTS_EXPIRATION_SECONDS = 86_400;

/** How the operator treats sessions after a change that reaches users through a group. */
export const LOGOUT_POLICIES = ['Manual', 'Automatic'] as const;
/** What happens when `licensed_user` would be removed from a user. */
export const LICENSE_REVOCATION_POLICIES = ['Warn', 'Protect'] as const;
/** Whether the operator removes role mappings it did not grant. */
export const ROLE_MANAGEMENT_POLICIES = ['Additive', 'Exclusive'] as const;
/** Whether the operator writes to Keycloak for the realm (Manage) or only reports what it would change (Observe). */
export const MANAGEMENT_POLICIES = ['Manage', 'Observe'] as const;

const caBundleSchema = withRules(z.object({
  configMapRef: keyRef('ConfigMap key holding the PEM CA bundle.', 'ConfigMap').optional(),
  secretRef: keyRef('Secret key holding the PEM CA bundle.', 'Secret').optional(),
}), 'CA bundle that signs the Keycloak server certificate: exactly one of configMapRef or secretRef.', [{
  rule: 'has(self.configMapRef) != has(self.secretRef)',
  message: 'spec.keycloak.caBundle needs exactly one of configMapRef or secretRef',
  check: (v) => (v.configMapRef === undefined) !== (v.secretRef === undefined),
}]);

const keycloakSchema = z.object({
  url: withRules(z.string().min(1).max(2048), 'Base URL of the Keycloak server, e.g. https://auth-dash.example.com.', [
    matchesRule(HTTP_URL, 'spec.keycloak.url must be an http(s) URL like https://auth-dash.example.com'),
  ]),
  credentialsSecretRef: localRef(
    'Secret with the admin credentials: keys clientId + clientSecret (client-credentials grant, preferred) or username + password (password grant).',
    'Secret',
  ),
  authRealm: z.string().min(1).max(255).regex(REALM_NAME, { error: 'must be a realm name: letters, digits, ".", "_" and "-"' })
    .default('master').describe('Realm the admin credentials belong to.'),
  caBundle: caBundleSchema.optional(),
}).describe("Connection to a Keycloak server other than the operator's default one (flags, environment, Helm values).");

const optionalSwitch = (description: string) => z.boolean().optional().describe(`${description} Unset: left as it is in Keycloak.`);

const loginSchema = z.object({
  userRegistration: optionalSwitch('Users may register themselves.'),
  forgotPassword: optionalSwitch('Show the "Forgot password" link; needs spec.email.'),
  rememberMe: optionalSwitch('Offer "Remember me" on the login page.'),
  verifyEmail: optionalSwitch('Users must verify their e-mail address; needs spec.email.'),
  loginWithEmail: optionalSwitch('Users may log in with their e-mail address.'),
  duplicateEmails: optionalSwitch('Several users may share one e-mail address.'),
  editUsername: optionalSwitch('Users may change their username.'),
}).describe('Realm login settings; only the switches that are set are managed.');

const requiredActionSchema = withRules(z.object({
  alias: requiredActionAlias('Alias of the required action, e.g. CONFIGURE_TOTP, UPDATE_PASSWORD, VERIFY_EMAIL, UPDATE_PROFILE, TERMS_AND_CONDITIONS, webauthn-register.'),
  enabled: z.boolean().default(true).describe('Whether the action is enabled in the realm.'),
  defaultAction: z.boolean().default(false).describe('Whether every new user gets the action (needs enabled).'),
}), 'One realm required action.', [{
  rule: '!self.defaultAction || self.enabled',
  message: 'spec.requiredActions[].defaultAction: true needs enabled: true (Keycloak applies only enabled actions)',
  fieldPath: '.defaultAction',
  check: (v) => !v.defaultAction || v.enabled,
}]);

const forgotPasswordNeedsEmail = 'spec.login.forgotPassword: true needs spec.email (SMTP settings): Keycloak sends the reset link by e-mail';
const verifyEmailNeedsEmail = 'spec.login.verifyEmail: true needs spec.email (SMTP settings): Keycloak sends the verification link by e-mail';

/** DashRealm.spec: one Keycloak realm that Dash Enterprise uses. */
export const dashRealmSpecSchema = withRules(z.object({
  realm: withRules(z.string().min(1).max(255), 'Name of the Keycloak realm. Immutable.', [
    matchesRule(REALM_NAME, 'spec.realm must be a realm name: letters, digits, ".", "_" and "-"'),
    notMasterRule,
  ]).default('dash'),
  clientId: withRules(z.string().min(1).max(255), "Client whose client roles are Dash Enterprise's roles (viewer, licensed_user, admin). Immutable.", [
    matchesRule(CLIENT_ID, 'spec.clientId must be a client id: letters, digits, ".", "_", ":" and "-"'),
    notBuiltInClientRule,
  ]).default('dash'),
  keycloak: keycloakSchema.optional(),
  login: loginSchema.optional(),
  email: emailSchema.optional(),
  requiredActions: z.array(requiredActionSchema).max(64).superRefine(uniqueItems((a) => a.alias)).meta({
    description: 'Required actions to manage; actions not listed are left as they are.',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['alias'],
  }).optional(),
  passwordPolicy: passwordPolicySchema.optional(),
  bruteForceProtection: bruteForceProtectionSchema.optional(),
  logoutPolicy: z.enum(LOGOUT_POLICIES).default('Manual')
    .describe('Manual: report users whose roles changed through a group until they log in again. Automatic: the operator logs out their sessions.'),
  licenseRevocation: z.enum(LICENSE_REVOCATION_POLICIES).default('Warn')
    .describe(`Warn: remove licensed_user with a Warning event. Protect: keep it until the binding or user is annotated ${ANNOTATIONS.confirmLicenseRevocation}: "true".`),
  roleManagement: z.enum(ROLE_MANAGEMENT_POLICIES).default('Additive')
    .describe('Additive: never remove a role mapping the operator did not grant. Exclusive: DashRoleBindings are the only source of dash client role mappings (default roles excepted).'),
  deletionPolicy: z.enum(DELETION_POLICIES).default('Retain')
    .describe('Retain (default): deleting the DashRealm leaves the Keycloak realm. Delete: the realm is deleted too, unless it was adopted.'),
  licenseSeats: z.int().min(0).max(10_000_000).optional()
    .describe('License seats: a DashRoleBinding grant that would make more users hold licensed_user than this is not made (the binding reports Ready=False, reason SeatLimitReached, naming how many seats are missing). Unset: no limit.'),
  driftDetection: z.enum(DRIFT_DETECTIONS).default('AdminEvents')
    .describe('AdminEvents (default): the realm records admin events (turned on if needed, kept 1 day when the operator turns them on and no adminEventsExpiration is set) and the operator polls them every --drift-poll-interval, correcting changes made outside it within seconds. Resync: the events configuration is left alone and drift is corrected at the next resync (--resync-period). Keycloak before 26.2 always falls back to Resync.'),
  managementPolicy: z.enum(MANAGEMENT_POLICIES).default('Manage')
    .describe('Manage (default): the operator makes Keycloak match the realm and every object in it. Observe: it writes nothing to Keycloak for them (not even its claim, and no deletion) and reports on each object a condition InSync (False listing the changes Manage would make); Ready stays True with reason Observed.'),
}), 'Desired state of the realm.', [
  {
    rule: '!has(self.login) || !has(self.login.forgotPassword) || !self.login.forgotPassword || has(self.email)',
    message: forgotPasswordNeedsEmail,
    fieldPath: '.login.forgotPassword',
    check: (v) => !v.login?.forgotPassword || v.email !== undefined,
  },
  {
    rule: '!has(self.login) || !has(self.login.verifyEmail) || !self.login.verifyEmail || has(self.email)',
    message: verifyEmailNeedsEmail,
    fieldPath: '.login.verifyEmail',
    check: (v) => !v.login?.verifyEmail || v.email !== undefined,
  },
  immutableRule('realm', 'spec.realm is immutable: create a new DashRealm for another realm'),
  immutableRule('clientId', 'spec.clientId is immutable: role grants recorded by DashRoleBindings refer to this client'),
]);

/** DashRealm.status: what Keycloak holds for the realm. */
export const dashRealmStatusSchema = z.object({
  ...statusBase,
  clientUuid: z.string().max(64).optional().describe('Internal id of the dash client.'),
  keycloakUrl: z.string().max(2048).optional().describe('Keycloak server the realm lives on.'),
  smtpPasswordVersion: z.string().max(256).optional()
    .describe('Opaque marker of the SMTP password Secret content last sent to Keycloak (never the password); a new marker re-sends it.'),
  adminEvents: z.object({
    enabledBy: z.enum(ADMIN_EVENTS_ENABLED_BY)
      .describe('Operator: the operator turned admin events on (and set adminEventsExpiration when none was set). External: they were on already; their retention is left exactly as it is.'),
  }).optional().describe('With driftDetection AdminEvents: the realm records admin events and the operator follows them. Absent in Resync mode and on Keycloak before 26.2.'),
  seats: z.object({
    licensedUsers: z.int().min(0).describe('Users holding licensed_user effectively: directly, through a group (or an ancestor group) or by default.'),
    admins: z.int().min(0).describe('Users holding admin effectively.'),
    users: z.int().min(0).describe('Users of the Keycloak realm.'),
  }).optional().describe('License seats as Keycloak holds them, counted from the realm-wide role holders, group mappings and default roles; refreshed when a user, group or binding of the realm changes.'),
  lastLogoutAll: z.object({
    value: z.string().max(1024).describe('Value of the logout-all annotation that was acted on.'),
    at: timestamp('When every session of the realm was logged out.'),
  }).optional().describe(`The last "log out everyone" requested with the ${ANNOTATIONS.logoutAll} annotation.`),
}).describe('Observed state of the realm.');

/** DashRealm.spec after defaults. */
export type DashRealmSpec = z.output<typeof dashRealmSpecSchema>;
/** DashRealm.spec as written in a manifest (defaults optional). */
export type DashRealmSpecInput = z.input<typeof dashRealmSpecSchema>;
/** DashRealm.status. */
export type DashRealmStatus = z.output<typeof dashRealmStatusSchema>;
/** AdminEvents or Resync. */
export type DriftDetection = (typeof DRIFT_DETECTIONS)[number];
/** How the operator treats pending logouts. */
export type LogoutPolicy = (typeof LOGOUT_POLICIES)[number];
/** What happens to a `licensed_user` removal. */
export type LicenseRevocationPolicy = (typeof LICENSE_REVOCATION_POLICIES)[number];
/** Manage or Observe. */
export type ManagementPolicy = (typeof MANAGEMENT_POLICIES)[number];
/** Additive or exclusive role management. */
export type RoleManagementPolicy = (typeof ROLE_MANAGEMENT_POLICIES)[number];
