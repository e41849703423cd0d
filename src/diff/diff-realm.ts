import { ANNOTATIONS, OWNER_ATTRIBUTE, REASONS, USER_OWNER_ATTRIBUTE } from '../api/index.js';
import { planRealm, type ObservedRealm, type RealmSettings, type RealmStep } from '../controllers/realm/plan.js';
import type { KeycloakPort, KeycloakRealm } from '../keycloak/port.js';
import { shown, type ObjectDiff } from './context.js';
import type { ManifestObject } from './manifests.js';

type RealmManifest = Extract<ManifestObject, { kind: 'DashRealm' }>;

/** Where each realm setting lives in DashRealm.spec, for `field: old -> new` lines. */
const SPEC_FIELD: Record<keyof RealmSettings, string> = {
  registrationAllowed: 'login.userRegistration', resetPasswordAllowed: 'login.forgotPassword', rememberMe: 'login.rememberMe',
  verifyEmail: 'login.verifyEmail', loginWithEmailAllowed: 'login.loginWithEmail', duplicateEmailsAllowed: 'login.duplicateEmails',
  editUsernameAllowed: 'login.editUsername', passwordPolicy: 'passwordPolicy', smtpServer: 'email',
};

/**
 * Plans a DashRealm against Keycloak as the realm reconciler would (planRealm), reading only:
 * the claim decides first (another DashRealm's claim, or an existing realm without the adopt
 * annotation: refused, as the operator would), then the planned steps become lines.
 */
export async function diffRealm(kc: KeycloakPort, o: RealmManifest): Promise<ObjectDiff> {
  const spec = o.spec;
  const base = { kind: o.kind, namespace: o.namespace, name: o.name, target: `realm ${spec.realm}` };
  const notCompared = spec.email?.auth ? [`email.auth.passwordSecretRef: the SMTP password (Secret ${spec.email.auth.passwordSecretRef.name}) is not compared: diff reads no Secret`] : [];
  if (spec.keycloak) return { ...base, action: 'none', lines: [], notCompared: [`spec.keycloak: realm on ${spec.keycloak.url}, not on the default connection: not compared`] };
  const found = await kc.getRealm(spec.realm);
  if (!found) {
    return { ...base, action: 'create', lines: planRealm(spec, undefined, {}).flatMap((s) => stepLines(s, undefined)), notCompared };
  }
  const owner = found.attributes[OWNER_ATTRIBUTE];
  const adopt = o.annotations[ANNOTATIONS.adopt] === 'true';
  if (owner && !owner.startsWith(`${o.namespace}/${o.name}/`)) {
    return { ...base, action: 'refused', lines: [`${REASONS.realmClaimed}: claimed by DashRealm ${owner}`], notCompared };
  }
  if (!owner && !adopt) {
    return { ...base, action: 'refused', lines: [`${REASONS.adoptionRequired}: the realm exists; annotate the DashRealm ${ANNOTATIONS.adopt}: "true" to manage it`], notCompared };
  }
  const observed = await observeRealm(kc, spec.realm, spec.clientId, found);
  const adopted = owner ? found.attributes['identity.dashops.dev/adopted'] === 'true' : true;
  const notes = owner ? [] : [`adoption: the operator would record its claim in realm attribute ${OWNER_ATTRIBUTE} (no setting changes)`];
  const lines = planRealm(spec, observed, { adopted }).flatMap((s) => stepLines(s, found));
  return { ...base, action: lines.length > 0 ? 'change' : 'none', lines, notCompared, notes };
}

async function observeRealm(kc: KeycloakPort, realm: string, clientId: string, found: KeycloakRealm): Promise<ObservedRealm> {
  const [client, requiredActions, userProfileAttributes] = await Promise.all([kc.findClient(realm, clientId), kc.listRequiredActions(realm), kc.listUserProfileAttributes(realm)]);
  const [roles, defaults] = client ? await Promise.all([kc.listClientRoles(realm, client.id), kc.listDefaultClientRoles(realm, client.id)]) : [[], []];
  return {
    settings: found, smtpPasswordSet: found.smtpPasswordSet, userProfileAttributes, requiredActions,
    client: client ? { uuid: client.id, roles: (roles ?? []).map((r) => r.name) } : undefined,
    defaultClientRoles: defaults.map((r) => r.name),
  };
}

function stepLines(step: RealmStep, found: KeycloakRealm | undefined): string[] {
  switch (step.kind) {
    case 'createRealm': return ['realm: created'];
    case 'declareUserOwnerAttribute': return [`user profile: + attribute ${USER_OWNER_ATTRIBUTE}`];
    case 'createClient': return ['client: created'];
    case 'createClientRole': return [`client roles: + ${step.role}`];
    case 'addDefaultClientRole': return [`default roles: + ${step.role}`];
    case 'updateRealm': return step.fields.flatMap((f) => settingLines(f as keyof RealmSettings, found, step.settings));
    case 'updateRequiredAction': return [`requiredActions[${step.alias}]: enabled ${step.enabled}, defaultAction ${step.defaultAction}`];
    case 'logoutAll': return [`${ANNOTATIONS.logoutAll}: every session of the realm would be ended`];
  }
}

function settingLines(field: keyof RealmSettings, found: KeycloakRealm | undefined, desired: RealmSettings): string[] {
  if (field !== 'smtpServer') return [`${SPEC_FIELD[field]}: ${shown(found?.[field])} -> ${shown(desired[field])}`];
  const was = found?.smtpServer ?? {};
  const want = desired.smtpServer ?? {};
  return [...new Set([...Object.keys(was), ...Object.keys(want)])].filter((k) => k !== 'password' && was[k] !== want[k]).sort()
    .map((k) => `email.${k}: ${shown(was[k])} -> ${shown(want[k])}`);
}
