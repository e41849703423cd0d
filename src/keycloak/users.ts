import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import { KeycloakError, KeycloakErrorKind } from './errors.js';
import { realmPath, type KeycloakHttp } from './http.js';
import { collectPages, findInPages } from './paginate.js';
import type { UserPort } from './port.js';
import type { KeycloakUser, UserProfilePolicy } from './types.js';

const UNMANAGED_POLICIES: readonly UserProfilePolicy['unmanagedAttributePolicy'][] = ['ENABLED', 'ADMIN_VIEW', 'ADMIN_EDIT'];

/** User, credential and membership operations over one connection. */
export function userOperations(http: KeycloakHttp): UserPort {
  return {
    async findUserByUsername(realm, username) {
      const operation = `find user "${username}" in realm "${realm}"`;
      // Without exact=true `username` is a substring search; usernames are stored lowercase.
      const wanted = username.toLowerCase();
      const rep = await findInPages(
        async (first, max) =>
          (await http.read(operation, (admin) => admin.users.find({ realm, username, exact: true, briefRepresentation: false, first, max }))) ?? [],
        (u) => u.username?.toLowerCase() === wanted,
      );
      return rep ? toUser(rep) : undefined;
    },

    async getUser(realm, id) {
      const rep = await http.read(`read user ${id} in realm "${realm}"`, (admin) => admin.users.findOne({ realm, id }));
      return rep ? toUser(rep) : undefined;
    },

    async createUser(realm, user) {
      const created = await http.call(`create user "${user.username}" in realm "${realm}"`, (admin) => admin.users.create({ realm, ...definedOnly(user) }));
      return created.id;
    },

    async updateUser(realm, id, fields) {
      const given = definedOnly(fields);
      const names = Object.keys(given).sort();
      if (names.length === 0) return;
      const operation = `update user ${id} (${names.join(', ')}) in realm "${realm}"`;
      let body: UserRepresentation = given;
      if (given.attributes) {
        // With `attributes` in the PUT, Keycloak's user profile removes every attribute the PUT
        // leaves out, and firstName/lastName/email are attributes too: send them back as they are.
        const current = await http.read(operation, (admin) => admin.users.findOne({ realm, id }));
        if (!current) throw new KeycloakError(KeycloakErrorKind.NotFound, `${operation}: the user does not exist`);
        body = { username: current.username, email: current.email, firstName: current.firstName, lastName: current.lastName, ...given };
      }
      await http.call(operation, (admin) => admin.users.update({ realm, id }, body));
    },

    async deleteUser(realm, id) {
      await http.ignoreMissing(`delete user ${id} in realm "${realm}"`, (admin) => admin.users.del({ realm, id }));
    },

    async resetPassword(realm, id, password, temporary) {
      await http.call(`set the password of user ${id} in realm "${realm}"`, (admin) =>
        admin.users.resetPassword({ realm, id, credential: { type: 'password', value: password, temporary } }),
      );
    },

    async executeActionsEmail(realm, id, actions, lifespanSeconds, options = {}) {
      const operation = `send the execute-actions e-mail (${[...actions].sort().join(', ')}) to user ${id} in realm "${realm}"`;
      await http.call(operation, (admin) =>
        admin.users.executeActionsEmail({ realm, id, actions: [...actions], lifespan: lifespanSeconds, ...definedOnly(options) }),
      );
    },

    async hasPassword(realm, id) {
      const operation = `list credentials of user ${id} in realm "${realm}"`;
      const credentials = await http.get<{ type?: string }[]>(operation, realmPath(realm, 'users', id, 'credentials'));
      return (credentials ?? []).some((c) => c.type === 'password');
    },

    async readUserProfilePolicy(realm) {
      const operation = `read the user profile of realm "${realm}"`;
      const profile = await http.get<{ attributes?: { name?: string }[]; unmanagedAttributePolicy?: string }>(operation, realmPath(realm, 'users', 'profile'));
      const policy = UNMANAGED_POLICIES.find((p) => p === profile?.unmanagedAttributePolicy) ?? 'DISABLED';
      return { declared: (profile?.attributes ?? []).flatMap((a) => (a.name ? [a.name] : [])).sort(), unmanagedAttributePolicy: policy };
    },

    async listUserGroups(realm, id) {
      const operation = `list groups of user ${id} in realm "${realm}"`;
      const reps = await collectPages(
        async (first, max) => (await http.read(operation, (admin) => admin.users.listGroups({ realm, id, first, max, briefRepresentation: true }))) ?? [],
      );
      return reps.map((g) => ({ id: g.id ?? '', name: g.name ?? '', path: g.path ?? '' }));
    },

    async addUserToGroup(realm, userId, groupId) {
      await http.call(`add user ${userId} to group ${groupId} in realm "${realm}"`, (admin) => admin.users.addToGroup({ realm, id: userId, groupId }));
    },

    async removeUserFromGroup(realm, userId, groupId) {
      await http.ignoreMissing(`remove user ${userId} from group ${groupId} in realm "${realm}"`, (admin) =>
        admin.users.delFromGroup({ realm, id: userId, groupId }),
      );
    },
  };
}

/** Our user from Keycloak's representation. */
export function toUser(rep: UserRepresentation): KeycloakUser {
  return {
    id: rep.id ?? '',
    username: rep.username ?? '',
    ...definedOnly({ email: rep.email, firstName: rep.firstName, lastName: rep.lastName }),
    enabled: rep.enabled ?? false,
    emailVerified: rep.emailVerified ?? false,
    requiredActions: rep.requiredActions ?? [],
    attributes: (rep.attributes as Record<string, string[]> | undefined) ?? {},
    ...definedOnly({ createdTimestamp: rep.createdTimestamp, federationLink: rep.federationLink }),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

