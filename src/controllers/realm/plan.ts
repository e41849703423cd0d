import { USER_OWNER_ATTRIBUTE } from '../../api/constants.js';
import { DEFAULT_ADMIN_EVENTS_EXPIRATION_SECONDS, type DashRealmSpec } from '../../api/realm.js';
import type { RealmUpdate } from '../../keycloak/port.js';
import { renderPasswordPolicy, samePasswordPolicy } from './password-policy.js';

/** The realm settings a DashRealm's spec manages: a part of what Keycloak's realm update takes. */
export type RealmSettings = Pick<RealmUpdate, 'registrationAllowed' | 'resetPasswordAllowed' | 'rememberMe' | 'verifyEmail'
  | 'loginWithEmailAllowed' | 'duplicateEmailsAllowed' | 'editUsernameAllowed' | 'passwordPolicy' | 'smtpServer'
  | 'bruteForceProtected' | 'failureFactor' | 'waitIncrementSeconds' | 'maxFailureWaitSeconds' | 'permanentLockout'>;

/** What Keycloak holds for the realm, as far as the plan needs it. */
export interface ObservedRealm {
  /** Current values; `smtpServer` never holds the password (Keycloak only shows a mask). */
  settings: RealmSettings;
  /** Whether Keycloak holds an SMTP password. */
  smtpPasswordSet: boolean;
  /** Undefined when the `dash` client does not exist. */
  client?: { uuid: string; roles: readonly string[] };
  /** Client roles of the `dash` client inside `default-roles-<realm>`. */
  defaultClientRoles: readonly string[];
  requiredActions: readonly { alias: string; enabled: boolean; defaultAction: boolean }[];
  /** Attribute names the realm's user profile declares. */
  userProfileAttributes: readonly string[];
  /** Whether the realm records admin events, and whether an `adminEventsExpiration` is set. */
  adminEvents: { enabled: boolean; expirationSet: boolean };
}

/** Inputs resolved outside the plan: Secret contents and what status remembers. */
export interface RealmInputs {
  /** The SMTP password from its Secret, when spec.email.auth is set. */
  smtpPassword?: string;
  /** Identity of the SMTP password's current Secret content, and the one last sent to Keycloak. */
  smtpPasswordVersion?: string;
  appliedSmtpPasswordVersion?: string;
  /** The realm was adopted (not created by the operator): its user profile is left alone until a user is created (see RealmView.ensureUserOwnerAttribute). */
  adopted?: boolean;
  /** The logout-all annotation's value, and the value last acted on. */
  logoutAllRequest?: string;
  logoutAllDone?: string;
  /** Whether the Keycloak server answers epoch-millisecond admin event queries (26.2+); only asked with driftDetection AdminEvents. */
  adminEventsSupported?: boolean;
}

/** One change to Keycloak; the apply step executes these in order without decisions of its own. */
export type RealmStep =
  | { kind: 'createRealm' }
  | { kind: 'declareUserOwnerAttribute' }
  | { kind: 'createClient' }
  | { kind: 'createClientRole'; role: string }
  | { kind: 'addDefaultClientRole'; role: string }
  | { kind: 'updateRealm'; settings: RealmSettings; fields: string[] }
  | { kind: 'updateRequiredAction'; alias: string; enabled: boolean; defaultAction: boolean }
  | { kind: 'enableAdminEvents'; expirationSeconds?: number }
  | { kind: 'logoutAll'; request: string };

/** Dash Enterprise's client roles, and the one every user gets through the default roles. */
export const DASH_CLIENT_ROLES = ['admin', 'licensed_user', 'viewer'] as const;
const DEFAULT_ROLE = 'viewer';

/**
 * Plans the realm: structure first (realm, `dash` client, its roles, `viewer` as a default
 * role), then only the settings the spec sets and Keycloak differs on, then required actions.
 * `observed` undefined means the realm does not exist. Empty result: up to date.
 */
export function planRealm(spec: DashRealmSpec, observed: ObservedRealm | undefined, inputs: RealmInputs): RealmStep[] {
  const steps: RealmStep[] = [];
  if (!observed) steps.push({ kind: 'createRealm' });
  // Users the operator creates carry their owner mark only if the user profile declares it. In
  // an adopted realm that waits for the first user the operator creates: adopting writes nothing.
  if (!inputs.adopted && !observed?.userProfileAttributes.includes(USER_OWNER_ATTRIBUTE)) steps.push({ kind: 'declareUserOwnerAttribute' });
  if (!observed?.client) steps.push({ kind: 'createClient' });
  const roles = new Set(observed?.client?.roles ?? []);
  for (const role of DASH_CLIENT_ROLES) if (!roles.has(role)) steps.push({ kind: 'createClientRole', role });
  if (!observed?.defaultClientRoles.includes(DEFAULT_ROLE)) steps.push({ kind: 'addDefaultClientRole', role: DEFAULT_ROLE });
  const update = settingsDiff(desiredSettings(spec, inputs), observed, inputs);
  if (update.fields.length > 0) steps.push({ kind: 'updateRealm', ...update });
  steps.push(...requiredActionSteps(spec, observed));
  if (followsAdminEvents(spec, inputs) && !observed?.adminEvents.enabled) steps.push(adminEventsStep(observed));
  if (inputs.logoutAllRequest && inputs.logoutAllRequest !== inputs.logoutAllDone) {
    steps.push({ kind: 'logoutAll', request: inputs.logoutAllRequest });
  }
  return steps;
}

/** The realm settings the spec manages; absent spec fields are absent here (unmanaged). */
export function desiredSettings(spec: DashRealmSpec, inputs: RealmInputs): RealmSettings {
  const login = spec.login ?? {};
  const settings: RealmSettings = {
    registrationAllowed: login.userRegistration,
    resetPasswordAllowed: login.forgotPassword,
    rememberMe: login.rememberMe,
    verifyEmail: login.verifyEmail,
    loginWithEmailAllowed: login.loginWithEmail,
    duplicateEmailsAllowed: login.duplicateEmails,
    editUsernameAllowed: login.editUsername,
    bruteForceProtected: spec.bruteForceProtection?.enabled,
    failureFactor: spec.bruteForceProtection?.failureFactor,
    waitIncrementSeconds: spec.bruteForceProtection?.waitIncrementSeconds,
    maxFailureWaitSeconds: spec.bruteForceProtection?.maxFailureWaitSeconds,
    permanentLockout: spec.bruteForceProtection?.permanentLockout,
  };
  if (spec.passwordPolicy) settings.passwordPolicy = renderPasswordPolicy(spec.passwordPolicy);
  if (spec.email) settings.smtpServer = smtpMap(spec.email, inputs.smtpPassword);
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as RealmSettings;
}

/** Keycloak's `smtpServer` map: every value a string; the full map is always sent. */
export function smtpMap(email: NonNullable<DashRealmSpec['email']>, password: string | undefined): Record<string, string> {
  const map: Record<string, string | undefined> = {
    host: email.host,
    port: email.port === undefined ? undefined : String(email.port),
    from: email.from,
    fromDisplayName: email.fromDisplayName,
    replyTo: email.replyTo,
    replyToDisplayName: email.replyToDisplayName,
    envelopeFrom: email.envelopeFrom,
    ssl: String(email.ssl),
    starttls: String(email.starttls),
    auth: String(email.auth !== undefined),
    user: email.auth?.username,
    password: email.auth ? password : undefined,
  };
  return Object.fromEntries(Object.entries(map).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
}

function settingsDiff(desired: RealmSettings, realm: ObservedRealm | undefined, inputs: RealmInputs): { settings: RealmSettings; fields: string[] } {
  const observed = realm?.settings ?? {};
  const fields = (Object.keys(desired) as (keyof RealmSettings)[]).filter((field) => {
    if (field === 'passwordPolicy') return !samePasswordPolicy(desired.passwordPolicy, observed.passwordPolicy);
    if (field === 'smtpServer') return !smtpMatches(desired.smtpServer ?? {}, observed.smtpServer ?? {}, realm?.smtpPasswordSet ?? false, inputs);
    return desired[field] !== observed[field];
  }).sort();
  const settings = Object.fromEntries(fields.map((f) => [f, desired[f]])) as RealmSettings;
  return { settings, fields };
}

/**
 * Compares SMTP maps without the password: Keycloak returns it masked (`**********`), so
 * it can never be compared. A password change is seen through the Secret's version instead.
 */
export function smtpMatches(desired: Record<string, string>, observed: Record<string, string>, passwordSet: boolean, inputs: RealmInputs): boolean {
  const keys = new Set([...Object.keys(desired), ...Object.keys(observed)]);
  keys.delete('password');
  for (const key of keys) if ((desired[key] ?? '') !== (observed[key] ?? '')) return false;
  if (desired.password === undefined) return true;
  // No stored password at all (Keycloak cleared it, e.g. after a host change): send it.
  if (!passwordSet) return false;
  return inputs.smtpPasswordVersion === inputs.appliedSmtpPasswordVersion;
}

/** Whether drift is followed through the realm's admin events: asked for, and the server can. */
export function followsAdminEvents(spec: DashRealmSpec, inputs: RealmInputs): boolean {
  return spec.driftDetection === 'AdminEvents' && inputs.adminEventsSupported === true;
}

// Retention is set only together with turning admin events on, and only where none is set:
// a realm whose admin events someone else keeps (maybe forever, for an audit) keeps them as is.
function adminEventsStep(observed: ObservedRealm | undefined): RealmStep {
  return observed?.adminEvents.expirationSet ? { kind: 'enableAdminEvents' } : { kind: 'enableAdminEvents', expirationSeconds: DEFAULT_ADMIN_EVENTS_EXPIRATION_SECONDS };
}

function requiredActionSteps(spec: DashRealmSpec, observed: ObservedRealm | undefined): RealmStep[] {
  const have = new Map((observed?.requiredActions ?? []).map((a) => [a.alias, a]));
  return (spec.requiredActions ?? [])
    .filter((want) => {
      const got = have.get(want.alias);
      return !got || got.enabled !== want.enabled || got.defaultAction !== want.defaultAction;
    })
    .sort((a, b) => a.alias.localeCompare(b.alias))
    .map((want) => ({ kind: 'updateRequiredAction', alias: want.alias, enabled: want.enabled, defaultAction: want.defaultAction }));
}
