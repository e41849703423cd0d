import type { AdminEvent } from '../../keycloak/port.js';

/**
 * What one admin event touched, as far as managed objects go, named after who corrects it: a
 * user's fields or group memberships (its DashUser), a group (its DashGroup), the role mappings
 * of a user or group (the bindings), or the realm's own settings (login switches, required
 * actions, client roles, default roles, user profile, events config: the DashRealm). Only the
 * object that corrects a change is woken: a subject that re-read its roles or groups before the
 * correction would report the drift, and nothing would wake it again to report the correction.
 */
export type DriftTarget =
  | { kind: 'user'; id: string }
  | { kind: 'group'; id: string }
  | { kind: 'roleMappings'; subject: 'user' | 'group'; id: string }
  | { kind: 'realm' };

// Keycloak ids are UUIDs; anything else in an id position is not one of ours. The path comes
// from Keycloak and is only ever used as a cache lookup key, never to build a request.
const ID = /^[A-Za-z0-9-]{1,64}$/;
/** First path segments of what a DashRealm manages besides users and groups. */
const REALM_SEGMENTS = new Set(['roles', 'roles-by-id', 'clients', 'authentication', 'events', 'default-default-client-scopes']);
const MAX_PATH = 2048;

/**
 * Maps an admin event to the targets it touched, from its resourcePath (Keycloak's admin REST
 * path under the realm; empty for a realm update). Paths we do not manage give none. Pure.
 */
export function driftTargets(event: Pick<AdminEvent, 'resourceType' | 'resourcePath'>): DriftTarget[] {
  const path = event.resourcePath.length > MAX_PATH ? '' : event.resourcePath;
  if (path === '') return event.resourceType === 'REALM' ? [{ kind: 'realm' }] : [];
  const [first, id, sub] = path.split('/');
  if (first === 'users' && id === 'profile') return [{ kind: 'realm' }];
  if ((first === 'users' || first === 'groups') && ID.test(id ?? '')) {
    const subject = first === 'users' ? 'user' : 'group';
    // users/{id}/groups/{groupId} is a membership: the DashUser manages it.
    return sub === 'role-mappings' ? [{ kind: 'roleMappings', subject, id }] : [{ kind: subject, id }];
  }
  return REALM_SEGMENTS.has(first ?? '') ? [{ kind: 'realm' }] : [];
}
