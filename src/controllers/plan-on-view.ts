/** A plan made on fresh reads, and what it was made on. */
export interface ConfirmedPlan<O, P> {
  observed: O;
  plan: P;
}

/**
 * Plans on what the realm view holds (shared, up to REALM_VIEW_TTL_MS old), then reads again
 * from Keycloak what that plan would change and plans again on those reads: no decision rests
 * on a shared copy, while an unchanged object costs no read of its own. `reread` answers
 * undefined when the first plan stands (it changes nothing that needs a fresh read — a binding
 * adding a grant its status records already is idempotent — or `viewed` was read from Keycloak
 * already); it is asked once, so the second plan is final. `plan` is pure.
 */
export async function planOnView<O, P>(viewed: O, plan: (observed: O) => P, reread: (first: P, viewed: O) => Promise<O | undefined>): Promise<ConfirmedPlan<O, P>> {
  const first = plan(viewed);
  const fresh = await reread(first, viewed);
  return fresh === undefined ? { observed: viewed, plan: first } : { observed: fresh, plan: plan(fresh) };
}
