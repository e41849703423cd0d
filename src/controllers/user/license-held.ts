import type { DashUser, DashUserStatus } from '../../api/index.js';
import type { ControllerDeps } from '../context.js';
import { Index, inNamespace } from '../wake-ups.js';

/**
 * What the user's status says of a held licensed_user removal (licenseRevocation: Protect):
 * the bindings of its namespace and realm whose status holds one for its username, from the
 * cache (no Keycloak read). Several: the first by name, the one a reader confirms first.
 */
export function licenseRevocationHeld(user: DashUser, deps: ControllerDeps): Pick<DashUserStatus, 'pendingLicenseRevocation' | 'licenseRevocationHeld'> {
  const username = user.spec.username.toLowerCase();
  const [held] = deps.cache.byIndex('DashRoleBinding', Index.byHeldRevocation, inNamespace(user.metadata.namespace, username))
    .filter((b) => b.spec.realmRef.name === user.spec.realmRef.name)
    .flatMap((b) => (b.status?.pendingLicenseRevocations ?? []).filter((p) => p.username.toLowerCase() === username).map((p) => ({ binding: b.metadata.name, since: p.since })))
    .sort((a, b) => a.binding.localeCompare(b.binding));
  return held ? { pendingLicenseRevocation: true, licenseRevocationHeld: held } : { pendingLicenseRevocation: false };
}
