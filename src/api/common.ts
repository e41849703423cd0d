import { z } from 'zod';
import { matchesRule, withRules } from './cel.js';

// Patterns are written to be both ECMAScript and RE2 (CEL, OpenAPI `pattern`) compatible:
// no lookarounds, no backreferences, and no `\s` (see WHITESPACE).
/** A Kubernetes object name (DNS-1123 subdomain). */
export const DNS_SUBDOMAIN_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Whitespace, for use inside a character class of a pattern built with the `u` flag. `\s`
 * means two things: ECMAScript's includes `\v` and the Unicode spaces (no-break space,
 * U+2028, U+3000...), RE2's only `[\t\n\f\r ]`, so admission accepted `a\u00a0b` where
 * parseSpec refused it. Spelled out, both engines read the same set (`\p{Z}` needs the `u`
 * flag in ECMAScript).
 */
export const WHITESPACE = String.raw`\t\n\v\f\r\p{Z}`;
const EMAIL = new RegExp(`^[^@${WHITESPACE}]+@[^@${WHITESPACE}]+\\.[^@${WHITESPACE}]+$`, 'u');
const RFC3339 = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/;

/** A group path as Dash Enterprise shows it, `Parent/child`; a leading `/` is accepted. */
export const GROUP_PATH_PATTERN = /^\/?[^/]+(\/[^/]+)*$/;

/** A client role name of the `dash` client (`viewer`, `licensed_user`, `admin`, or a custom one). */
export const ROLE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** A required action alias such as `CONFIGURE_TOTP` or `webauthn-register`. */
export const REQUIRED_ACTION_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** A Keycloak username as Keycloak stores it: lowercase, no whitespace. */
export const USERNAME_PATTERN = new RegExp(`^[^A-Z${WHITESPACE}]+$`, 'u');

/** A Kubernetes object name (DNS-1123 subdomain), as every `*Ref.name` must be. */
export function kubeName(description: string) {
  return z.string().min(1).max(253)
    .regex(DNS_SUBDOMAIN_PATTERN, { error: 'must be a Kubernetes object name: lowercase letters, digits, "-" and "."' })
    .describe(description);
}

/** `{name}` of another resource in the same namespace. */
export function localRef(description: string, target: string) {
  return z.object({ name: kubeName(`Name of the ${target} in the same namespace.`) }).describe(description);
}

/** `{name, key}` of a Secret or ConfigMap in the same namespace. */
export function keyRef(description: string, target: 'Secret' | 'ConfigMap') {
  return z.object({
    name: kubeName(`Name of the ${target} in the same namespace.`),
    key: z.string().min(1).max(253)
      .regex(SECRET_KEY, { error: `must be a ${target} key: letters, digits, "-", "_" and "."` })
      .describe(`Key in the ${target}'s data.`),
  }).describe(description);
}

/** An e-mail address (checked loosely: Keycloak and the SMTP server have the last word). */
export function emailAddress(description: string) {
  return z.string().max(254).regex(EMAIL, { error: 'must be an e-mail address like name@example.com' }).describe(description);
}

/** A group path (`Parent/child`, leading `/` accepted), validated with the same CEL rule at admission. */
export function groupPath(description: string) {
  return withRules(z.string().min(1).max(1024), description, [
    matchesRule(GROUP_PATH_PATTERN, 'must be a group path like Parent/child'),
  ]);
}

/** A client role name of the realm's `dash` client. */
export function roleName(description: string) {
  return withRules(z.string().min(1).max(128), description, [
    matchesRule(ROLE_NAME_PATTERN, "must be a client role name such as viewer, licensed_user or admin: letters, digits, '.', '_', ':' and '-'"),
  ]);
}

/** A required action alias. */
export function requiredActionAlias(description: string) {
  return withRules(z.string().min(1).max(128), description, [
    matchesRule(REQUIRED_ACTION_PATTERN, 'must be a required action alias such as CONFIGURE_TOTP, UPDATE_PASSWORD or webauthn-register'),
  ]);
}

/** A Keycloak username (a DashUser's, or one that arrives through an IdP or federation). */
export function username(description: string) {
  return withRules(z.string().min(1).max(255), description, [
    matchesRule(USERNAME_PATTERN, 'must be a Keycloak username: lowercase (Keycloak stores usernames in lowercase) and without whitespace'),
  ]);
}

/**
 * The check behind `x-kubernetes-list-type: set` (items compared whole) or `map` (items
 * compared by `identity`), for `.superRefine`: the API server refuses a repeated item with
 * `Duplicate value`, so parseSpec must too, at the same index.
 */
export function uniqueItems<T>(identity: (item: T) => unknown = (item) => item) {
  return (items: readonly T[], ctx: z.RefinementCtx<T[]>): void => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const key = JSON.stringify(identity(item));
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `Duplicate value: ${key}`, path: [index] });
      seen.add(key);
    });
  };
}

/** The deletion policies; `Retain` leaves the Keycloak object in place when the resource is deleted. */
export const DELETION_POLICIES = ['Delete', 'Retain'] as const;

/** What happens in Keycloak when the resource is deleted. */
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

/** A DashUser's deletion policies: Disable keeps the account (and its history) but disables it and ends its sessions. */
export const USER_DELETION_POLICIES = ['Delete', 'Retain', 'Disable'] as const;

/** What happens to the Keycloak user when its DashUser is deleted. */
export type UserDeletionPolicy = (typeof USER_DELETION_POLICIES)[number];

/** An RFC 3339 timestamp, as Kubernetes writes them. */
export function timestamp(description: string) {
  return z.string().max(64).regex(RFC3339, { error: 'must be an RFC 3339 timestamp' }).meta({ format: 'date-time', description });
}

/** A bounded list of strings (role names, group paths, usernames) reported in status. */
export function stringList(description: string, maxItems: number, maxLength = 1024) {
  return z.array(z.string().max(maxLength)).max(maxItems).describe(`${description} ${capNote(maxItems)}`);
}

/** The sentence every capped status list carries in its description (and so in docs/api.md). */
export function capNote(maxItems: number): string {
  return `At most ${maxItems} entries (the first ones); how many were left out is in the ${STATUS_TRUNCATED_CONDITION} condition.`;
}

/**
 * The condition, True while status left something out to fit the CRD's bounds (a list's
 * entries beyond its bound, a text's characters beyond its maximum length); its message counts
 * them by field path. Absent when status is complete.
 */
export const STATUS_TRUNCATED_CONDITION = 'StatusTruncated';

/** Condition statuses, as in metav1.Condition. */
export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;

/** One status condition in the Kubernetes convention (the runtime writes exactly this shape). */
export const conditionSchema = z.object({
  type: z.string().min(1).max(316).describe('Kind of condition; `Ready` is always present.'),
  status: z.enum(CONDITION_STATUSES).describe('True, False or Unknown.'),
  reason: z.string().min(1).max(1024).describe('CamelCase reason for the last transition, e.g. Reconciled, InvalidSpec, WaitingForGroup.'),
  message: z.string().max(32768).describe('Human-readable details; identical failures give identical messages.'),
  lastTransitionTime: timestamp('When the status last changed.'),
  observedGeneration: z.int().min(0).optional().describe('The .metadata.generation the condition was set for.'),
}).describe('A status condition.');

/** A status condition. */
export type Condition = z.output<typeof conditionSchema>;

/** Status fields shared by the kinds backed by one Keycloak object: observedGeneration, conditions, keycloakId, adopted. */
export const statusBase = {
  observedGeneration: z.int().min(0).optional().describe('The .metadata.generation the operator last acted on.'),
  conditions: z.array(conditionSchema).max(16)
    .meta({
      description: `Current state; \`Ready\` is always present (first). \`${STATUS_TRUNCATED_CONDITION}\` (True) says that status lists `
        + 'were capped or texts cut to fit their bounds, and counts what was left out by field path, e.g. "groups: 44 entries; groups[0]: 131 characters". At most 16.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    })
    .optional(),
  keycloakId: z.string().max(64).optional().describe('Id of the Keycloak object.'),
  adopted: z.boolean().optional().describe('True when the Keycloak object existed before and was adopted, false when the operator created it.'),
};
