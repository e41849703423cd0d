import { effectiveDeletionPolicy, type DashUser } from '../../api/index.js';
import type { KeycloakUser } from '../../keycloak/port.js';
import type { EventRequest, FinalizeResult } from '../../runtime/index.js';
import type { ControllerDeps } from '../context.js';
import { observing } from '../management-policy.js';
import { realmGone, resolveRealm, type RealmRef } from '../realm-ref.js';
import { createdByUs } from './ownership.js';

/**
 * Deletes the Keycloak user when the policy says so and the user is ours: created by this
 * DashUser (owner mark) and not federated. A `deletionPolicy: Delete` on an adopted or
 * federated user is treated as Retain, with a Warning saying why. `Disable` (offboarding)
 * keeps the account but disables it and ends its sessions. Lets go when the realm is gone.
 * Tolerates a pass that never recorded the id (looks the user up by username).
 */
export async function finalizeUser(user: DashUser, deps: ControllerDeps): Promise<FinalizeResult> {
  const namespace = user.metadata.namespace ?? '';
  if (realmGone(namespace, user.spec.realmRef, deps)) {
    return { done: true, events: [{ type: 'Warning', reason: 'RealmGone', message: `DashRealm ${user.spec.realmRef.name} is gone: released without touching Keycloak` }] };
  }
  if (user.spec.deletionPolicy === 'Retain') return { done: true };
  // No recorded id and a realm that never got Ready: no pass could have created the user, so
  // nothing to look up (and a broken realm must not hold the finalizer).
  if (!user.status?.keycloakId && !deps.cache.get('DashRealm', namespace, user.spec.realmRef.name)?.status?.clientUuid) return { done: true };
  const ref = await resolveRealm(namespace, user.spec.realmRef, deps, 'cleanup');
  if (observing(ref.realm)) return { done: true };
  const found = await findForCleanup(ref, user);
  if (!found) return { done: true };
  const ours = createdByUs(user, found);
  const policy = effectiveDeletionPolicy('DashUser', user.spec, !ours);
  if (policy === 'Disable') return { done: true, events: await disableUser(ref, user, found, ours) };
  if (policy !== 'Delete') return { done: true };
  const retained = `deletionPolicy Delete treated as Retain for Keycloak user ${user.spec.username}`;
  if (found.federationLink) {
    // Deleting a federated user deletes it in the federation provider too (LDAP, with writable edit mode).
    return { done: true, events: [{ type: 'Warning', reason: 'DeletionRetained', message: `${retained}: it comes from a federation provider (federationLink ${found.federationLink}); the operator never deletes federated users` }] };
  }
  if (!ours) {
    return { done: true, events: [{ type: 'Warning', reason: 'DeletionRetained', message: `${retained}: the operator did not create it (adopted, or created outside the operator); it deletes only users it created` }] };
  }
  await ref.kc.deleteUser(ref.name, found.id);
  ref.view.recordMembership({ kind: 'userGroups', userId: found.id, paths: [] });
  return { done: true, events: [{ type: 'Normal', reason: 'Deleted', message: `deleted Keycloak user ${user.spec.username}` }] };
}

/**
 * deletionPolicy Disable: disables the account and ends every session (Keycloak keeps a
 * disabled user's sessions, keycloak/keycloak#37981), keeping the user and its history. Only a
 * user this DashUser created or manages (the id its status recorded, adopted included): an
 * account that merely carries the username (an IdP login while the DashUser waited) is left alone.
 */
async function disableUser(ref: RealmRef, user: DashUser, found: KeycloakUser, ours: boolean): Promise<EventRequest[]> {
  if (!ours && found.id !== user.status?.keycloakId) {
    return [{ type: 'Warning', reason: 'DeletionRetained', message: `deletionPolicy Disable left Keycloak user ${user.spec.username} as it is: this DashUser never managed it` }];
  }
  if (found.enabled) await ref.kc.updateUser(ref.name, found.id, { enabled: false });
  await ref.kc.logoutUser(ref.name, found.id);
  return [
    { type: 'Normal', reason: 'Disabled', message: `disabled Keycloak user ${user.spec.username} and kept it (deletionPolicy Disable)` },
    { type: 'Normal', reason: 'SessionsRevoked', message: `ended every session of ${user.spec.username}: its DashUser was deleted with deletionPolicy Disable` },
  ];
}

// By the recorded id, else by exact username: a create whose status write was lost still
// carries our owner mark, and a user someone else made under that name does not.
async function findForCleanup(ref: RealmRef, user: DashUser): Promise<KeycloakUser | undefined> {
  const known = user.status?.keycloakId;
  const byId = known ? await ref.kc.getUser(ref.name, known) : undefined;
  return byId ?? await ref.kc.findUserByUsername(ref.name, user.spec.username);
}
