import { z } from 'zod';
import { withRules } from './cel.js';
import { emailAddress, keyRef } from './common.js';

/** DashRealm.spec.email: the realm's SMTP settings. */
export const emailSchema = z.object({
  host: z.string().min(1).max(255).describe('SMTP server host name.'),
  port: z.int().min(1).max(65535).optional().describe('SMTP server port (1-65535); unset: 25, or 465 with ssl.'),
  from: emailAddress('Sender address of the e-mails Keycloak sends.'),
  fromDisplayName: z.string().max(255).optional().describe('Display name of the sender, e.g. Dash Enterprise.'),
  replyTo: emailAddress('Reply-To address.').optional(),
  replyToDisplayName: z.string().max(255).optional().describe('Display name of the Reply-To address.'),
  envelopeFrom: emailAddress('Envelope sender (bounce address).').optional(),
  ssl: z.boolean().default(false).describe('Connect with implicit TLS (SMTPS, usually port 465).'),
  starttls: z.boolean().default(false).describe('Upgrade the connection with STARTTLS (usually port 587).'),
  auth: z.object({
    username: z.string().min(1).max(255).describe('SMTP user name.'),
    passwordSecretRef: keyRef('Secret key holding the SMTP password; never copied into status or events.', 'Secret'),
  }).optional().describe('SMTP authentication; unset: the server is used without authentication.'),
}).describe('SMTP settings Keycloak uses for password reset, e-mail verification and execute-actions e-mails. Sent to Keycloak as a whole.');

const count = (description: string, min = 0) => z.int().min(min).max(1024).optional().describe(description);

/**
 * DashRealm.spec.passwordPolicy, rendered to Keycloak's policy string
 * (`length(12) and digits(1) and notUsername(undefined)`). Unset: Keycloak's policy is left
 * as it is; `{}`: no policy.
 */
export const passwordPolicySchema = withRules(z.object({
  length: count('Minimum length.', 1),
  maxLength: count('Maximum length.', 1),
  digits: count('Minimum number of digits.'),
  lowerCase: count('Minimum number of lower-case letters.'),
  upperCase: count('Minimum number of upper-case letters.'),
  specialChars: count('Minimum number of special characters.'),
  notUsername: z.boolean().optional().describe('The password may not equal the username.'),
  notEmail: z.boolean().optional().describe('The password may not equal the e-mail address.'),
  passwordHistory: z.int().min(1).max(1000).optional().describe('Number of previous passwords that may not be reused.'),
  forceExpiredPasswordChange: z.int().min(1).max(36500).optional().describe('Days after which the password must be changed.'),
  regexPattern: z.string().min(1).max(1024).optional().describe('Java regular expression the password must match.'),
  hashIterations: z.int().min(1).max(10_000_000).optional().describe('Hashing iterations.'),
  hashAlgorithm: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, { error: 'must be a hash provider id such as pbkdf2-sha512 or argon2' })
    .optional().describe('Hash provider id, e.g. pbkdf2-sha512 or argon2.'),
}), 'Password policy; only the fields that are set are part of it. Unset: left as it is in Keycloak; {}: no policy.', [{
  rule: '!has(self.length) || !has(self.maxLength) || self.maxLength >= self.length',
  message: 'spec.passwordPolicy.maxLength must be at least spec.passwordPolicy.length',
  fieldPath: '.maxLength',
  check: (v) => v.length === undefined || v.maxLength === undefined || v.maxLength >= v.length,
}]);

/**
 * DashRealm.spec.bruteForceProtection: Keycloak's brute-force detection (lockouts after failed
 * logins). Only the fields that are set are managed; unset ones stay as Keycloak has them.
 */
export const bruteForceProtectionSchema = z.object({
  enabled: z.boolean().optional().describe("Lock users out after repeated failed logins (Keycloak's bruteForceProtected)."),
  failureFactor: z.int().min(1).max(10_000).optional().describe('Failed logins before a lockout (failureFactor).'),
  waitIncrementSeconds: z.int().min(1).max(31_536_000).optional().describe('How long a temporary lockout lasts, growing with each further failure (waitIncrementSeconds).'),
  maxFailureWaitSeconds: z.int().min(1).max(31_536_000).optional().describe('The longest temporary lockout (maxFailureWaitSeconds).'),
  permanentLockout: z.boolean().optional().describe('Lock out until an administrator unlocks the user (annotation identity.dashops.dev/unlock on the DashUser), instead of for a while.'),
}).describe("Brute-force protection of the realm's logins; only the fields that are set are managed. With enabled: true, DashUser status reports lockedOut.");

/** DashRealm.spec.bruteForceProtection. */
export type BruteForceProtection = z.output<typeof bruteForceProtectionSchema>;

/** DashRealm.spec.email after defaults. */
export type EmailSettings = z.output<typeof emailSchema>;
/** DashRealm.spec.passwordPolicy. */
export type PasswordPolicy = z.output<typeof passwordPolicySchema>;
