import type ClientRepresentation from '@keycloak/keycloak-admin-client/lib/defs/clientRepresentation.js';
import type RoleRepresentation from '@keycloak/keycloak-admin-client/lib/defs/roleRepresentation.js';
import { realmPath, type KeycloakHttp } from './http.js';
import { DEFAULT_PAGE_SIZE, collectPages, findInPages } from './paginate.js';
import type { ClientPort } from './port.js';
import type { KeycloakClient, RoleRef } from './types.js';

/** Client, client role and default-role operations over one connection. */
export function clientOperations(http: KeycloakHttp): ClientPort {
  return {
    async findClient(realm, clientId) {
      const operation = `find client "${clientId}" in realm "${realm}"`;
      // search=false makes clientId an exact match; compared again here all the same.
      const rep = await findInPages(
        async (first, max) => (await http.read(operation, (admin) => admin.clients.find({ realm, clientId, search: false, first, max }))) ?? [],
        (c) => c.clientId === clientId,
      );
      return rep ? toClient(rep) : undefined;
    },

    async createClient(realm, client) {
      const created = await http.call(`create client "${client.clientId}" in realm "${realm}"`, (admin) => admin.clients.create({ realm, ...client }));
      return created.id;
    },

    async listClientRoles(realm, clientUuid) {
      const operation = `list roles of client ${clientUuid} in realm "${realm}"`;
      const path = realmPath(realm, 'clients', clientUuid, 'roles');
      // The admin client's listRoles has no first/max: paginate through the REST API. The first
      // page tells a missing client (404) from one without roles.
      const firstPage = await http.get<RoleRepresentation[]>(operation, path, { first: 0, max: DEFAULT_PAGE_SIZE, briefRepresentation: true });
      if (!firstPage) return undefined;
      const reps = await collectPages(async (first, max) =>
        first === 0 ? firstPage : ((await http.get<RoleRepresentation[]>(operation, path, { first, max, briefRepresentation: true })) ?? []),
      );
      return reps.map(toRoleRef);
    },

    async createClientRole(realm, clientUuid, name, description) {
      await http.call(`create role "${name}" of client ${clientUuid} in realm "${realm}"`, (admin) =>
        admin.clients.createRole({ realm, id: clientUuid, name, ...(description ? { description } : {}) }),
      );
    },

    async listDefaultClientRoles(realm, clientUuid) {
      const operation = `list default roles of client ${clientUuid} in realm "${realm}"`;
      // Keycloak does not paginate a role's composites.
      const reps = await http.get<RoleRepresentation[]>(operation, realmPath(realm, 'roles', defaultRolesName(realm), 'composites', 'clients', clientUuid));
      return (reps ?? []).map(toRoleRef);
    },

    async addDefaultRoles(realm, roles) {
      if (roles.length === 0) return;
      const names = roles.map((r) => r.name).sort().join(', ');
      const operation = `add roles ${names} to the default roles of realm "${realm}"`;
      await http.request(operation, 'POST', realmPath(realm, 'roles', defaultRolesName(realm), 'composites'), { body: roles.map((r) => ({ id: r.id, name: r.name })) });
    },
  };
}

/** Keycloak names the default-roles composite after the realm, lowercased (`default-roles-<realm>`). */
export function defaultRolesName(realm: string): string {
  return `default-roles-${realm.toLowerCase()}`;
}

function toClient(rep: ClientRepresentation): KeycloakClient {
  return {
    id: rep.id ?? '',
    clientId: rep.clientId ?? '',
    enabled: rep.enabled ?? false,
    publicClient: rep.publicClient ?? false,
    directAccessGrantsEnabled: rep.directAccessGrantsEnabled ?? false,
    serviceAccountsEnabled: rep.serviceAccountsEnabled ?? false,
  };
}

/** Our RoleRef from Keycloak's role representation. */
export function toRoleRef(rep: RoleRepresentation): RoleRef {
  return { id: rep.id ?? '', name: rep.name ?? '' };
}
