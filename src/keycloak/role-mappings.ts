import { toRoleRef } from './clients.js';
import type { AdminClient, KeycloakHttp } from './http.js';
import type { RoleMappingPort } from './port.js';
import type { RoleRef, RoleSubject } from './types.js';

/** Client role mappings of users and groups over one connection. */
export function roleMappingOperations(http: KeycloakHttp): RoleMappingPort {
  return {
    async listClientRoleMappings(realm, subject, clientUuid, scope) {
      const operation = `list ${scope} roles of client ${clientUuid} for ${describe(subject)} in realm "${realm}"`;
      // Keycloak does not paginate role mappings. `effective` is one call to `.../composite`:
      // roles through groups, their ancestors, composite roles and the default roles.
      const reps = await http.read(operation, (admin) => {
        const target = api(admin, subject);
        const query = { realm, id: subject.id, clientUniqueId: clientUuid };
        return scope === 'direct' ? target.listClientRoleMappings(query) : target.listCompositeClientRoleMappings(query);
      });
      return (reps ?? []).map(toRoleRef);
    },

    async addClientRoleMappings(realm, subject, clientUuid, roles) {
      if (roles.length === 0) return;
      const operation = `add roles ${names(roles)} of client ${clientUuid} to ${describe(subject)} in realm "${realm}"`;
      await http.call(operation, (admin) => api(admin, subject).addClientRoleMappings({ realm, id: subject.id, clientUniqueId: clientUuid, roles: payload(roles) }));
    },

    async removeClientRoleMappings(realm, subject, clientUuid, roles) {
      if (roles.length === 0) return;
      const operation = `remove roles ${names(roles)} of client ${clientUuid} from ${describe(subject)} in realm "${realm}"`;
      await http.ignoreMissing(operation, (admin) =>
        api(admin, subject).delClientRoleMappings({ realm, id: subject.id, clientUniqueId: clientUuid, roles: payload(roles) }),
      );
    },
  };
}

// Users and groups expose the same role-mapping calls under the same names.
function api(admin: AdminClient, subject: RoleSubject): AdminClient['users'] | AdminClient['groups'] {
  return subject.kind === 'user' ? admin.users : admin.groups;
}

function describe(subject: RoleSubject): string {
  return `${subject.kind} ${subject.id}`;
}

function names(roles: readonly RoleRef[]): string {
  return roles.map((r) => r.name).sort().join(', ');
}

function payload(roles: readonly RoleRef[]): { id: string; name: string }[] {
  return roles.map((r) => ({ id: r.id, name: r.name }));
}
