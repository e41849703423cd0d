import { ANNOTATIONS, OWNER_ATTRIBUTE, REASONS, USER_OWNER_ATTRIBUTE, effectiveDeletionPolicy, type DashRealm, type DashRealmStatus } from '../../api/index.js';
import { ADMIN_EVENTS_EXPIRATION_ATTRIBUTE } from '../../keycloak/admin-events.js';
import type { KeycloakPort, RoleRef } from '../../keycloak/port.js';
import type { EventRequest, FinalizeResult, ReconcileResult } from '../../runtime/index.js';
import type { BoundKeycloak, ControllerDeps } from '../context.js';
import { conflict, waitFor } from '../errors.js';
import { observedResult, observing } from '../management-policy.js';
import { USER_OWNER_DISPLAY_NAME } from '../realm-view.js';
import { describeRealmStep } from './describe.js';
import { Index, inNamespace } from '../wake-ups.js';
import { claimAttributes, claimOf, classifyRealmClaim, RELEASE_ATTRIBUTES, type ClaimInput, type RealmClaim } from './claim.js';
import { planRealm, type ObservedRealm, type RealmInputs, type RealmStep } from './plan.js';
import { adminEventsInputs, driftDetectionStatus } from './drift-detection.js';
import { assertSmtpHostAllowed } from './smtp-host.js';
import { countSeats } from './seats.js';
import { isDeepStrictEqual } from 'node:util';
import { REALM_VIEW_TTL_MS, realmView } from '../realm-view.js';

/**
 * Reconciles one DashRealm: observe Keycloak, settle the realm's claim (one DashRealm per
 * Keycloak realm, recorded in the realm itself), plan, apply, observe again for status.
 * Idempotent: an unchanged realm plans no step and so sends no write. A realm another
 * DashRealm claims, or one that exists without the adopt annotation, gets no write at all
 * and none of the realm's Secrets is read.
 */
export async function reconcileRealm(realm: DashRealm, deps: ControllerDeps): Promise<ReconcileResult<DashRealmStatus>> {
  assertSmtpHostAllowed(realm, deps.allowedSmtpHosts);
  const kc = await deps.keycloak.forRealm(realm);
  let before = await observeRealm(kc, realm.spec.realm, realm.spec.clientId);
  const claim = classifyRealmClaim(claimInput(realm), before);
  refuseUnclaimable(realm, claim);
  const adopted = claim.kind === 'ours' || claim.kind === 'claim' ? claim.adopted : false;
  if (observing(realm)) return observeOnly(realm, before, claim, adopted, await realmInputs(realm, deps));
  if (claim.kind === 'claim') before = await writeClaim(kc, realm, claim.adopted);
  const inputs = { ...(await realmInputs(realm, deps)), ...(await adminEventsInputs(realm, kc)), adopted };
  const steps = planRealm(realm.spec, before, inputs);
  const drift = driftDetectionStatus(realm, inputs, steps);
  const events = await applyRealmSteps(kc, realm, steps, before?.client?.uuid);
  if (claim.kind === 'claim') events.unshift({ type: 'Normal', reason: 'Adopted', message: `claimed existing Keycloak realm ${realm.spec.realm} (${ANNOTATIONS.adopt})` });
  const after = steps.length === 0 ? before : await observeRealm(kc, realm.spec.realm, realm.spec.clientId);
  const logoutStep = steps.find((s) => s.kind === 'logoutAll');
  const seats = after?.client ? await countSeats(realmView(kc, realm.spec.realm, after.client.uuid, () => deps.now().getTime())) : undefined;
  if (seats) deps.seatMetrics?.record(realm.spec.realm, seats);
  return {
    status: {
      keycloakId: after?.id,
      adopted,
      clientUuid: after?.client?.uuid,
      keycloakUrl: after?.url,
      smtpPasswordVersion: inputs.smtpPasswordVersion,
      lastLogoutAll: logoutStep ? { value: logoutStep.request, at: deps.now().toISOString() } : realm.status?.lastLogoutAll,
      adminEvents: drift.adminEvents,
      seats,
    },
    conditions: [drift.condition],
    events,
    // A count that moved may rest on realm-wide reads up to REALM_VIEW_TTL_MS old: count once more after them.
    requeueAfterMs: seats && !isDeepStrictEqual(seats, realm.status?.seats) ? REALM_VIEW_TTL_MS + 1000 : undefined,
  };
}

/**
 * A pass under managementPolicy Observe: the plan as usual (an unclaimed realm planned as
 * adopted, as Manage would claim it), nothing written, not even the claim. Status records the
 * realm's id only when the claim is ours already, so that a later Manage pass adopts only
 * through the annotation; the dash client's id lets the realm's objects observe too.
 */
function observeOnly(realm: DashRealm, before: Observed | undefined, claim: RealmClaim, adopted: boolean, inputs: RealmInputs): ReconcileResult<DashRealmStatus> {
  const steps = planRealm(realm.spec, before, { ...inputs, adopted });
  const changes = [...(claim.kind === 'claim' ? ['claim the realm'] : []), ...steps.flatMap((s) => describeRealmStep(s, before?.settings))];
  return {
    status: {
      keycloakId: claim.kind === 'ours' ? before?.id : realm.status?.keycloakId,
      adopted: claim.kind === 'ours' ? adopted : realm.status?.adopted,
      clientUuid: before?.client?.uuid,
      keycloakUrl: before?.url,
      smtpPasswordVersion: realm.status?.smtpPasswordVersion,
      lastLogoutAll: realm.status?.lastLogoutAll,
    },
    ...observedResult(changes),
  };
}

/**
 * Cleans up a DashRealm, touching the Keycloak realm only while this DashRealm holds its
 * claim: deleted when the deletion policy says so (never an adopted realm), otherwise the
 * claim is released so that another DashRealm may adopt the realm.
 */
export async function finalizeRealm(realm: DashRealm, deps: ControllerDeps): Promise<FinalizeResult> {
  // Groups, users and bindings clean up through the realm: if it went first they would be
  // released without their Keycloak objects being deleted.
  const users = (['DashGroup', 'DashUser', 'DashRoleBinding'] as const).flatMap((kind) =>
    deps.cache.byIndex(kind, Index.byRealm, inNamespace(realm.metadata.namespace, realm.metadata.name)).map((o) => `${kind} ${o.metadata.name}`));
  if (users.length > 0) {
    return { done: false, waiting: `waiting for ${users.length} resource(s) that use this realm to be deleted first: ${users.sort().slice(0, 5).join(', ')}` };
  }
  // Observe writes nothing, not even on deletion: the realm and any claim stay as they are.
  if (observing(realm)) return { done: true, events: [{ type: 'Normal', reason: 'Released', message: `managementPolicy Observe: Keycloak realm ${realm.spec.realm} left as it is` }] };
  const kc = await deps.keycloak.forRealm(realm);
  const found = await kc.getRealm(realm.spec.realm);
  const claim = classifyRealmClaim({ ...claimInput(realm), adopt: false }, found);
  if (claim.kind !== 'ours' && claim.kind !== 'claim') return { done: true };
  if (effectiveDeletionPolicy('DashRealm', realm.spec, claim.adopted) === 'Delete') {
    await kc.deleteRealm(realm.spec.realm);
    return { done: true, events: [{ type: 'Normal', reason: 'Deleted', message: `deleted Keycloak realm ${realm.spec.realm}` }] };
  }
  await kc.updateRealmAttributes(realm.spec.realm, RELEASE_ATTRIBUTES);
  const events: EventRequest[] = [{ type: 'Normal', reason: 'Released', message: `released the claim on Keycloak realm ${realm.spec.realm}; the realm stays` }];
  if (realm.spec.deletionPolicy === 'Delete') {
    events.push({ type: 'Warning', reason: 'DeletionRetained', message: `deletionPolicy Delete not applied: Keycloak realm ${realm.spec.realm} was adopted, not created by this operator, so it stays in Keycloak` });
  }
  return { done: true, events };
}

function claimInput(realm: DashRealm): ClaimInput {
  return {
    claim: claimOf(realm),
    adopt: realm.metadata.annotations?.[ANNOTATIONS.adopt] === 'true',
    knownId: realm.status?.keycloakId,
    knownAdopted: realm.status?.adopted,
  };
}

function refuseUnclaimable(realm: DashRealm, claim: RealmClaim): void {
  const name = realm.spec.realm;
  if (claim.kind === 'claimed') {
    throw conflict(
      `spec.realm: Keycloak realm ${name} is claimed by DashRealm ${claim.owner} (namespace/name/uid, realm attribute ${OWNER_ATTRIBUTE}); nothing is written. If that DashRealm no longer exists, remove the attribute in Keycloak to release the realm`,
      REASONS.realmClaimed,
    );
  }
  if (claim.kind === 'adoptionRequired') {
    throw conflict(
      `spec.realm: Keycloak realm ${name} already exists and was not created by this operator; to manage it, annotate the DashRealm ${ANNOTATIONS.adopt}: "true"`,
      REASONS.adoptionRequired,
    );
  }
}

/** Writes our claim into the realm, then reads it back: a concurrent claimer that wrote last wins, and this pass writes nothing more. */
async function writeClaim(kc: BoundKeycloak, realm: DashRealm, adopted: boolean): Promise<Observed | undefined> {
  await kc.updateRealmAttributes(realm.spec.realm, claimAttributes(claimOf(realm), adopted));
  const after = await observeRealm(kc, realm.spec.realm, realm.spec.clientId);
  const claim = classifyRealmClaim({ claim: claimOf(realm), adopt: false }, after);
  refuseUnclaimable(realm, claim);
  return after;
}

type Observed = ObservedRealm & { id: string; url?: string; attributes: Record<string, string> };

async function observeRealm(kc: BoundKeycloak, name: string, clientId: string): Promise<Observed | undefined> {
  const got = await kc.getRealm(name);
  if (!got) return undefined;
  const [client, requiredActions, userProfileAttributes] = await Promise.all([
    kc.findClient(name, clientId), kc.listRequiredActions(name), kc.listUserProfileAttributes(name),
  ]);
  const [roles, defaults] = client
    ? await Promise.all([kc.listClientRoles(name, client.id), kc.listDefaultClientRoles(name, client.id)])
    : [[], []];
  return {
    id: got.id,
    url: kc.url,
    attributes: got.attributes,
    userProfileAttributes,
    settings: got,
    smtpPasswordSet: got.smtpPasswordSet,
    client: client ? { uuid: client.id, roles: (roles ?? []).map((r) => r.name) } : undefined,
    defaultClientRoles: defaults.map((r) => r.name),
    requiredActions,
    adminEvents: { enabled: got.adminEventsEnabled, expirationSet: (got.attributes[ADMIN_EVENTS_EXPIRATION_ATTRIBUTE] ?? '') !== '' },
  };
}

async function realmInputs(realm: DashRealm, deps: ControllerDeps): Promise<RealmInputs> {
  const inputs: RealmInputs = {
    appliedSmtpPasswordVersion: realm.status?.smtpPasswordVersion,
    logoutAllRequest: realm.metadata.annotations?.[ANNOTATIONS.logoutAll],
    logoutAllDone: realm.status?.lastLogoutAll?.value,
  };
  const ref = realm.spec.email?.auth?.passwordSecretRef;
  if (!ref) return inputs;
  const secret = await deps.secrets.readSecret(realm.metadata.namespace ?? '', ref.name, ref.key);
  if (!secret) {
    throw waitFor('WaitingForSecret', `spec.email.auth.passwordSecretRef: Secret ${ref.name} with key ${ref.key} not found in namespace ${realm.metadata.namespace}`);
  }
  return { ...inputs, smtpPassword: secret.value, smtpPasswordVersion: secret.version };
}

/** Executes the plan in order; the only state carried is the id a create returns. */
async function applyRealmSteps(kc: KeycloakPort, realm: DashRealm, steps: RealmStep[], knownClientUuid: string | undefined): Promise<EventRequest[]> {
  const name = realm.spec.realm;
  let clientUuid = knownClientUuid;
  const events: EventRequest[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case 'createRealm':
        // The claim travels in the create request: ownership never rests on a later write.
        await kc.createRealm(name, {}, claimAttributes(claimOf(realm), false) as Record<string, string>);
        events.push({ type: 'Normal', reason: 'Created', message: `created Keycloak realm ${name}` });
        break;
      case 'declareUserOwnerAttribute':
        await kc.declareAdminOnlyUserAttribute(name, USER_OWNER_ATTRIBUTE, USER_OWNER_DISPLAY_NAME);
        break;
      case 'createClient':
        clientUuid = await kc.createClient(name, { clientId: realm.spec.clientId, name: 'Dash Enterprise', enabled: true });
        break;
      case 'createClientRole':
        await kc.createClientRole(name, mustHave(clientUuid), step.role);
        break;
      case 'addDefaultClientRole':
        await kc.addDefaultRoles(name, [await clientRole(kc, name, mustHave(clientUuid), step.role)]);
        break;
      case 'updateRealm':
        await kc.updateRealm(name, step.settings);
        events.push({ type: 'Normal', reason: 'Updated', message: `updated realm ${name}: ${step.fields.join(', ')}` });
        break;
      case 'updateRequiredAction':
        await kc.updateRequiredAction(name, step.alias, { enabled: step.enabled, defaultAction: step.defaultAction });
        break;
      case 'enableAdminEvents':
        await kc.enableAdminEvents(name, step.expirationSeconds);
        events.push({ type: 'Normal', reason: 'AdminEventsEnabled', message: `turned on admin events of realm ${name} for drift detection${step.expirationSeconds === undefined ? '; their retention was set already and stays' : `, kept ${step.expirationSeconds} s (adminEventsExpiration)`}` });
        break;
      case 'logoutAll':
        await kc.logoutAllSessions(name);
        events.push({ type: 'Normal', reason: 'LoggedOutAll', message: `logged out every session of realm ${name} (${ANNOTATIONS.logoutAll}=${step.request})` });
        break;
    }
  }
  return events;
}

async function clientRole(kc: KeycloakPort, realm: string, clientUuid: string, name: string): Promise<RoleRef> {
  const role = (await kc.listClientRoles(realm, clientUuid))?.find((r) => r.name === name);
  if (!role) throw new Error(`client role ${name} missing right after it was planned`);
  return role;
}

function mustHave(clientUuid: string | undefined): string {
  if (!clientUuid) throw new Error('the dash client has no id: it should have been created first');
  return clientUuid;
}
