import type RoleRepresentation from '@keycloak/keycloak-admin-client/lib/defs/roleRepresentation.js';
import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import type GroupRepresentation from '@keycloak/keycloak-admin-client/lib/defs/groupRepresentation.js';
import type UserSessionRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userSessionRepresentation.js';
import { realmPath, type KeycloakHttp } from './http.js';
import { collectPages } from './paginate.js';
import { toUser } from './users.js';
import type { BulkReadPort } from './port.js';
import { toGroup } from './groups.js';
import type { KeycloakGroup, KeycloakUser, RealmSession, RoleGraph } from './types.js';
import { isKeycloakError, KeycloakErrorKind } from './errors.js';

/**
 * Page size of the role holder lists. Every user holds default-roles-<realm> and, in a licensed
 * realm, most hold licensed_user: at 5,000 users pages of 100 made each reload of the realm
 * view's roles about 100 requests in two chains of 50 one after another (0.5 requests per
 * object over a converge, seconds before a binding pass could plan), and Keycloak pays an
 * offset scan for every page. A brief user is about 250 bytes: 1,000 of them fit in one reply.
 */
export const HOLDER_PAGE_SIZE = 1_000;

/**
 * Page size of the realm's user list (with lockouts, the admin console's brute-force user list).
 * The realm view reloads it while users are created: at 5,000 users pages of 100 made 1,783
 * requests in one converge (0.32 per object), each one an offset scan in Keycloak. A full user
 * is about 1 KB: 1,000 of them fit in one reply.
 */
export const USER_PAGE_SIZE = 1_000;

/**
 * Realm-wide reads that replace one read per user or group with a few pages per realm (the
 * controllers' read model, src/controllers/realm-view.ts, is built on them).
 */
export function bulkReadOperations(http: KeycloakHttp): BulkReadPort {
  return {
    async listRoleHolders(realm, role) {
      const base = role.clientUuid
        ? realmPath(realm, 'clients', role.clientUuid, 'roles', encodeURIComponent(role.name))
        : realmPath(realm, 'roles', encodeURIComponent(role.name));
      const operation = `list holders of role ${role.name} in realm "${realm}"`;
      // Both lists are direct mappings only (not through groups or composites).
      const [users, groups] = await Promise.all([
        collectPages(async (first, max) => (await http.get<UserRepresentation[]>(operation, `${base}/users`, { first, max, briefRepresentation: true })) ?? [], { pageSize: HOLDER_PAGE_SIZE }),
        collectPages(async (first, max) => (await http.get<GroupRepresentation[]>(operation, `${base}/groups`, { first, max, briefRepresentation: true })) ?? [], { pageSize: HOLDER_PAGE_SIZE }),
      ]);
      return { users: users.map((u) => u.id ?? ''), groupPaths: groups.map((g) => (g.path ?? '').replace(/^\/+/, '')) };
    },

    async listRealmSessions(realm) {
      const operation = `list user sessions of realm "${realm}"`;
      // Per-client counts first, so only clients that have sessions are listed. A session that
      // used several clients appears under each of them: keep one per session id.
      const stats = (await http.get<{ id: string; active?: string | number }[]>(operation, realmPath(realm, 'client-session-stats'))) ?? [];
      const sessions = new Map<string, RealmSession>();
      for (const client of stats.filter((s) => Number(s.active ?? 0) > 0)) {
        const reps = await collectPages(async (first, max) =>
          (await http.get<UserSessionRepresentation[]>(operation, realmPath(realm, 'clients', client.id, 'user-sessions'), { first, max })) ?? []);
        for (const s of reps) {
          if (s.id && s.userId) sessions.set(s.id, { id: s.id, userId: s.userId, startMs: s.start ?? 0 });
        }
      }
      return [...sessions.values()];
    },

    listRoleGraph: (realm) => loadRoleGraph(http, realm),

    async listUsers(realm, options) {
      const operation = `list users of realm "${realm}"`;
      let missing = false;
      const list = (path: string) => collectPages(async (first, max) => {
        const page = await http.get<BruteUserRepresentation[]>(operation, path, { first, max, briefRepresentation: false });
        missing ||= page === undefined;
        return page ?? [];
      }, { pageSize: USER_PAGE_SIZE });
      if (options?.lockouts) {
        // The same users in the same pages, each with its attack-detection status: lockouts cost
        // no request per user. A server without this list (404): plain users, no lockout.
        const users = await list(realmPath(realm, 'ui-ext', 'brute-force-user'));
        if (!missing) return users.map(toLockedUser);
      }
      return (await list(realmPath(realm, 'users'))).map(toUser);
    },

    async clearUserLockout(realm, userId) {
      const operation = `clear the brute-force lockout of user ${userId} in realm "${realm}"`;
      try {
        await http.request(operation, 'DELETE', realmPath(realm, 'attack-detection', 'brute-force', 'users', userId));
      } catch (err) {
        if (!isKeycloakError(err, KeycloakErrorKind.NotFound)) throw err;
      }
    },

    async listGroups(realm) {
      const operation = `list groups of realm "${realm}"`;
      const page = (path: string) => collectPages(async (first, max) =>
        (await http.get<GroupRepresentation[]>(operation, path, { first, max, briefRepresentation: false })) ?? []);
      // Since Keycloak 23 subgroups come only from /children, one level at a time.
      const all: KeycloakGroup[] = [];
      let level = (await page(realmPath(realm, 'groups'))).map(toGroup);
      while (level.length > 0) {
        all.push(...level);
        const parents = level.filter((g) => (g.subGroupCount ?? 1) > 0);
        const children = await Promise.all(parents.map(async (parent) =>
          (await page(realmPath(realm, 'groups', parent.id, 'children'))).map((g) => ({ ...toGroup(g), parentId: parent.id }))));
        level = children.flat();
      }
      return all;
    },
  };
}

/** A user of the admin console's brute-force user list: a UserRepresentation with its attack-detection status. */
type BruteUserRepresentation = UserRepresentation & { bruteForceStatus?: { disabled?: boolean; numFailures?: number; lastFailure?: number } };

function toLockedUser(rep: BruteUserRepresentation): KeycloakUser {
  const status = rep.bruteForceStatus ?? {};
  return { ...toUser(rep), lockout: { disabled: status.disabled ?? false, numFailures: status.numFailures ?? 0, lastFailureMs: status.lastFailure ?? 0 } };
}

/**
 * Every role of the realm (realm roles and all clients' roles) with the direct composites of
 * the composite ones: enough to tell which roles reach which through composition.
 */
export async function loadRoleGraph(http: KeycloakHttp, realm: string): Promise<RoleGraph> {
  const operation = `read the role graph of realm "${realm}"`;
  const page = <T>(path: string, query: Record<string, string | number | boolean> = {}) =>
    collectPages(async (first, max) => (await http.get<T[]>(operation, path, { ...query, first, max })) ?? []);
  const clients = await page<{ id?: string }>(realmPath(realm, 'clients'));
  const lists = await Promise.all([
    page<RoleRepresentation>(realmPath(realm, 'roles'), { briefRepresentation: false }),
    ...clients.map((c) => page<RoleRepresentation>(realmPath(realm, 'clients', c.id ?? '', 'roles'), { briefRepresentation: false })
      .then((roles) => roles.map((r) => ({ ...r, containerId: c.id })))),
  ]);
  const all = lists.flat();
  const roles = all.map((r) => ({ id: r.id ?? '', name: r.name ?? '', ...(r.clientRole ? { clientUuid: r.containerId ?? '' } : {}) }));
  const composites = new Map<string, string[]>();
  await Promise.all(all.filter((r) => r.composite).map(async (r) => {
    // Keycloak does not paginate a role's composites.
    const parts = (await http.get<RoleRepresentation[]>(operation, realmPath(realm, 'roles-by-id', r.id ?? '', 'composites'))) ?? [];
    composites.set(r.id ?? '', parts.map((p) => p.id ?? ''));
  }));
  return { roles, composites };
}
