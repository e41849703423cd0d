import type { DashGroup, DashUser } from '../../api/index.js';
import { watch } from '../../runtime/index.js';
import { REPORT_BATCH_MS, REPORT_SPACING_MS } from '../reported.js';
import { DASH_KINDS, dashController, type ControllerOptions } from '../kinds.js';
import {
  BINDING_INDEXES, Index, changed, grantsMappedFor, groupFacts, keysByIndex, subjectValue, userFactsForBindings, waitingForReport, watchRealm,
} from '../wake-ups.js';
import { finalizeBinding, reconcileBinding } from './reconcile.js';

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
    watchRealm('DashRoleBinding'),
    watch<DashGroup>(DASH_KINDS.DashGroup, (g, cache, old) =>
      (changed(old, g, groupFacts) ? keysByIndex(cache, 'DashRoleBinding', Index.bySubject, subjectValue(g.metadata.namespace, 'Group', g.metadata.name)) : [])),
    // Users are created, and report, in bursts (a hundred subjects): each rule's changes are
    // taken up at most once per REPORT_SPACING_MS, reports collected for REPORT_BATCH_MS first.
    watch<DashUser>(DASH_KINDS.DashUser, (u, cache, old) => (changed(old, u, userFactsForBindings)
      ? keysByIndex(cache, 'DashRoleBinding', Index.bySubject, subjectValue(u.metadata.namespace, 'User', u.spec.username)) : []),
    { spacingMs: REPORT_SPACING_MS }),
    watch<DashUser>(DASH_KINDS.DashUser, (u, cache, old) => (changed(old, u, userFactsForBindings) ? []
      : waitingForReport(old, u, cache, 'DashRoleBinding', Index.bySubject, [subjectValue(u.metadata.namespace, 'User', u.spec.username)], grantsMappedFor)),
    { coalesceMs: REPORT_BATCH_MS, spacingMs: REPORT_SPACING_MS }),
  ],
});
