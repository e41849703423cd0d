import type { DashGroup, DashRoleBinding, DashUser } from '../../api/index.js';
import { watch } from '../../runtime/index.js';
import { DASH_KINDS, dashController, type ControllerOptions } from '../kinds.js';
import { changed } from '../wake-ups.js';
import { finalizeRealm, reconcileRealm } from './reconcile.js';

/** While an object of the realm is being deleted, its DashRealm's finalizer waits for it: wake it at each step. */
const realmWhileDeleting = (o: DashGroup | DashUser | DashRoleBinding) =>
  (o.metadata.deletionTimestamp ? [{ namespace: o.metadata.namespace ?? '', name: o.spec.realmRef.name }] : []);

/** What a realm's seat count reads of a user: its id, its effective roles, its deletion (a group's role change reaches its members' effective roles). */
const userSeatFacts = (u: DashUser) => [u.status?.keycloakId, u.metadata.deletionTimestamp, u.status?.effectiveRoleNames];
const realmOf = (o: DashUser) => [{ namespace: o.metadata.namespace ?? '', name: o.spec.realmRef.name }];

/** How long seat recounts are coalesced: a burst of users converging costs one recount per this. */
export const SEAT_RECOUNT_MS = 2000;

/** The DashRealm controller. */
export const realmController = (options: ControllerOptions) => dashController('DashRealm', options, {
  reconcile: reconcileRealm,
  finalize: finalizeRealm,
  watches: [
    watch<DashGroup>(DASH_KINDS.DashGroup, realmWhileDeleting),
    watch<DashUser>(DASH_KINDS.DashUser, realmWhileDeleting),
    watch<DashRoleBinding>(DASH_KINDS.DashRoleBinding, realmWhileDeleting),
    // status.seats: a user appeared, went, or its effective roles (what bindings and groups give) changed.
    watch<DashUser>(DASH_KINDS.DashUser, (u, _cache, old) => (changed(old, u, userSeatFacts) ? realmOf(u) : []), { coalesceMs: SEAT_RECOUNT_MS }),
  ],
  secretNames: (r) => [r.spec.email?.auth?.passwordSecretRef.name, r.spec.keycloak?.credentialsSecretRef.name, r.spec.keycloak?.caBundle?.secretRef?.name],
});
