import type GroupRepresentation from '@keycloak/keycloak-admin-client/lib/defs/groupRepresentation.js';
import type { KeycloakHttp } from './http.js';
import { collectPages, findInPages } from './paginate.js';
import type { GroupPort } from './port.js';
import type { KeycloakGroup } from './types.js';

/** Group operations over one connection; every lookup is by exact name, re-checked here. */
export function groupOperations(http: KeycloakHttp): GroupPort {
  const ops: GroupPort = {
    async findTopLevelGroup(realm, name) {
      const operation = `find top-level group "${name}" in realm "${realm}"`;
      // exact=true matches the name at any depth; populateHierarchy=false returns the matches
      // themselves with their parentId instead of their top-level ancestors (Keycloak 23+).
      const rep = await findInPages(
        async (first, max) =>
          (await http.read(operation, (admin) =>
            admin.groups.find({ realm, search: name, exact: true, populateHierarchy: false, briefRepresentation: false, first, max }),
          )) ?? [],
        (g) => !g.parentId && g.name === name,
      );
      return rep ? toGroup(rep) : undefined;
    },

    async findChildGroup(realm, parentId, name) {
      const operation = `find group "${name}" under group ${parentId} in realm "${realm}"`;
      // Since Keycloak 23 subgroups come only from /children, 10 per page unless max is sent.
      const rep = await findInPages(
        async (first, max) =>
          (await http.read(operation, (admin) =>
            admin.groups.listSubGroups({ realm, parentId, search: name, exact: true, briefRepresentation: false, first, max }),
          )) ?? [],
        (g) => g.name === name,
      );
      return rep ? toGroup(rep) : undefined;
    },

    async listChildGroups(realm, parentId) {
      const operation = `list subgroups of group ${parentId} in realm "${realm}"`;
      const reps = await collectPages(async (first, max) =>
        (await http.read(operation, (admin) => admin.groups.listSubGroups({ realm, parentId, briefRepresentation: true, first, max }))) ?? []);
      return reps.map(toGroup);
    },

    async findGroupByPath(realm, path) {
      // Walked segment by segment: getGroupByPath encodes the `/` of nested paths.
      const names = path.split('/').filter((segment) => segment !== '');
      if (names.length === 0) return undefined;
      let group = await ops.findTopLevelGroup(realm, names[0]);
      for (const name of names.slice(1)) {
        if (!group) return undefined;
        group = await ops.findChildGroup(realm, group.id, name);
      }
      return group;
    },

    async getGroup(realm, id) {
      const rep = await http.read(`read group ${id} in realm "${realm}"`, (admin) => admin.groups.findOne({ realm, id }));
      return rep ? toGroup(rep) : undefined;
    },

    async createGroup(realm, group, parentId) {
      const where = parentId ? ` under group ${parentId}` : '';
      const operation = `create group "${group.name}"${where} in realm "${realm}"`;
      const body = { name: group.name, ...(group.attributes ? { attributes: group.attributes } : {}) };
      const created = await http.call(operation, (admin) =>
        parentId ? admin.groups.createChildGroup({ realm, id: parentId }, body) : admin.groups.create({ realm, ...body }),
      );
      return created.id;
    },

    async updateGroup(realm, id, update) {
      const operation = `update group ${id} ("${update.name}") in realm "${realm}"`;
      // Keycloak keeps the attributes when the PUT carries none, and answers 400 without a name.
      const body = { name: update.name, ...(update.attributes ? { attributes: update.attributes } : {}) };
      await http.call(operation, (admin) => admin.groups.update({ realm, id }, body));
    },

    async deleteGroup(realm, id) {
      await http.ignoreMissing(`delete group ${id} in realm "${realm}"`, (admin) => admin.groups.del({ realm, id }));
    },

    async listGroupMembers(realm, id, options = {}) {
      const operation = `list members of group ${id} in realm "${realm}"`;
      const reps = await collectPages(
        async (first, max) => (await http.read(operation, (admin) => admin.groups.listMembers({ realm, id, first, max, briefRepresentation: true }))) ?? [],
        { limit: options.limit },
      );
      return reps.map((u) => ({ id: u.id ?? '', username: u.username ?? '' }));
    },
  };
  return ops;
}

/** Our group from Keycloak's representation. */
export function toGroup(rep: GroupRepresentation): KeycloakGroup {
  return {
    id: rep.id ?? '',
    name: rep.name ?? '',
    path: rep.path ?? '',
    ...(rep.parentId ? { parentId: rep.parentId } : {}),
    attributes: rep.attributes ?? {},
    ...(rep.subGroupCount === undefined ? {} : { subGroupCount: rep.subGroupCount }),
  };
}
