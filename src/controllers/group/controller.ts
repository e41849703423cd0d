import type { DashGroup, DashRoleBinding, DashUser } from '../../api/index.js';
import { watch, type CacheReader } from '../../runtime/index.js';
import { REPORT_BATCH_MS, REPORT_SPACING_MS } from '../reported.js';
import { DASH_KINDS, dashController, type ControllerOptions } from '../kinds.js';
import {
  GROUP_INDEXES, Index, changed, changedSubjects, groupFacts, groupsBehindGrants, inNamespace, keysByIndex, rolesGivenTo, userFactsForGroups, waitingForReport, watchRealm,
} from '../wake-ups.js';
import { pathChain } from '../user/effective-roles.js';
import { finalizeGroup, reconcileGroup } from './reconcile.js';

/**
 * How long member changes of a group are collected before it counts its members again: while
 * users are created by the hundred, a group recounts every few seconds instead of every second
 * (each recount reads the group and its members, and made nearly half of the requests of a
 * converge). Roles its members must show are not delayed: a group waiting for their reports is
 * woken by the rule after this one.
 */
const MEMBER_RECOUNT_MS = 5_000;

/** The groups a user is or was in, and their ancestors, as `byPath` values. */
const memberPaths = (u: DashUser, old: DashUser | undefined): string[] =>
  [...new Set([...(u.status?.groups ?? []), ...(old?.status?.groups ?? [])].flatMap(pathChain))].map((path) => inNamespace(u.metadata.namespace, path));
const memberOf = (u: DashUser, old: DashUser | undefined, cache: CacheReader) =>
  memberPaths(u, old).flatMap((value) => keysByIndex(cache, 'DashGroup', Index.byPath, value));

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
    // Member counts and pending logouts, in the groups the user is in now or was in before and
    // their ancestors (whose subtree it is in): recounted every MEMBER_RECOUNT_MS at most.
    watch<DashUser>(DASH_KINDS.DashUser, (u, cache, old) => (changed(old, u, userFactsForGroups) ? memberOf(u, old, cache) : []), { coalesceMs: MEMBER_RECOUNT_MS }),
    // The roles a member shows, for the groups waiting for it (reported.ts): a burst of reports
    // (a hundred members of a subtree) is collected for REPORT_BATCH_MS, then one pass, at most
    // one per REPORT_SPACING_MS.
    watch<DashUser>(DASH_KINDS.DashUser, (u, cache, old) => waitingForReport(old, u, cache, 'DashGroup', Index.byPath, memberPaths(u, old), rolesGivenTo),
      { coalesceMs: REPORT_BATCH_MS, spacingMs: REPORT_SPACING_MS }),
    // The binding's grants on the group (subjects named by DashGroup name or by path) are its roles.
    watch<DashRoleBinding>(DASH_KINDS.DashRoleBinding, (b, cache, old) => [...changedSubjects(b, old).groups].flatMap((nameOrPath) => [
      ...(cache.get<DashGroup>(DASH_KINDS.DashGroup, b.metadata.namespace, nameOrPath) ? [{ namespace: b.metadata.namespace ?? '', name: nameOrPath }] : []),
      ...keysByIndex(cache, 'DashGroup', Index.byPath, inNamespace(b.metadata.namespace, nameOrPath)),
    ])),
    watch<DashRoleBinding>(DASH_KINDS.DashRoleBinding, (b, cache, old) => groupsBehindGrants(b, cache, old)),
  ],
});
