import type { DashGroup, DashRoleBinding, DashUser } from '../../api/index.js';
import { watch } from '../../runtime/index.js';
import { DASH_KINDS, dashController, type ControllerOptions } from '../kinds.js';
import { finalizeRealm, reconcileRealm } from './reconcile.js';

/** While an object of the realm is being deleted, its DashRealm's finalizer waits for it: wake it at each step. */
const realmWhileDeleting = (o: DashGroup | DashUser | DashRoleBinding) =>
  (o.metadata.deletionTimestamp ? [{ namespace: o.metadata.namespace ?? '', name: o.spec.realmRef.name }] : []);

/** The DashRealm controller. */
export const realmController = (options: ControllerOptions) => dashController('DashRealm', options, {
  reconcile: reconcileRealm,
  finalize: finalizeRealm,
  watches: [
    watch<DashGroup>(DASH_KINDS.DashGroup, realmWhileDeleting),
    watch<DashUser>(DASH_KINDS.DashUser, realmWhileDeleting),
    watch<DashRoleBinding>(DASH_KINDS.DashRoleBinding, realmWhileDeleting),
  ],
  secretNames: (r) => [r.spec.email?.auth?.passwordSecretRef.name, r.spec.keycloak?.credentialsSecretRef.name, r.spec.keycloak?.caBundle?.secretRef?.name],
});
