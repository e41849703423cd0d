import type AdminEventRepresentation from '@keycloak/keycloak-admin-client/lib/defs/adminEventRepresentation.js';
import { KeycloakError, KeycloakErrorKind } from './errors.js';
import { realmPath, type KeycloakHttp } from './http.js';
import type { AdminEventPort, RealmPort } from './port.js';
import type { AdminEvent } from './types.js';

/** Realm attribute holding how long Keycloak keeps admin events, in seconds (unset: forever). */
export const ADMIN_EVENTS_EXPIRATION_ATTRIBUTE = 'adminEventsExpiration';

/**
 * Admin event operations over one connection; `token` gives the connection's current access
 * token, `realms` the one way realm attributes are written.
 */
export function adminEventOperations(http: KeycloakHttp, token: () => Promise<string>, realms: Pick<RealmPort, 'updateRealmAttributes'>): AdminEventPort {
  let version: Promise<string> | undefined;
  return {
    serverVersion() {
      version ??= http.call('read the Keycloak server info', (admin) => admin.serverInfo.find())
        .then((info) => info.systemInfo?.version ?? '');
      // A failed read is not remembered: the next call asks again.
      version.catch(() => { version = undefined; });
      return version;
    },

    async actingUserId() {
      return subjectOf(await token());
    },

    async enableAdminEvents(realm, expirationSeconds) {
      const operation = `turn on admin events of realm "${realm}"`;
      const config = await http.get<Record<string, unknown>>(operation, realmPath(realm, 'events', 'config'));
      if (!config) throw new KeycloakError(KeycloakErrorKind.NotFound, `${operation}: the realm does not exist`);
      // The PUT replaces the whole events config: send back what is there with the one switch on.
      if (config.adminEventsEnabled !== true) await http.request(operation, 'PUT', realmPath(realm, 'events', 'config'), { body: { ...config, adminEventsEnabled: true } });
      // The expiration is a realm attribute, not part of the events config (Keycloak 26.7 refuses it there).
      if (expirationSeconds !== undefined) await realms.updateRealmAttributes(realm, { [ADMIN_EVENTS_EXPIRATION_ATTRIBUTE]: String(expirationSeconds) });
    },

    async readAdminEvents(realm, fromMs, max) {
      // Raw REST: the admin client sends dateFrom as a date; Keycloak 26.2+ takes epoch ms and a direction.
      const reps = await http.get<AdminEventRepresentation[]>(`read admin events of realm "${realm}"`, realmPath(realm, 'admin-events'),
        { dateFrom: fromMs, direction: 'asc', first: 0, max });
      return (reps ?? []).map(toAdminEvent);
    },
  };
}

/** Our view of one admin event; Keycloak's fields are copied as text and never trusted further. */
export function toAdminEvent(e: AdminEventRepresentation & { id?: string }): AdminEvent {
  const userId = e.authDetails?.userId;
  return {
    id: typeof e.id === 'string' ? e.id : '',
    timeMs: typeof e.time === 'number' ? e.time : 0,
    ...(typeof userId === 'string' ? { authUserId: userId } : {}),
    operationType: typeof e.operationType === 'string' ? e.operationType : '',
    resourceType: typeof e.resourceType === 'string' ? e.resourceType : '',
    resourcePath: typeof e.resourcePath === 'string' ? e.resourcePath : '',
  };
}

// The `sub` claim of a JWT access token: the user (for client credentials, the client's service
// account) its requests act as. Only read, never verified: it is our own token from Keycloak.
function subjectOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}
