import type AdminEventRepresentation from '@keycloak/keycloak-admin-client/lib/defs/adminEventRepresentation.js';
import { realmPath, type KeycloakHttp } from './http.js';
import { toAdminEvent } from './admin-events.js';
import { collectPages } from './paginate.js';
import type { SessionPort } from './port.js';

/** User session and admin event operations over one connection. */
export function sessionOperations(http: KeycloakHttp): SessionPort {
  const ops: SessionPort = {
    async listUserSessions(realm, userId) {
      // Keycloak does not paginate a user's sessions.
      const reps = await http.read(`list sessions of user ${userId} in realm "${realm}"`, (admin) => admin.users.listSessions({ realm, id: userId }));
      return (reps ?? []).map((s) => ({
        id: s.id ?? '',
        startMs: s.start ?? 0,
        lastAccessMs: s.lastAccess ?? 0,
        ...(s.ipAddress ? { ipAddress: s.ipAddress } : {}),
        clients: Object.values(s.clients ?? {}).sort(),
      }));
    },

    async logoutUser(realm, userId) {
      await http.ignoreMissing(`log out user ${userId} in realm "${realm}"`, (admin) => admin.users.logout({ realm, id: userId }));
    },

    async listAdminEvents(realm, sinceMs) {
      const operation = `list admin events of realm "${realm}"`;
      // Raw REST: the admin client sends dateFrom as a Date. Keycloak 26 takes epoch ms; the list
      // is newest first, so reading also stops at the first older event.
      const reps = await collectPages<AdminEventRepresentation>(
        async (first, max) => (await http.get<AdminEventRepresentation[]>(operation, realmPath(realm, 'admin-events'), { dateFrom: sinceMs, first, max })) ?? [],
        { until: (e) => (e.time ?? 0) < sinceMs },
      );
      return reps.map(toAdminEvent);
    },

    async countAdminEvents(realm, sinceMs) {
      return (await ops.listAdminEvents(realm, sinceMs)).length;
    },
  };
  return ops;
}
