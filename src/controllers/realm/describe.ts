import { ANNOTATIONS, USER_OWNER_ATTRIBUTE } from '../../api/constants.js';
import type { RealmSettings, RealmStep } from './plan.js';

/** Where each realm setting lives in DashRealm.spec. */
const SPEC_FIELD: Record<keyof RealmSettings, string> = {
  registrationAllowed: 'login.userRegistration', resetPasswordAllowed: 'login.forgotPassword', rememberMe: 'login.rememberMe',
  verifyEmail: 'login.verifyEmail', loginWithEmailAllowed: 'login.loginWithEmail', duplicateEmailsAllowed: 'login.duplicateEmails',
  editUsernameAllowed: 'login.editUsername', passwordPolicy: 'passwordPolicy', smtpServer: 'email',
  bruteForceProtected: 'bruteForceProtection.enabled', failureFactor: 'bruteForceProtection.failureFactor',
  waitIncrementSeconds: 'bruteForceProtection.waitIncrementSeconds', maxFailureWaitSeconds: 'bruteForceProtection.maxFailureWaitSeconds',
  permanentLockout: 'bruteForceProtection.permanentLockout',
};

/**
 * A realm step as lines a person reads (`login.rememberMe: true -> false`), for `diff` and the
 * InSync condition; `observed`: the settings Keycloak holds (undefined: no realm). Pure. Never
 * shows a password (the SMTP password is left out of every line).
 */
export function describeRealmStep(step: RealmStep, observed: RealmSettings | undefined): string[] {
  switch (step.kind) {
    case 'createRealm': return ['realm: created'];
    case 'declareUserOwnerAttribute': return [`user profile: + attribute ${USER_OWNER_ATTRIBUTE}`];
    case 'createClient': return ['client: created'];
    case 'createClientRole': return [`client roles: + ${step.role}`];
    case 'addDefaultClientRole': return [`default roles: + ${step.role}`];
    case 'updateRealm': return step.fields.flatMap((f) => settingLines(f as keyof RealmSettings, observed, step.settings));
    case 'updateRequiredAction': return [`requiredActions[${step.alias}]: enabled ${step.enabled}, defaultAction ${step.defaultAction}`];
    case 'enableAdminEvents': return [`admin events: turned on${step.expirationSeconds === undefined ? '' : `, kept ${step.expirationSeconds} s`} (driftDetection: AdminEvents)`];
    case 'logoutAll': return [`${ANNOTATIONS.logoutAll}: every session of the realm ended`];
  }
}

function settingLines(field: keyof RealmSettings, observed: RealmSettings | undefined, desired: RealmSettings): string[] {
  if (field !== 'smtpServer') return [`${SPEC_FIELD[field]}: ${shown(observed?.[field])} -> ${shown(desired[field])}`];
  const was = observed?.smtpServer ?? {};
  const want = desired.smtpServer ?? {};
  return [...new Set([...Object.keys(was), ...Object.keys(want)])].filter((k) => k !== 'password' && was[k] !== want[k]).sort()
    .map((k) => `email.${k}: ${shown(was[k])} -> ${shown(want[k])}`);
}

/** A value in an `old -> new` line: JSON, so strings with spaces, quotes or newlines stay one readable token. */
export function shown(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}
