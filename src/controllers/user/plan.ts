import { USER_OWNER_ATTRIBUTE } from '../../api/constants.js';
import type { DashUserSpec } from '../../api/user.js';
import type { UserFields } from '../../keycloak/port.js';
import type { GrantsAtCreation } from './grants-at-creation.js';

/** What Keycloak holds for the user, as far as the plan needs it. */
export interface ObservedUser {
  id: string;
  fields: UserFields;
  /** Paths (`Parent/child`) of the groups the user is a member of, with their ids. */
  groups: ReadonlyMap<string, string>;
}

/** Inputs resolved outside the plan: group ids, the password Secret, what status remembers. */
export interface UserInputs {
  /** Desired group path -> Keycloak id (every desired group resolved, else the reconcile waits). */
  groupIds: ReadonlyMap<string, string>;
  /** Marker of the password Secret's current content (undefined: no initialPassword). */
  passwordVersion?: string;
  /** Marker of the content the password was last set from (undefined: never set). */
  appliedPasswordVersion?: string;
  /** Whether the execute-actions e-mail was sent already. */
  actionsEmailSent: boolean;
  /** The owner mark (`<namespace>/<name>` of the DashUser) a created user carries from its create request on. */
  owner: string;
  /** The existing user was created by this DashUser (not adopted): its initial password and e-mail are still ours to give. */
  owned?: boolean;
  /** Whether the existing user has a password credential (read only while status records no initial password). */
  hasPassword?: boolean;
  /** Keys of spec.attributes Keycloak's user profile drops: reported, never written again. */
  droppedAttributes?: ReadonlySet<string>;
  /** Roles bindings recorded for the user before it exists: it is created holding them (read only to create). */
  grants?: GrantsAtCreation;
}

/** One change to Keycloak for a DashUser. */
export type UserStep =
  /**
   * Created in its groups at once (Keycloak takes group paths in the new user): no join
   * afterwards; then given the roles bindings recorded for it (`grants`, possibly none).
   */
  | { kind: 'createUser'; username: string; fields: UserFields; groups: { path: string; groupId: string }[]; grants: GrantsAtCreation }
  | { kind: 'updateUser'; fields: UserFields; changed: string[] }
  | { kind: 'joinGroup'; groupId: string; path: string }
  | { kind: 'leaveGroup'; groupId: string; path: string }
  | { kind: 'setPassword'; temporary: boolean }
  | { kind: 'sendActionsEmail'; actions: string[]; lifespanSeconds: number }
  /** Ends every session of the user; `sessions` counts the ones that made it necessary (see plan-logout.ts). */
  | { kind: 'logout'; cause: 'disabled' | 'staleRoles'; sessions: number };

// Keycloak adds UPDATE_PASSWORD itself for a temporary password: dropping it would let the
// user skip the change, so the operator never removes it.
const KEPT_ACTIONS = ['UPDATE_PASSWORD'];

/**
 * Plans the user: create it (enabled unless the spec says otherwise), otherwise write only the
 * fields the spec sets that differ (never an attribute Keycloak drops), join/leave groups so
 * membership equals `spec.groups` when set, and give a user we created its initial password or
 * e-mail until status records it. `observed` undefined: the user does not exist. Empty: up to date.
 */
export function planUser(spec: DashUserSpec, observed: ObservedUser | undefined, inputs: UserInputs): UserStep[] {
  const desired = withoutDropped(desiredFields(spec), inputs.droppedAttributes);
  if (!observed) {
    const groups = [...inputs.groupIds].sort(([a], [b]) => a.localeCompare(b)).map(([path, groupId]) => ({ path, groupId }));
    // Keycloak creates a user without `enabled` disabled; an unset spec.enabled means enabled at birth.
    const fields = { ...desired, enabled: desired.enabled ?? true, attributes: { ...desired.attributes, [USER_OWNER_ATTRIBUTE]: [inputs.owner] } };
    // A new account gets its password even if status recorded one for a user since deleted.
    const fresh = { ...inputs, appliedPasswordVersion: undefined, hasPassword: false };
    const grants = inputs.grants ?? { roles: [], bindings: [] };
    return [{ kind: 'createUser', username: spec.username, fields, groups, grants }, ...credentialSteps(spec, fresh, true)];
  }
  const steps: UserStep[] = [];
  const changed = changedFields(desired, observed.fields);
  if (changed.length > 0) steps.push({ kind: 'updateUser', fields: mergeForUpdate(desired, observed.fields, changed), changed });
  steps.push(...membershipSteps(spec, observed, inputs));
  steps.push(...credentialSteps(spec, inputs, inputs.owned ?? false));
  return steps;
}

/** The user fields the spec manages; absent spec fields stay absent (unmanaged). */
export function desiredFields(spec: DashUserSpec): UserFields {
  const fields: UserFields = {
    email: spec.email, firstName: spec.firstName, lastName: spec.lastName, enabled: spec.enabled,
    emailVerified: spec.emailVerified,
    requiredActions: spec.requiredActions ? [...spec.requiredActions].sort() : undefined,
    attributes: spec.attributes,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as UserFields;
}

/**
 * The initial password and the execute-actions e-mail, for a user this DashUser creates or
 * created (`ours`), until status records them: a pass that failed after the create (policy
 * rejection, a 5xx, a crash) tries again. A password someone set meanwhile counts as given.
 * After that, the password is set again only when the Secret changed and the spec opts in; an
 * adopted user keeps its password (re-setting would break passwordHistory).
 */
function credentialSteps(spec: DashUserSpec, inputs: UserInputs, ours: boolean): UserStep[] {
  const steps: UserStep[] = [];
  const password = spec.initialPassword;
  const applied = inputs.appliedPasswordVersion;
  const initial = applied === undefined && ours && inputs.hasPassword !== true;
  const rotate = applied !== undefined && password?.rotateOnChange && inputs.passwordVersion !== applied;
  if (password && (initial || rotate)) steps.push({ kind: 'setPassword', temporary: password.temporary });
  if (spec.executeActionsEmail && !inputs.actionsEmailSent && ours) {
    steps.push({ kind: 'sendActionsEmail', actions: [...spec.executeActionsEmail.actions], lifespanSeconds: spec.executeActionsEmail.lifespanSeconds });
  }
  return steps;
}

function withoutDropped(fields: UserFields, dropped: ReadonlySet<string> | undefined): UserFields {
  if (!fields.attributes || !dropped?.size) return fields;
  return { ...fields, attributes: Object.fromEntries(Object.entries(fields.attributes).filter(([k]) => !dropped.has(k))) };
}

function changedFields(desired: UserFields, observed: UserFields): string[] {
  return (Object.keys(desired) as (keyof UserFields)[]).filter((field) => {
    if (field === 'requiredActions') {
      const want = withKept(desired.requiredActions ?? [], observed.requiredActions ?? []);
      return !sameSet(want, observed.requiredActions ?? []);
    }
    if (field === 'attributes') {
      return Object.entries(desired.attributes ?? {}).some(([k, v]) => !sameList(v, observed.attributes?.[k] ?? []));
    }
    return asStored(field, desired[field]) !== asStored(field, observed[field]);
  }).sort();
}

// Keycloak stores no empty first/last name or e-mail, and e-mail addresses in lower case:
// compare the spec as Keycloak would hold it, or the same update goes out on every pass.
function asStored(field: keyof UserFields, value: UserFields[keyof UserFields]): unknown {
  if (field !== 'email' && field !== 'firstName' && field !== 'lastName') return value;
  if (value === '' || value === undefined) return undefined;
  return field === 'email' && typeof value === 'string' ? value.toLowerCase() : value;
}

// Keycloak replaces attributes and required actions wholesale on update: merge so that
// unmanaged attribute keys and kept actions survive.
function mergeForUpdate(desired: UserFields, observed: UserFields, changed: string[]): UserFields {
  const out: UserFields = {};
  for (const field of changed as (keyof UserFields)[]) {
    if (field === 'attributes') out.attributes = { ...observed.attributes, ...desired.attributes };
    else if (field === 'requiredActions') out.requiredActions = withKept(desired.requiredActions ?? [], observed.requiredActions ?? []);
    else (out as Record<string, unknown>)[field] = desired[field];
  }
  return out;
}

function membershipSteps(spec: DashUserSpec, observed: ObservedUser, inputs: UserInputs): UserStep[] {
  if (!spec.groups) return [];
  const join = [...inputs.groupIds].filter(([path]) => !observed.groups.has(path))
    .map(([path, groupId]): UserStep => ({ kind: 'joinGroup', groupId, path }));
  const leave = [...observed.groups].filter(([path]) => !inputs.groupIds.has(path))
    .map(([path, groupId]): UserStep => ({ kind: 'leaveGroup', groupId, path }));
  const byPath = (a: UserStep, b: UserStep) => ('path' in a && 'path' in b ? a.path.localeCompare(b.path) : 0);
  return [...join.sort(byPath), ...leave.sort(byPath)];
}

function withKept(want: readonly string[], have: readonly string[]): string[] {
  return [...new Set([...want, ...have.filter((a) => KEPT_ACTIONS.includes(a))])].sort();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === new Set(b).size && a.every((x) => b.includes(x));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
