import type { DashGroup, DashRoleBinding, DashUser } from '../../api/index.js';
import { watch } from '../../runtime/index.js';
import { DASH_KINDS, dashController, type ControllerOptions } from '../kinds.js';
import {
  GROUP_INDEXES, Index, changed, changedSubjects, groupFacts, inNamespace, keysByIndex, userFactsForGroups, watchRealm, wokenByUser,
} from '../wake-ups.js';
import { pathChain } from '../user/effective-roles.js';
import { finalizeGroup, reconcileGroup } from './reconcile.js';

/** The DashGroup controller: a group reads its realm, its parent, its members' logout state, and the bindings naming it. */
export const groupController = (options: ControllerOptions) => dashController('DashGroup', options, {
  reconcile: reconcileGroup,
  finalize: finalizeGroup,
  indexes: GROUP_INDEXES,
  watches: [
    watchRealm('DashGroup'),
    // A parent's path, id or roles are its children's inherited ones.
    watch<DashGroup>(DASH_KINDS.DashGroup, (g, cache, old) =>
      (changed(old, g, groupFacts) ? keysByIndex(cache, 'DashGroup', Index.byParent, inNamespace(g.metadata.namespace, g.metadata.name)) : [])),
    // Member counts, pending logouts and the roles members show, in the groups the user is in
    // now or was in before, and their ancestors (whose subtree it is in).
    watch<DashUser>(DASH_KINDS.DashUser, (u, cache, old) => {
      const paths = new Set([...(u.status?.groups ?? []), ...(old?.status?.groups ?? [])].flatMap(pathChain));
      return wokenByUser(old, u, userFactsForGroups, cache, 'DashGroup', Index.byPath, [...paths].map((path) => inNamespace(u.metadata.namespace, path)));
    }),
    // The binding's grants on the group (subjects named by DashGroup name or by path) are its roles.
    watch<DashRoleBinding>(DASH_KINDS.DashRoleBinding, (b, cache, old) => [...changedSubjects(b, old).groups].flatMap((nameOrPath) => [
      ...(cache.get<DashGroup>(DASH_KINDS.DashGroup, b.metadata.namespace, nameOrPath) ? [{ namespace: b.metadata.namespace ?? '', name: nameOrPath }] : []),
      ...keysByIndex(cache, 'DashGroup', Index.byPath, inNamespace(b.metadata.namespace, nameOrPath)),
    ])),
  ],
});
