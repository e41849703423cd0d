import type { AdminEvent } from '../../keycloak/port.js';

/**
 * What one admin event touched, as far as managed objects go: a user or a group by Keycloak
 * id (and whether its role mappings changed), or the realm's own settings (login switches,
 * required actions, client roles, default roles, user profile, events config).
 */
export type DriftTarget =
  | { kind: 'user'; id: string; roles: boolean }
  | { kind: 'group'; id: string; roles: boolean }
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
  const [first, id, sub, subId] = path.split('/');
  if (first === 'users') {
    if (id === 'profile') return [{ kind: 'realm' }];
    if (!ID.test(id ?? '')) return [];
    const user: DriftTarget = { kind: 'user', id, roles: sub === 'role-mappings' };
    // users/{id}/groups/{groupId}: a membership, which both the user and the group report.
    return sub === 'groups' && ID.test(subId ?? '') ? [user, { kind: 'group', id: subId, roles: false }] : [user];
  }
  if (first === 'groups') return ID.test(id ?? '') ? [{ kind: 'group', id, roles: sub === 'role-mappings' }] : [];
  return REALM_SEGMENTS.has(first ?? '') ? [{ kind: 'realm' }] : [];
}
