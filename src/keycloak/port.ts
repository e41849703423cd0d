import type {
  AdminEvent, GroupMember, GroupUpdate, KeycloakClient, KeycloakGroup, KeycloakRealm, KeycloakUser, NewClient, NewGroup,
  NewUser, RealmSession, RealmUpdate, RequiredAction, RoleGraph, RoleHolders, RoleRef, RoleScope, RoleSubject, UserFields, UserGroup, UserProfilePolicy, UserSession,
} from './types.js';

export type * from './types.js';

// Contract of every operation below: a read of a missing object (or of anything in a missing
// realm) returns undefined; a delete of a missing object succeeds; every other failure throws
// one KeycloakError (errors.ts). Writes are not retried by the port, reads are not cached.

/** Realms and their settings. */
export interface RealmPort {
  /** Reads the realm's managed settings; undefined when the realm does not exist. */
  getRealm(realm: string): Promise<KeycloakRealm | undefined>;
  /** Creates an enabled realm with the given settings; Conflict when it exists. */
  createRealm(realm: string, settings?: RealmUpdate, attributes?: Record<string, string>): Promise<void>;
  /**
   * Sets (a string) or removes (undefined) the given realm attributes and keeps all others.
   * Keycloak's realm PUT replaces the whole attribute map, so this reads it first: a
   * read-modify-write, not atomic against other writers.
   */
  updateRealmAttributes(realm: string, changes: Record<string, string | undefined>): Promise<void>;
  /** Names of the attributes the realm's user profile declares; [] when the realm does not exist. */
  listUserProfileAttributes(realm: string): Promise<string[]>;
  /**
   * Declares an attribute in the realm's user profile that only administrators may see and
   * edit (Keycloak 24+ drops user attributes the profile does not declare); idempotent.
   */
  declareAdminOnlyUserAttribute(realm: string, name: string, displayName: string): Promise<void>;
  /** Writes only the given fields (Keycloak's realm PUT accepts a partial representation); an empty update sends nothing. */
  updateRealm(realm: string, update: RealmUpdate): Promise<void>;
  /** Deletes the realm with everything in it; idempotent. */
  deleteRealm(realm: string): Promise<void>;
  /** Ends every user session of the realm (POST /logout-all). */
  logoutAllSessions(realm: string): Promise<void>;
  /** Lists the realm's registered required actions (Keycloak does not paginate this list). */
  listRequiredActions(realm: string): Promise<RequiredAction[]>;
  /** Sets one required action's switches, registering its provider first if needed; Invalid when no provider has that alias. */
  updateRequiredAction(realm: string, alias: string, state: { enabled: boolean; defaultAction: boolean }): Promise<void>;
}

/** Clients, client roles and the realm's default roles. */
export interface ClientPort {
  /** Finds a client by exact clientId; undefined when none. */
  findClient(realm: string, clientId: string): Promise<KeycloakClient | undefined>;
  /** Creates a client and returns its UUID; Conflict when the clientId is taken. */
  createClient(realm: string, client: NewClient): Promise<string>;
  /** Lists all roles of a client (paginated); undefined when the client does not exist. */
  listClientRoles(realm: string, clientUuid: string): Promise<RoleRef[] | undefined>;
  /** Creates a client role; Conflict when it exists. */
  createClientRole(realm: string, clientUuid: string, name: string, description?: string): Promise<void>;
  /** Lists the roles of one client inside the realm's `default-roles-<realm>` composite. */
  listDefaultClientRoles(realm: string, clientUuid: string): Promise<RoleRef[]>;
  /** Adds roles to `default-roles-<realm>` (every user gets them); idempotent. */
  addDefaultRoles(realm: string, roles: readonly RoleRef[]): Promise<void>;
}

/** Groups, found by exact name (Keycloak's search is fuzzy unless told otherwise; we re-check). */
export interface GroupPort {
  /** Finds the top-level group with exactly this name. */
  findTopLevelGroup(realm: string, name: string): Promise<KeycloakGroup | undefined>;
  /** Finds the direct child of `parentId` with exactly this name; undefined also when the parent is gone. */
  findChildGroup(realm: string, parentId: string, name: string): Promise<KeycloakGroup | undefined>;
  /** Resolves `A/B/C` (leading `/` optional) by walking from the top; undefined when any segment is missing. */
  findGroupByPath(realm: string, path: string): Promise<KeycloakGroup | undefined>;
  /** Reads a group with its attributes. */
  getGroup(realm: string, id: string): Promise<KeycloakGroup | undefined>;
  /** Creates a top-level group, or a child of `parentId`, and returns its id; Conflict when a sibling has that name, NotFound when the parent is gone. */
  createGroup(realm: string, group: NewGroup, parentId?: string): Promise<string>;
  /** Renames a group and/or replaces its attributes; Conflict when a sibling has the new name. */
  updateGroup(realm: string, id: string, update: GroupUpdate): Promise<void>;
  /** Deletes a group and (Keycloak's rule) all its subgroups; idempotent. */
  deleteGroup(realm: string, id: string): Promise<void>;
  /** Lists the direct subgroups (paginated); [] when the group is gone. */
  listChildGroups(realm: string, parentId: string): Promise<KeycloakGroup[]>;
  /** Lists direct members (paginated), at most `limit` when given; [] when the group is gone. */
  listGroupMembers(realm: string, id: string, options?: { limit?: number }): Promise<GroupMember[]>;
}

/** Users, their credentials and group memberships. */
export interface UserPort {
  /** Finds a user by exact username (case-insensitive: Keycloak stores usernames lowercase). */
  findUserByUsername(realm: string, username: string): Promise<KeycloakUser | undefined>;
  /** Reads a user. */
  getUser(realm: string, id: string): Promise<KeycloakUser | undefined>;
  /** Creates a user and returns its id; Conflict when the username (or a unique e-mail) is taken. Keycloak creates a user without `enabled` disabled. */
  createUser(realm: string, user: NewUser): Promise<string>;
  /** Writes only the given fields; with `attributes` the user is read and written whole, since Keycloak then drops profile fields the PUT leaves out. */
  updateUser(realm: string, id: string, fields: UserFields): Promise<void>;
  /** Deletes a user; idempotent. */
  deleteUser(realm: string, id: string): Promise<void>;
  /** Sets the user's password; Invalid when the password policy rejects it. */
  resetPassword(realm: string, id: string, password: string, temporary: boolean): Promise<void>;
  /** Sends Keycloak's execute-actions e-mail; fails when the realm has no working SMTP settings. */
  executeActionsEmail(realm: string, id: string, actions: readonly string[], lifespanSeconds: number, options?: { clientId?: string; redirectUri?: string }): Promise<void>;
  /** Whether the user has a password credential (set by anyone); false when the user is gone. */
  hasPassword(realm: string, id: string): Promise<boolean>;
  /** The realm's user profile as far as attribute writes go: which names Keycloak keeps. */
  readUserProfilePolicy(realm: string): Promise<UserProfilePolicy>;
  /** Lists the groups the user is a direct member of (paginated), with their paths; [] when the user is gone. */
  listUserGroups(realm: string, id: string): Promise<UserGroup[]>;
  /** Makes the user a member of the group; idempotent. */
  addUserToGroup(realm: string, userId: string, groupId: string): Promise<void>;
  /** Removes the user from the group; idempotent. */
  removeUserFromGroup(realm: string, userId: string, groupId: string): Promise<void>;
}

/** Client role mappings of users and groups (never realm roles). */
export interface RoleMappingPort {
  /** Lists one client's roles mapped to the subject: `direct`, or `effective` in one call (`.../composite`); [] when the subject is gone. */
  listClientRoleMappings(realm: string, subject: RoleSubject, clientUuid: string, scope: RoleScope): Promise<RoleRef[]>;
  /** Maps client roles to the subject; idempotent. */
  addClientRoleMappings(realm: string, subject: RoleSubject, clientUuid: string, roles: readonly RoleRef[]): Promise<void>;
  /** Unmaps client roles from the subject; idempotent. */
  removeClientRoleMappings(realm: string, subject: RoleSubject, clientUuid: string, roles: readonly RoleRef[]): Promise<void>;
}

/** User sessions and admin events. */
export interface SessionPort {
  /** Lists the user's active SSO sessions (Keycloak does not paginate this list); [] when the user is gone. */
  listUserSessions(realm: string, userId: string): Promise<UserSession[]>;
  /** Ends all sessions of the user (POST /users/{id}/logout); idempotent. */
  logoutUser(realm: string, userId: string): Promise<void>;
  /** Lists admin events recorded at or after `sinceMs`, newest first (needs adminEventsEnabled). */
  listAdminEvents(realm: string, sinceMs: number): Promise<AdminEvent[]>;
  /** Counts admin events recorded at or after `sinceMs`. */
  countAdminEvents(realm: string, sinceMs: number): Promise<number>;
}

/** Admin events as a change feed (drift detection); the reads need view-events, the config write manage-events. */
export interface AdminEventPort {
  /** The Keycloak server's version, e.g. `26.7.3`; read once per connection. */
  serverVersion(): Promise<string>;
  /** The Keycloak user id the connection's credentials act as (a client's service-account user); the admin events it causes carry it. */
  actingUserId(): Promise<string | undefined>;
  /**
   * Turns on recording admin events and keeps the rest of the realm's events config; with
   * `expirationSeconds`, also sets the realm attribute `adminEventsExpiration` (how long
   * Keycloak keeps them). Idempotent.
   */
  enableAdminEvents(realm: string, expirationSeconds?: number): Promise<void>;
  /** At most `max` admin events recorded at or after `fromMs` (epoch ms), oldest first: one request (Keycloak 26.2+). */
  readAdminEvents(realm: string, fromMs: number, max: number): Promise<AdminEvent[]>;
}

/** Realm-wide reads: a few pages per realm instead of one read per user or group. */
export interface BulkReadPort {
  /** The users and groups a role is mapped to directly (a client role when `clientUuid` is given, else a realm role); empty when the role is gone. */
  listRoleHolders(realm: string, role: { clientUuid?: string; name: string }): Promise<RoleHolders>;
  /** Every active SSO session of the realm, with its user. */
  listRealmSessions(realm: string): Promise<RealmSession[]>;
  /** Every role of the realm (realm and client roles) and the direct composites of composite ones. */
  listRoleGraph(realm: string): Promise<RoleGraph>;
  /**
   * Every user of the realm, as `getUser` reads them (paginated). With `lockouts`, each also
   * carries its brute-force status, from the same pages (the admin console's own user list,
   * `/ui-ext/brute-force-user`); a server without that list gives users without `lockout`.
   */
  listUsers(realm: string, options?: { lockouts?: boolean }): Promise<KeycloakUser[]>;
  /** Clears the user's brute-force lockout and failure count (DELETE attack-detection/brute-force/users/{id}); idempotent. */
  clearUserLockout(realm: string, userId: string): Promise<void>;
  /** Every group of the realm at every depth, parents before children, with path, parentId and attributes (paginated). */
  listGroups(realm: string): Promise<KeycloakGroup[]>;
}

/** Everything the reconcilers need from Keycloak, in our own types. */
export interface KeycloakPort extends RealmPort, ClientPort, GroupPort, UserPort, RoleMappingPort, SessionPort, AdminEventPort, BulkReadPort {}
