import { KINDS, type Kind } from '../../src/api/constants.js';

/** A printer column of a CRD version. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'date' | 'number';
  jsonPath: string;
  description: string;
  priority?: number;
}

const ready: PrinterColumn = {
  name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'Whether Keycloak matches the spec.',
};
const reason: PrinterColumn = {
  name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', description: 'Why it is (not) ready.',
};
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' };
const message: PrinterColumn = {
  name: 'Message', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message', description: 'Details of the Ready condition.', priority: 1,
};

/** What the CRD of each kind says about itself beyond its schema: description and printer columns. */
export const KIND_DOCS: Record<Kind, { description: string; columns: PrinterColumn[] }> = {
  DashRealm: {
    description: 'DashRealm is one Keycloak realm that Dash Enterprise uses: its login, e-mail, required-action and password-policy settings, and the dash client with its roles.',
    columns: [
      ready, reason,
      { name: 'Realm', type: 'string', jsonPath: '.spec.realm', description: 'Keycloak realm name.' },
      { name: 'Licensed', type: 'integer', jsonPath: '.status.seats.licensedUsers', description: 'License seats in use (users holding licensed_user).' },
      { name: 'Seats', type: 'integer', jsonPath: '.spec.licenseSeats', description: 'License seat limit (spec.licenseSeats); empty: no limit.' },
      { name: 'Users', type: 'integer', jsonPath: '.status.seats.users', description: 'Users of the realm.', priority: 1 },
      { name: 'Logout', type: 'string', jsonPath: '.spec.logoutPolicy', description: 'Manual or Automatic logout after group role changes.', priority: 1 },
      { name: 'Keycloak', type: 'string', jsonPath: '.status.keycloakUrl', description: 'Keycloak server.', priority: 1 },
      message, age,
    ],
  },
  DashGroup: {
    description: 'DashGroup is one Keycloak group of a DashRealm, top-level or nested under another group.',
    columns: [
      ready, reason,
      { name: 'Path', type: 'string', jsonPath: '.status.path', description: 'Keycloak group path.' },
      { name: 'Roles', type: 'string', jsonPath: '.status.roles', description: 'dash client roles mapped to the group.' },
      { name: 'Members', type: 'integer', jsonPath: '.status.members', description: 'Direct members.' },
      { name: 'Logout Pending', type: 'integer', jsonPath: '.status.logoutPending', description: 'Members who must log in again to get a role change.' },
      message, age,
    ],
  },
  DashUser: {
    description: 'DashUser is one Keycloak user of a DashRealm, with profile, group memberships and initial credentials; status shows the effective roles.',
    columns: [
      ready, reason,
      { name: 'Username', type: 'string', jsonPath: '.spec.username', description: 'Keycloak username.' },
      { name: 'Roles', type: 'string', jsonPath: '.status.effectiveRoleNames', description: 'Effective dash client roles.' },
      { name: 'Logout Pending', type: 'boolean', jsonPath: '.status.logoutPending', description: 'A session predates a role change that reached the user through a group.' },
      { name: 'License Held', type: 'string', jsonPath: '.status.licenseRevocationHeld.binding', description: 'The DashRoleBinding holding a licensed_user removal under licenseRevocation: Protect (confirm it with the confirm-license-revocation annotation).' },
      { name: 'Locked Out', type: 'boolean', jsonPath: '.status.lockedOut', description: "Keycloak's brute-force detection locks the user out (realms with bruteForceProtection.enabled)." },
      { name: 'Sessions', type: 'integer', jsonPath: '.status.sessions', description: 'Active sessions.', priority: 1 },
      message, age,
    ],
  },
  DashRoleBinding: {
    description: "DashRoleBinding grants client roles of a DashRealm's dash client to users (by username) and groups (DashGroups or group paths).",
    columns: [
      ready, reason,
      { name: 'Roles', type: 'string', jsonPath: '.spec.roles', description: 'Granted roles.' },
      // A list path in a printer column shows only its first match: print the whole list instead.
      { name: 'Subjects', type: 'string', jsonPath: '.spec.subjects', description: 'Users and groups.', priority: 1 },
      message, age,
    ],
  },
};

/** The CRD object name of a kind, e.g. `dashusers.identity.dashops.dev`. */
export function crdName(kind: Kind, group: string): string {
  return `${KINDS[kind].plural}.${group}`;
}
