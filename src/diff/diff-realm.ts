import { ADMIN_EVENTS_EXPIRATION_ATTRIBUTE } from '../keycloak/admin-events.js';
import { ANNOTATIONS, OWNER_ATTRIBUTE, REASONS } from '../api/index.js';
import { describeRealmStep } from '../controllers/realm/describe.js';
import { planRealm, type ObservedRealm } from '../controllers/realm/plan.js';
import type { KeycloakPort, KeycloakRealm } from '../keycloak/port.js';
import type { ObjectDiff } from './context.js';
import type { ManifestObject } from './manifests.js';

type RealmManifest = Extract<ManifestObject, { kind: 'DashRealm' }>;

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
    return { ...base, action: 'create', lines: planRealm(spec, undefined, {}).flatMap((s) => describeRealmStep(s, undefined)), notCompared };
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
  const lines = planRealm(spec, observed, { adopted }).flatMap((s) => describeRealmStep(s, found));
  return { ...base, action: lines.length > 0 ? 'change' : 'none', lines, notCompared, notes };
}

async function observeRealm(kc: KeycloakPort, realm: string, clientId: string, found: KeycloakRealm): Promise<ObservedRealm> {
  const [client, requiredActions, userProfileAttributes] = await Promise.all([kc.findClient(realm, clientId), kc.listRequiredActions(realm), kc.listUserProfileAttributes(realm)]);
  const [roles, defaults] = client ? await Promise.all([kc.listClientRoles(realm, client.id), kc.listDefaultClientRoles(realm, client.id)]) : [[], []];
  return {
    settings: found, smtpPasswordSet: found.smtpPasswordSet, userProfileAttributes, requiredActions,
    client: client ? { uuid: client.id, roles: (roles ?? []).map((r) => r.name) } : undefined,
    defaultClientRoles: defaults.map((r) => r.name),
    adminEvents: { enabled: found.adminEventsEnabled, expirationSet: (found.attributes[ADMIN_EVENTS_EXPIRATION_ATTRIBUTE] ?? '') !== '' },
  };
}
