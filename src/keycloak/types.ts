// The Keycloak port's own data types: small, named as in Keycloak's representations, and
// free of HTTP or admin-client types. Absent optional fields mean "Keycloak holds none".

/** The realm settings the operator reads. */
export interface KeycloakRealm {
  id: string;
  realm: string;
  enabled: boolean;
  displayName?: string;
  registrationAllowed: boolean;
  resetPasswordAllowed: boolean;
  rememberMe: boolean;
  verifyEmail: boolean;
  loginWithEmailAllowed: boolean;
  duplicateEmailsAllowed: boolean;
  editUsernameAllowed: boolean;
  /** Keycloak's policy string (`length(12) and digits(1)`); '' when the realm has none. */
  passwordPolicy: string;
  /** The `smtpServer` map WITHOUT the password ({} when unset): reads only ever show a mask. */
  smtpServer: Record<string, string>;
  /** Whether Keycloak holds an SMTP password (its value cannot be read back). */
  smtpPasswordSet: boolean;
  /** Brute-force detection settings. */
  bruteForceProtected: boolean;
  failureFactor: number;
  waitIncrementSeconds: number;
  maxFailureWaitSeconds: number;
  permanentLockout: boolean;
  adminEventsEnabled: boolean;
  adminEventsDetailsEnabled: boolean;
  /** The realm's attributes (Keycloak's own and any custom ones, such as the operator's claim). */
  attributes: Record<string, string>;
}

/** Realm fields to write; only the fields present are sent, the others stay as Keycloak has them. */
export interface RealmUpdate {
  enabled?: boolean;
  displayName?: string;
  registrationAllowed?: boolean;
  resetPasswordAllowed?: boolean;
  rememberMe?: boolean;
  verifyEmail?: boolean;
  loginWithEmailAllowed?: boolean;
  duplicateEmailsAllowed?: boolean;
  editUsernameAllowed?: boolean;
  /** '' removes the policy. */
  passwordPolicy?: string;
  /**
   * The FULL SMTP map with the real password (never the mask): Keycloak replaces the whole
   * map, so a missing `password` key deletes the stored password. {} removes SMTP settings.
   */
  smtpServer?: Record<string, string>;
  bruteForceProtected?: boolean;
  failureFactor?: number;
  waitIncrementSeconds?: number;
  maxFailureWaitSeconds?: number;
  permanentLockout?: boolean;
  adminEventsEnabled?: boolean;
  adminEventsDetailsEnabled?: boolean;
}

/** A realm's required action (`CONFIGURE_TOTP`, `webauthn-register`, ...). */
export interface RequiredAction {
  alias: string;
  name: string;
  enabled: boolean;
  /** Enabled + default: applied to every new user. */
  defaultAction: boolean;
  priority: number;
}

/** An OIDC client; `id` is the client's UUID, `clientId` its name. */
export interface KeycloakClient {
  id: string;
  clientId: string;
  enabled: boolean;
  publicClient: boolean;
  directAccessGrantsEnabled: boolean;
  serviceAccountsEnabled: boolean;
}

/** A client to create; absent flags take Keycloak's defaults. */
export interface NewClient {
  clientId: string;
  name?: string;
  description?: string;
  enabled?: boolean;
  publicClient?: boolean;
  directAccessGrantsEnabled?: boolean;
  standardFlowEnabled?: boolean;
  serviceAccountsEnabled?: boolean;
  redirectUris?: string[];
  webOrigins?: string[];
  /** Secret of a confidential client; Keycloak generates one when absent. */
  secret?: string;
}

/** A role as role-mapping calls need it: Keycloak wants both id and name. */
export interface RoleRef {
  id: string;
  name: string;
}

/** A group. `path` is Keycloak's (`/Parent/child`, leading slash); `parentId` is absent for a top-level group. */
export interface KeycloakGroup {
  id: string;
  name: string;
  path: string;
  parentId?: string;
  attributes: Record<string, string[]>;
  subGroupCount?: number;
}

/** A group to create. */
export interface NewGroup {
  name: string;
  attributes?: Record<string, string[]>;
}

/** A group write: `name` is required (Keycloak answers 400 without it); `attributes`, when given, replaces them all. */
export interface GroupUpdate {
  name: string;
  attributes?: Record<string, string[]>;
}

/** A user as a group member list shows it. */
export interface GroupMember {
  id: string;
  username: string;
}

/** A user. Keycloak stores `username` lowercase. */
export interface KeycloakUser {
  id: string;
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled: boolean;
  emailVerified: boolean;
  requiredActions: string[];
  /** Only attributes the realm's user profile allows survive (Keycloak 24+). */
  attributes: Record<string, string[]>;
  /** Milliseconds since epoch. */
  createdTimestamp?: number;
  /** Set when the user comes from a federation provider. */
  federationLink?: string;
  /** Brute-force status, only from a read that asked for it (`listUsers` with `lockouts`). */
  lockout?: UserLockout;
}

/** A user's brute-force status (Keycloak's attack detection). */
export interface UserLockout {
  /** Locked out now (temporarily or permanently). */
  disabled: boolean;
  numFailures: number;
  /** Milliseconds since epoch; 0 when none. */
  lastFailureMs: number;
}

/** User fields to write; only the fields present are changed. `attributes`, when given, replaces them all. */
export interface UserFields {
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
  emailVerified?: boolean;
  requiredActions?: string[];
  attributes?: Record<string, string[]>;
}

/**
 * What the realm's user profile (Keycloak 24+) lets an admin write as user attributes: the
 * declared attribute names, and the policy for the rest (`DISABLED` when unset: dropped).
 */
export interface UserProfilePolicy {
  declared: string[];
  unmanagedAttributePolicy: 'DISABLED' | 'ENABLED' | 'ADMIN_VIEW' | 'ADMIN_EDIT';
}

/** A user to create. */
export interface NewUser extends UserFields {
  username: string;
  /** Group paths (`/Parent/child`) the user is created in. */
  groups?: string[];
}

/** A group the user is a direct member of. */
export interface UserGroup {
  id: string;
  name: string;
  path: string;
}

/** One of a user's active SSO sessions. */
export interface UserSession {
  id: string;
  /** When the session started (login), ms since epoch. */
  startMs: number;
  lastAccessMs: number;
  ipAddress?: string;
  /** clientIds of the clients the session has tokens for. */
  clients: string[];
}

/** An active SSO session as a realm-wide list reports it. */
export interface RealmSession {
  id: string;
  userId: string;
  /** When the session started (login), ms since epoch. */
  startMs: number;
}

/** The users (ids) and groups (paths, `Parent/child`) a role is mapped to directly. */
export interface RoleHolders {
  users: string[];
  groupPaths: string[];
}

/** Every role of a realm and what each composite role directly contains (role ids). */
export interface RoleGraph {
  /** Realm roles have no `clientUuid`; client roles carry their client's UUID. */
  roles: { id: string; name: string; clientUuid?: string }[];
  composites: Map<string, string[]>;
}

/** Who a role mapping belongs to. */
export interface RoleSubject {
  kind: 'user' | 'group';
  id: string;
}

/**
 * `direct`: mapped to the subject itself. `effective`: for a user, everything it holds (direct,
 * through its groups and their ancestors, composites, default roles); for a group, its own
 * mappings expanded through composite roles, plus its ancestors' roles on Keycloak 26.4 but
 * not on 26.7: nothing here relies on a group's effective roles.
 */
export type RoleScope = 'direct' | 'effective';

/** One recorded admin event (a write through the admin API). */
export interface AdminEvent {
  /** Keycloak's id of the event. */
  id: string;
  timeMs: number;
  /** The Keycloak user whose token made the change (`authDetails.userId`). */
  authUserId?: string;
  operationType: string;
  resourceType: string;
  resourcePath: string;
}
