import type { RealmRef } from './realm-ref.js';
import type { RealmView } from './realm-view.js';
import type { KeycloakPort } from '../keycloak/port.js';
import { effectiveHolders } from './realm/seats.js';

/** The dash role that takes a license seat. */
export const LICENSED_ROLE = 'licensed_user';

/** A licensed_user grant the seat limit refused. */
export interface SeatRefusal {
  /** Users the grant would have added to the holders. */
  newHolders: number;
  inUse: number;
  limit: number;
  /** Seats missing for the grant: inUse + newHolders - limit. */
  missing: number;
}

// One seat decision at a time per realm view (this process; the operator runs one leader): the
// check and the mapping it admits happen under the lock, and the mapping is recorded on the view
// before the lock is released, so the next decision counts it.
const gates = new WeakMap<RealmView, Promise<unknown>>();

/**
 * Makes a licensed_user grant to `target` (a user, or a group and so its whole subtree) through
 * `grant` only when the realm's spec.licenseSeats leaves a seat for every user it would add;
 * returns the refusal otherwise (nothing written). Without licenseSeats, grants at once.
 */
export async function grantWithinSeats(ref: RealmRef, target: { kind: 'User' | 'Group'; id: string }, grant: () => Promise<void>): Promise<SeatRefusal | undefined> {
  const limit = ref.realm.spec.licenseSeats;
  if (limit === undefined) {
    await grant();
    return undefined;
  }
  const previous = gates.get(ref.view) ?? Promise.resolve();
  const decision = previous.catch(() => undefined).then(async () => {
    const holders = await effectiveHolders(ref.view, LICENSED_ROLE);
    const candidates = target.kind === 'User' ? [target.id] : await subtreeMembers(ref.kc, ref.name, target.id);
    const newHolders = new Set(candidates.filter((id) => !holders.has(id))).size;
    if (holders.size + newHolders > limit) return { newHolders, inUse: holders.size, limit, missing: holders.size + newHolders - limit };
    await grant();
    return undefined;
  });
  gates.set(ref.view, decision);
  return decision;
}

/** Ids of the direct members of the group and of all its subgroups, read from Keycloak now (the grant is decided on them). */
async function subtreeMembers(kc: KeycloakPort, realm: string, groupId: string): Promise<string[]> {
  const [members, children] = await Promise.all([kc.listGroupMembers(realm, groupId), kc.listChildGroups(realm, groupId)]);
  const below = await Promise.all(children.map((c) => subtreeMembers(kc, realm, c.id)));
  return [...members.map((m) => m.id), ...below.flat()];
}
