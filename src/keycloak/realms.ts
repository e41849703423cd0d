import type RealmRepresentation from '@keycloak/keycloak-admin-client/lib/defs/realmRepresentation.js';
import type RequiredActionProviderRepresentation from '@keycloak/keycloak-admin-client/lib/defs/requiredActionProviderRepresentation.js';
import { KeycloakError, KeycloakErrorKind } from './errors.js';
import { realmPath, type KeycloakHttp } from './http.js';
import type { RealmPort } from './port.js';
import { assertWritableSmtp, smtpFromKeycloak } from './smtp.js';
import type { KeycloakRealm, RealmUpdate, RequiredAction } from './types.js';

/** Realm, realm settings and required-action operations over one connection. */
export function realmOperations(http: KeycloakHttp): RealmPort {
  return {
    async getRealm(realm) {
      const rep = await http.read(`read realm "${realm}"`, (admin) => admin.realms.findOne({ realm }));
      return rep ? toRealm(rep) : undefined;
    },

    async createRealm(realm, settings = {}, attributes) {
      const operation = `create realm "${realm}"`;
      const payload = realmPayload(operation, settings);
      await http.call(operation, (admin) => admin.realms.create({ realm, enabled: true, ...payload, ...(attributes ? { attributes } : {}) }));
    },

    async updateRealmAttributes(realm, changes) {
      const operation = `update attributes (${Object.keys(changes).sort().join(', ')}) of realm "${realm}"`;
      const current = await http.read(operation, (admin) => admin.realms.findOne({ realm }));
      if (!current) throw new KeycloakError(KeycloakErrorKind.NotFound, `${operation}: the realm does not exist`);
      const attributes: Record<string, string> = { ...(current.attributes as Record<string, string> | undefined) };
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) delete attributes[key];
        else attributes[key] = value;
      }
      // The PUT replaces the attribute map (verified against 26.7): send every attribute back.
      await http.call(operation, (admin) => admin.realms.update({ realm }, { attributes }));
    },

    async listUserProfileAttributes(realm) {
      const profile = await http.get<UserProfile>(`read the user profile of realm "${realm}"`, realmPath(realm, 'users', 'profile'));
      return (profile?.attributes ?? []).map((a) => a.name);
    },

    async declareAdminOnlyUserAttribute(realm, name, displayName) {
      const operation = `declare user attribute "${name}" in the user profile of realm "${realm}"`;
      const profile = await http.get<UserProfile>(operation, realmPath(realm, 'users', 'profile'));
      if (!profile) throw new KeycloakError(KeycloakErrorKind.NotFound, `${operation}: the realm does not exist`);
      if (profile.attributes?.some((a) => a.name === name)) return;
      const attribute = { name, displayName, permissions: { view: ['admin'], edit: ['admin'] }, multivalued: false };
      await http.request(operation, 'PUT', realmPath(realm, 'users', 'profile'), { body: { ...profile, attributes: [...(profile.attributes ?? []), attribute] } });
    },

    async updateRealm(realm, update) {
      const fields = Object.keys(update).filter((k) => update[k as keyof RealmUpdate] !== undefined).sort();
      if (fields.length === 0) return;
      const operation = `update realm "${realm}" (${fields.join(', ')})`;
      const payload = realmPayload(operation, update);
      // Keycloak's realm PUT applies only the fields present (verified against 26.7), so no
      // read-modify-write: echoing a whole realm back would also echo the masked SMTP password.
      await http.call(operation, (admin) => admin.realms.update({ realm }, payload));
    },

    async deleteRealm(realm) {
      await http.ignoreMissing(`delete realm "${realm}"`, (admin) => admin.realms.del({ realm }));
    },

    async logoutAllSessions(realm) {
      await http.call(`log out all sessions of realm "${realm}"`, (admin) => admin.realms.logoutAll({ realm }));
    },

    async listRequiredActions(realm) {
      // Raw REST: the admin client's typings do not let this call take a realm.
      const reps = await http.get<RequiredActionProviderRepresentation[]>(`list required actions of realm "${realm}"`, realmPath(realm, 'authentication', 'required-actions'));
      return (reps ?? []).map(toRequiredAction);
    },

    async updateRequiredAction(realm, alias, state) {
      const operation = `update required action "${alias}" of realm "${realm}"`;
      const current = (await readRequiredAction(http, realm, alias)) ?? (await registerRequiredAction(http, realm, alias));
      // The PUT replaces the whole provider: a partial body nulls alias, name and priority and
      // the action is gone from the realm (verified against 26.7), so send the full representation.
      await http.call(operation, (admin) => admin.authenticationManagement.updateRequiredAction({ realm, alias }, { ...current, ...state }));
    },
  };
}

function readRequiredAction(http: KeycloakHttp, realm: string, alias: string): Promise<RequiredActionProviderRepresentation | undefined> {
  return http.read(`read required action "${alias}" of realm "${realm}"`, (admin) => admin.authenticationManagement.getRequiredActionForAlias({ realm, alias }));
}

// Providers such as custom ones exist in the server but are not registered in every realm.
async function registerRequiredAction(http: KeycloakHttp, realm: string, alias: string): Promise<RequiredActionProviderRepresentation> {
  const operation = `register required action "${alias}" in realm "${realm}"`;
  const unregistered = await http.get<{ providerId?: string; name?: string }[]>(operation, realmPath(realm, 'authentication', 'unregistered-required-actions'));
  const provider = unregistered?.find((p) => p.providerId === alias);
  if (!provider) throw new KeycloakError(KeycloakErrorKind.Invalid, `${operation}: Keycloak has no required action provider "${alias}"`);
  await http.call(operation, (admin) => admin.authenticationManagement.registerRequiredAction({ realm, providerId: alias, name: provider.name }));
  const registered = await readRequiredAction(http, realm, alias);
  if (!registered) throw new KeycloakError(KeycloakErrorKind.NotFound, `${operation}: not found after registering`);
  return registered;
}

function realmPayload(operation: string, update: RealmUpdate): RealmRepresentation {
  if (update.smtpServer && Object.keys(update.smtpServer).length > 0) assertWritableSmtp(operation, update.smtpServer);
  return Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) as RealmRepresentation;
}

function toRealm(rep: RealmRepresentation): KeycloakRealm {
  const smtp = smtpFromKeycloak(rep.smtpServer as Record<string, string> | undefined);
  return {
    id: rep.id ?? '',
    realm: rep.realm ?? '',
    enabled: rep.enabled ?? false,
    ...(rep.displayName ? { displayName: rep.displayName } : {}),
    registrationAllowed: rep.registrationAllowed ?? false,
    resetPasswordAllowed: rep.resetPasswordAllowed ?? false,
    rememberMe: rep.rememberMe ?? false,
    verifyEmail: rep.verifyEmail ?? false,
    loginWithEmailAllowed: rep.loginWithEmailAllowed ?? false,
    duplicateEmailsAllowed: rep.duplicateEmailsAllowed ?? false,
    editUsernameAllowed: rep.editUsernameAllowed ?? false,
    passwordPolicy: rep.passwordPolicy ?? '',
    smtpServer: smtp.settings,
    smtpPasswordSet: smtp.passwordSet,
    bruteForceProtected: rep.bruteForceProtected ?? false,
    failureFactor: rep.failureFactor ?? 0,
    waitIncrementSeconds: rep.waitIncrementSeconds ?? 0,
    maxFailureWaitSeconds: rep.maxFailureWaitSeconds ?? 0,
    permanentLockout: rep.permanentLockout ?? false,
    adminEventsEnabled: rep.adminEventsEnabled ?? false,
    adminEventsDetailsEnabled: rep.adminEventsDetailsEnabled ?? false,
    attributes: { ...(rep.attributes as Record<string, string> | undefined) },
  };
}

/** The parts of Keycloak's UPConfig the adapter reads; the rest is sent back untouched. */
interface UserProfile {
  attributes?: { name: string }[];
  [key: string]: unknown;
}

function toRequiredAction(rep: RequiredActionProviderRepresentation): RequiredAction {
  return {
    alias: rep.alias ?? '',
    name: rep.name ?? '',
    enabled: rep.enabled ?? false,
    defaultAction: rep.defaultAction ?? false,
    priority: rep.priority ?? 0,
  };
}
