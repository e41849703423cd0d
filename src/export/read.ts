import type { KeycloakGroup, KeycloakPort, KeycloakRealm, KeycloakUser, RequiredAction } from '../keycloak/port.js';

/** Everything an export needs from one Keycloak realm, read once. */
export interface RealmSnapshot {
  realm: KeycloakRealm;
  requiredActions: RequiredAction[];
  clientId: string;
  /** Undefined when the realm has no client with that clientId (no bindings then). */
  clientRoles?: string[];
  groups: KeycloakGroup[];
  users: KeycloakUser[];
  /** Group id -> ids of its direct members. */
  members: Map<string, string[]>;
  /** Client role -> ids of the users and paths (`Parent/child`) of the groups it is mapped to directly. */
  roleHolders: Map<string, { users: string[]; groupPaths: string[] }>;
}

/** Reports progress to a human (stderr); never data. */
export type Progress = (line: string) => void;

/**
 * Reads a realm for export: realm settings, required actions, the client's roles and their
 * direct holders, every group with its members, every user. Reads only; undefined when the
 * realm does not exist. Requests: a few pages per list, one member list per group, two holder
 * lists per client role.
 */
export async function readRealmSnapshot(kc: KeycloakPort, realmName: string, clientId: string, progress: Progress): Promise<RealmSnapshot | undefined> {
  const realm = await kc.getRealm(realmName);
  if (!realm) return undefined;
  const [requiredActions, client] = await Promise.all([kc.listRequiredActions(realmName), kc.findClient(realmName, clientId)]);
  const groups = await kc.listGroups(realmName);
  progress(`read ${groups.length} groups`);
  const users = await kc.listUsers(realmName);
  progress(`read ${users.length} users`);
  const members = new Map<string, string[]>();
  let done = 0;
  for (const group of groups) {
    members.set(group.id, (await kc.listGroupMembers(realmName, group.id)).map((m) => m.id));
    done += 1;
    if (done % 100 === 0) progress(`read the members of ${done}/${groups.length} groups`);
  }
  const roles = client ? ((await kc.listClientRoles(realmName, client.id)) ?? []).map((r) => r.name) : undefined;
  const roleHolders = new Map<string, { users: string[]; groupPaths: string[] }>();
  for (const role of roles ?? []) roleHolders.set(role, await kc.listRoleHolders(realmName, { clientUuid: client?.id, name: role }));
  if (roles) progress(`read the holders of ${roles.length} roles of client ${clientId}`);
  return { realm, requiredActions, clientId, clientRoles: roles, groups, users, members, roleHolders };
}
