import { REQUIRED_ACTION_PATTERN, type DashRealmSpecInput, type PasswordPolicy } from '../api/index.js';
import { parsePasswordPolicy } from '../controllers/realm/password-policy.js';
import type { KeycloakRealm, RequiredAction } from '../keycloak/port.js';
import { byCodePoint } from './names.js';

/** A DashRealm spec as exported, with what could not be expressed (said in a YAML comment). */
export interface ExportedRealmSpec {
  spec: DashRealmSpecInput;
  notes: string[];
}

const NUMBER_POLICIES = ['length', 'maxLength', 'digits', 'lowerCase', 'upperCase', 'specialChars', 'passwordHistory', 'forceExpiredPasswordChange', 'hashIterations'] as const;
const FLAG_POLICIES = ['notUsername', 'notEmail'] as const;
const TEXT_POLICIES = ['regexPattern', 'hashAlgorithm'] as const;

/**
 * The DashRealm spec of a live realm, for the fields the API manages and only the settings the
 * realm has: the login switches, the password policy when it has one the API can express,
 * every registered required action, brute-force protection when it is on. SMTP settings are left
 * out (their password cannot be read).
 */
export function exportRealmSpec(realm: KeycloakRealm, requiredActions: readonly RequiredAction[], clientId: string): ExportedRealmSpec {
  const notes: string[] = [];
  const login: NonNullable<DashRealmSpecInput['login']> = {
    userRegistration: realm.registrationAllowed,
    rememberMe: realm.rememberMe,
    loginWithEmail: realm.loginWithEmailAllowed,
    duplicateEmails: realm.duplicateEmailsAllowed,
    editUsername: realm.editUsernameAllowed,
  };
  // Both need spec.email, which is never exported: left unmanaged rather than switched off.
  if (!realm.resetPasswordAllowed) login.forgotPassword = false;
  else notes.push('login.forgotPassword (true in Keycloak) is left out: it needs spec.email, whose SMTP password cannot be exported');
  if (!realm.verifyEmail) login.verifyEmail = false;
  else notes.push('login.verifyEmail (true in Keycloak) is left out: it needs spec.email, whose SMTP password cannot be exported');
  if (Object.keys(realm.smtpServer).length > 0) notes.push('email (SMTP settings) is left out: Keycloak never shows the SMTP password; add spec.email with a passwordSecretRef to manage it');
  const spec: DashRealmSpecInput = { realm: realm.realm, clientId, login: sortKeys(login) };
  const policy = exportPasswordPolicy(realm.passwordPolicy);
  if (policy.policy) spec.passwordPolicy = policy.policy;
  if (policy.note) notes.push(policy.note);
  // Off is Keycloak's default: left unset (unmanaged) so that adopting writes nothing.
  if (realm.bruteForceProtected) {
    spec.bruteForceProtection = {
      enabled: true, failureFactor: realm.failureFactor, waitIncrementSeconds: realm.waitIncrementSeconds,
      maxFailureWaitSeconds: realm.maxFailureWaitSeconds, permanentLockout: realm.permanentLockout,
    };
  }
  const actions = exportRequiredActions(requiredActions);
  if (actions.actions.length > 0) spec.requiredActions = actions.actions;
  notes.push(...actions.notes);
  return { spec, notes };
}

/** Keycloak's policy string as spec.passwordPolicy; none when empty or when it holds a policy the API cannot express. */
export function exportPasswordPolicy(text: string): { policy?: PasswordPolicy; note?: string } {
  const parsed = parsePasswordPolicy(text);
  if (parsed.size === 0) return {};
  const policy: Record<string, number | boolean | string> = {};
  const unknown: string[] = [];
  for (const [id, arg] of [...parsed].sort(([a], [b]) => byCodePoint(a, b))) {
    if ((NUMBER_POLICIES as readonly string[]).includes(id) && /^\d+$/.test(arg)) policy[id] = Number(arg);
    else if ((FLAG_POLICIES as readonly string[]).includes(id)) policy[id] = true;
    else if ((TEXT_POLICIES as readonly string[]).includes(id) && arg !== '') policy[id] = arg;
    else unknown.push(id);
  }
  if (unknown.length > 0) {
    return { note: `passwordPolicy is left out (unmanaged): Keycloak's policy has ${unknown.join(', ')}, which spec.passwordPolicy cannot express` };
  }
  return { policy: policy as PasswordPolicy };
}

function exportRequiredActions(actions: readonly RequiredAction[]): { actions: NonNullable<DashRealmSpecInput['requiredActions']>; notes: string[] } {
  const notes: string[] = [];
  const out: NonNullable<DashRealmSpecInput['requiredActions']> = [];
  for (const action of [...actions].sort((a, b) => byCodePoint(a.alias, b.alias))) {
    if (!REQUIRED_ACTION_PATTERN.test(action.alias) || action.alias.length > 128) {
      notes.push(`required action ${JSON.stringify(action.alias)} is left out: not an alias spec.requiredActions accepts`);
    } else if (action.defaultAction && !action.enabled) {
      notes.push(`required action ${action.alias} is left out: Keycloak has it as a default action while disabled, which the API refuses`);
    } else {
      out.push({ alias: action.alias, enabled: action.enabled, defaultAction: action.defaultAction });
    }
  }
  return { actions: out.slice(0, 64), notes: out.length > 64 ? [...notes, `${out.length - 64} required actions beyond the first 64 are left out`] : notes };
}

function sortKeys<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => byCodePoint(a, b))) as T;
}
