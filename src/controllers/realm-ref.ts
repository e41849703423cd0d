import type { DashRealm } from '../api/index.js';
import type { BoundKeycloak, ControllerDeps } from './context.js';
import { waitFor } from './errors.js';
import { realmView, type RealmView } from './realm-view.js';

/** The Keycloak realm a group, user or binding lives in, resolved from its DashRealm. */
export interface RealmRef {
  realm: DashRealm;
  /** Keycloak realm name. */
  name: string;
  /** UUID of the realm's `dash` client. */
  clientUuid: string;
  kc: BoundKeycloak;
  /** Realm-wide reads shared by all reconciles (role holders, default roles, sessions). */
  view: RealmView;
}

/**
 * Resolves `spec.realmRef` from the cache. A missing DashRealm, or one whose `dash` client is
 * not known yet, is a wait (not an error): the object converges once the realm is Ready.
 * `cleanup` also accepts a realm that is being deleted.
 */
export async function resolveRealm(namespace: string, realmRef: { name: string }, deps: ControllerDeps, purpose: 'reconcile' | 'cleanup' = 'reconcile'): Promise<RealmRef> {
  const realm = deps.cache.get('DashRealm', namespace, realmRef.name);
  if (!realm) {
    throw waitFor('WaitingForRealm', `spec.realmRef: DashRealm ${realmRef.name} not found in namespace ${namespace}`);
  }
  const clientUuid = realm.status?.clientUuid;
  // A realm being deleted still serves the cleanup of what uses it (its finalizer waits for them).
  if (!clientUuid || (realm.metadata.deletionTimestamp && purpose === 'reconcile')) {
    throw waitFor('WaitingForRealm', `spec.realmRef: DashRealm ${realmRef.name} is not Ready yet`);
  }
  const kc = await deps.keycloak.forRealm(realm);
  return { realm, name: realm.spec.realm, clientUuid, kc, view: realmView(kc, realm.spec.realm, clientUuid, () => deps.now().getTime()) };
}

/** True when the DashRealm the object refers to no longer exists (so cleanup has nothing to reach). */
export function realmGone(namespace: string, realmRef: { name: string }, deps: ControllerDeps): boolean {
  return deps.cache.get('DashRealm', namespace, realmRef.name) === undefined;
}
