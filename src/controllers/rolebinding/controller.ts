import type { DashGroup, DashRealm, DashRoleBinding, DashUser } from '../../api/index.js';
import { objectKey, watch, type CacheReader, type ObjectKey } from '../../runtime/index.js';
import { DASH_KINDS, dashController, type ControllerOptions } from '../kinds.js';
import {
  BINDING_INDEXES, Index, changed, groupFacts, inNamespace, realmFacts, subjectValue, userFactsForBindings,
} from '../wake-ups.js';
import { finalizeBinding, reconcileBinding } from './reconcile.js';

const bindings = (cache: CacheReader, index: string, value: string): ObjectKey[] =>
  cache.byIndex<DashRoleBinding>(DASH_KINDS.DashRoleBinding, index, value).map(objectKey);

/**
 * The DashRoleBinding controller: a binding reads its realm and its subjects. Other bindings
 * sharing the realm's grant ledger wake it through the reads of its pass (no rule: which of
 * them matter is known only while planning).
 */
export const bindingController = (options: ControllerOptions) => dashController('DashRoleBinding', options, {
  reconcile: reconcileBinding,
  finalize: finalizeBinding,
  indexes: BINDING_INDEXES,
  watches: [
    watch<DashRealm>(DASH_KINDS.DashRealm, (r, cache, old) =>
      (changed(old, r, realmFacts) ? bindings(cache, Index.byRealm, inNamespace(r.metadata.namespace, r.metadata.name)) : [])),
    watch<DashGroup>(DASH_KINDS.DashGroup, (g, cache, old) =>
      (changed(old, g, groupFacts) ? bindings(cache, Index.bySubject, subjectValue(g.metadata.namespace, 'Group', g.metadata.name)) : [])),
    watch<DashUser>(DASH_KINDS.DashUser, (u, cache, old) =>
      (changed(old, u, userFactsForBindings) ? bindings(cache, Index.bySubject, subjectValue(u.metadata.namespace, 'User', u.spec.username)) : [])),
  ],
});
