import type { DashUserSpec } from '../../api/user.js';
import type { UserFields, UserProfilePolicy } from '../../keycloak/port.js';
import type { ConditionRequest } from '../../runtime/index.js';

/** The condition that reports spec.attributes keys Keycloak drops (SPEC: a clear condition, not endless drift). */
export const ATTRIBUTES_DROPPED_CONDITION = 'AttributesDropped';

/** Keys of spec.attributes whose value Keycloak does not hold: the only ones that may be dropped. */
export function unmatchedAttributes(spec: DashUserSpec, observed: UserFields): string[] {
  return Object.entries(spec.attributes ?? {})
    .filter(([k, v]) => { const have = observed.attributes?.[k] ?? []; return v.length !== have.length || v.some((x, i) => x !== have[i]); })
    .map(([k]) => k).sort();
}

/**
 * The keys Keycloak drops on an admin write: not declared in the realm's user profile while
 * unmanaged attributes are not admin-editable (DISABLED, the default, or ADMIN_VIEW).
 */
export function droppedAttributes(keys: readonly string[], profile: UserProfilePolicy): string[] {
  if (profile.unmanagedAttributePolicy === 'ENABLED' || profile.unmanagedAttributePolicy === 'ADMIN_EDIT') return [];
  return keys.filter((k) => !profile.declared.includes(k)).sort();
}

/** AttributesDropped: True naming the keys and what to do, False when Keycloak keeps every one; none without spec.attributes. */
export function attributesCondition(spec: DashUserSpec, realm: string, dropped: readonly string[]): ConditionRequest[] {
  if (!spec.attributes) return [];
  if (dropped.length === 0) return [{ type: ATTRIBUTES_DROPPED_CONDITION, status: 'False', reason: 'AllKept', message: 'Keycloak keeps every key of spec.attributes' }];
  return [{
    type: ATTRIBUTES_DROPPED_CONDITION, status: 'True', reason: 'NotInUserProfile',
    message: `spec.attributes: Keycloak drops ${dropped.join(', ')}: the user profile of realm ${realm} does not declare them; declare them there (or allow unmanaged attributes) for Keycloak to keep them`,
  }];
}
