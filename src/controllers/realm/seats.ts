import { Gauge, type Registry } from 'prom-client';
import type { RealmView } from '../realm-view.js';

/** DashRealm status.seats: users of the realm and the effective holders of the seat-bearing dash roles. */
export interface Seats {
  licensedUsers: number;
  admins: number;
  users: number;
}

/** Who holds a role effectively: user ids (directly, through a group or its ancestors, or by default). */
export type Holders = ReadonlySet<string>;

/** The seat metrics, one series per Keycloak realm. */
export interface SeatMetrics {
  record(realm: string, seats: Seats): void;
}

/** Registers dash_keycloak_operator_licensed_users{realm} and dash_keycloak_operator_users{realm}. */
export function seatMetrics(registry: Registry, prefix: string): SeatMetrics {
  const licensed = new Gauge({ name: `${prefix}licensed_users`, help: 'Users holding licensed_user (effective: directly, through groups or by default), by Keycloak realm', labelNames: ['realm'], registers: [registry] });
  const users = new Gauge({ name: `${prefix}users`, help: 'Users of the Keycloak realm', labelNames: ['realm'], registers: [registry] });
  return {
    record: (realm, seats) => {
      licensed.set({ realm }, seats.licensedUsers);
      users.set({ realm }, seats.users);
    },
  };
}

/**
 * The users who hold the dash role `role` effectively, from the realm view alone (role holders,
 * groups' mappings, default roles, group memberships): no read per user or per group. A group
 * holding it adds the members of its whole subtree (Keycloak: a subgroup's members get the
 * ancestors' roles).
 */
export async function effectiveHolders(view: RealmView, role: string, notBeforeMs = 0): Promise<Holders> {
  const [all, held] = await Promise.all([view.userIds(notBeforeMs), view.holders(role, notBeforeMs)]);
  if (held.everyone) return new Set(all);
  // Not filtered by the user list: a user created (and mapped) after it was read holds a seat too.
  const holders = new Set(held.userIds);
  for (const path of held.groupPaths) {
    for (const id of await view.members(path, { subtree: true, notBeforeMs })) holders.add(id);
  }
  return holders;
}

/** Counts the realm's seats: users, and the effective holders of licensed_user and admin. */
export async function countSeats(view: RealmView, notBeforeMs = 0): Promise<Seats> {
  const [licensed, admins, users] = await Promise.all([
    effectiveHolders(view, 'licensed_user', notBeforeMs), effectiveHolders(view, 'admin', notBeforeMs), view.userIds(notBeforeMs),
  ]);
  return { licensedUsers: licensed.size, admins: admins.size, users: users.length };
}
