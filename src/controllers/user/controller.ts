import type { DashGroup, DashRoleBinding, DashUser } from '../../api/index.js';
import { objectKey, watch } from '../../runtime/index.js';
import { DASH_KINDS, dashController, type ControllerOptions } from '../kinds.js';
import {
  Index, USER_INDEXES, changed, groupFacts, heldRevocations, inNamespace, membersBehindRoles, showsGroupRoles, usersBehindGrants, usersToRefresh, watchRealm,
} from '../wake-ups.js';
import { finalizeUser, reconcileUser } from './reconcile.js';

/** The DashUser controller: a user reads its realm, its groups (and their ancestors), and the bindings naming it. */
export const userController = (options: ControllerOptions) => dashController('DashUser', options, {
  reconcile: reconcileUser,
  finalize: finalizeUser,
  indexes: USER_INDEXES,
  watches: [
    watchRealm('DashUser'),
    // Users naming the group in spec, and users in its subtree (its roles reach them), unless
    // their status shows the change already.
    watch<DashGroup>(DASH_KINDS.DashGroup, (g, cache, old) => {
      if (!changed(old, g, groupFacts)) return [];
      const ns = g.metadata.namespace;
      return [
        ...cache.byIndex<DashUser>(DASH_KINDS.DashUser, Index.byGroupName, inNamespace(ns, g.metadata.name)),
        ...(g.status?.path ? cache.byIndex<DashUser>(DASH_KINDS.DashUser, Index.byGroupPath, inNamespace(ns, g.status.path)) : []),
      ].filter((u) => !showsGroupRoles(u, g, old)).map(objectKey);
    }),
    // A group or binding that starts waiting for reports: its members or subjects that read
    // their roles before a grant was mapped again (wake-ups.ts) and would never look again.
    watch<DashGroup>(DASH_KINDS.DashGroup, (g, cache, old) => membersBehindRoles(g, cache, old)),
    watch<DashRoleBinding>(DASH_KINDS.DashRoleBinding, (b, cache, old) => usersBehindGrants(b, cache, old)),
    // Only subjects whose grants moved and whose status does not show it yet: a binding of 100
    // users writes its status as each resolves.
    watch<DashRoleBinding>(DASH_KINDS.DashRoleBinding, (b, cache, old) => usersToRefresh(b, old, cache)),
    // status.licenseRevocationHeld: users whose removal the binding started or stopped holding.
    watch<DashRoleBinding>(DASH_KINDS.DashRoleBinding, (b, cache, old) => {
      const before = heldRevocations(old);
      const now = heldRevocations(b);
      const moved = [...now.filter((u) => !before.includes(u)), ...before.filter((u) => !now.includes(u))];
      return moved.flatMap((u) => cache.byIndex<DashUser>(DASH_KINDS.DashUser, Index.byUsername, inNamespace(b.metadata.namespace, u))).map(objectKey);
    }),
  ],
  secretNames: (u) => [u.spec.initialPassword?.secretRef.name],
});
