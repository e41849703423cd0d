/** The API group of the four custom resources. */
export const API_GROUP = 'identity.dashops.dev';

/** The one served and stored version. */
export const API_VERSION = 'v1alpha1';

/** `apiVersion` as it appears in every manifest. */
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

/** Names of each kind as the CRDs register them; `kubectl get dash` lists all four through the category. */
export const KINDS = {
  DashRealm: { kind: 'DashRealm', plural: 'dashrealms', singular: 'dashrealm', shortNames: ['drealm'], listKind: 'DashRealmList' },
  DashGroup: { kind: 'DashGroup', plural: 'dashgroups', singular: 'dashgroup', shortNames: ['dgroup'], listKind: 'DashGroupList' },
  DashUser: { kind: 'DashUser', plural: 'dashusers', singular: 'dashuser', shortNames: ['duser'], listKind: 'DashUserList' },
  DashRoleBinding: { kind: 'DashRoleBinding', plural: 'dashrolebindings', singular: 'dashrolebinding', shortNames: ['drb'], listKind: 'DashRoleBindingList' },
} as const;

/** One of the four kinds. */
export type Kind = keyof typeof KINDS;

/** The four kinds in dependency order (realms first), for loops that install or watch them. */
export const KIND_NAMES = ['DashRealm', 'DashGroup', 'DashUser', 'DashRoleBinding'] as const satisfies readonly Kind[];

/** The category every CRD joins, so `kubectl get dash` lists all four kinds. */
export const CATEGORY = 'dash';

/** Annotations users set on the resources. */
export const ANNOTATIONS = {
  /** On a DashRealm: a new value logs every user of the realm out once; status.lastLogoutAll records it. */
  logoutAll: `${API_GROUP}/logout-all`,
  /** `"true"` on a DashRoleBinding or DashUser confirms a `licensed_user` removal held under `licenseRevocation: Protect`. */
  confirmLicenseRevocation: `${API_GROUP}/confirm-license-revocation`,
  /** `"true"` on a DashRealm, DashGroup or DashUser: the operator may take over an existing Keycloak object of that name. */
  adopt: `${API_GROUP}/adopt`,
  /** On a DashUser: each new value clears the user's brute-force lockout once; status.lastUnlock records it. */
  unlock: `${API_GROUP}/unlock`,
} as const;

/** Ready reasons of the tenancy and ownership rules (SPEC §3); contracts, shown to users. */
export const REASONS = {
  /** An existing Keycloak object the operator did not create, and the resource lacks the adopt annotation. */
  adoptionRequired: 'AdoptionRequired',
  /** Another DashRealm (maybe of another cluster or operator) has claimed the Keycloak realm. */
  realmClaimed: 'RealmClaimed',
  /** A binding names a role of the realm's client that contains roles of other clients. */
  roleNotAllowed: 'RoleNotAllowed',
  /** spec.keycloak.url is not on the operator's allow-list (or sends credentials over plain http). */
  keycloakUrlNotAllowed: 'KeycloakUrlNotAllowed',
  /** spec.email.host is not on the operator's SMTP allow-list (Keycloak would send it the SMTP password). */
  smtpHostNotAllowed: 'SmtpHostNotAllowed',
  /** Keycloak's password policy refused a DashUser's initial password (the message is Keycloak's, never the password). */
  passwordRejected: 'PasswordRejected',
  /** Ready=True of an object whose DashRealm is under managementPolicy Observe: planned, nothing written (see InSync). */
  observed: 'Observed',
  /** A DashRoleBinding's licensed_user grant would take more seats than the DashRealm's licenseSeats. */
  seatLimitReached: 'SeatLimitReached',
} as const;

/** Reason of the Event on an object whose pass, woken by a change made outside the operator (an admin event), changed Keycloak back. */
export const DRIFT_CORRECTED = 'DriftCorrected';
/** The condition of objects under managementPolicy Observe: True when Keycloak holds what the spec says, False with the changes Manage would make. */
export const IN_SYNC_CONDITION = 'InSync';

/** The finalizer the operator puts on every resource so that deletion reaches Keycloak first. */
export const FINALIZER = `${API_GROUP}/finalizer`;

/**
 * Owner mark of what the operator created (or, on a realm, claimed), written in the create
 * request itself so that ownership never rests on a status write. On a group: the owning
 * DashGroup's `<namespace>/<name>`. On a realm: the claiming DashRealm's
 * `<namespace>/<name>/<uid>` (one claim per Keycloak realm, whatever cluster or operator).
 */
export const OWNER_ATTRIBUTE = `${API_GROUP}/owner`;

/**
 * The user owner mark, valued `<namespace>/<name>` of the DashUser that created the user.
 * Keycloak 24+ drops user attributes its user profile does not declare, and a declared name
 * allows only letters, digits, '.', '_' and '-': the DashRealm declares this one, visible
 * and editable by administrators only.
 */
export const USER_OWNER_ATTRIBUTE = `${API_GROUP}.owner`;

/** Realm attribute `"true"` when the claiming DashRealm adopted an existing realm (so it is never deleted). */
export const ADOPTED_ATTRIBUTE = `${API_GROUP}/adopted`;

/** The condition every status carries. */
export const READY_CONDITION = 'Ready';

/** Dash Enterprise's client roles on the realm's `dash` client. */
export const DASH_ROLES = ['viewer', 'licensed_user', 'admin'] as const;

/** The role that takes a license seat; never mapped to a group without a warning, never removed silently. */
export const LICENSED_USER_ROLE = 'licensed_user';
