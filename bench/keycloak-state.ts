import pLimit from 'p-limit';
import type { KeycloakRest } from '../test/integration/support/keycloak-rest.js';
import type { ExpectedState } from './expected.js';

/** Keycloak's state of a bench realm as raw admin REST reads return it. */
export interface ObservedState {
  users: Map<string, { id: string; groups: Set<string>; roles: Set<string>; firstName?: string }>;
  groups: Map<string, { id: string; roles: Set<string> }>;
}

interface RestGroup { id: string; name: string; subGroupCount?: number }
interface RestUser { id: string; username: string; firstName?: string }

const PAGE = 1000;
const enc = encodeURIComponent;

/**
 * Reads every user, group, membership and direct `dash` client role mapping of a realm with
 * raw REST (test/integration/support/keycloak-rest.ts, no code of src/keycloak). Reads by
 * relation rather than per object: the group tree, each group's members, and each dash role's
 * direct holders (`roles/{role}/users` and `/groups` list direct mappings only), which is the
 * same relation as every user's groups and direct roles in a few hundred reads instead of
 * two per user.
 */
export async function readKeycloakState(rest: KeycloakRest, realm: string, concurrency = 8): Promise<ObservedState> {
  const limit = pLimit(concurrency);
  const r = enc(realm);
  const uuid = await rest.clientUuid(realm, 'dash');
  if (!uuid) throw new Error(`realm ${realm} has no dash client`);
  const groups = new Map<string, { id: string; roles: Set<string> }>();
  const pathById = new Map<string, string>();
  let level = ((await rest.get<RestGroup[]>(`/${r}/groups?briefRepresentation=true&first=0&max=100000`)) ?? []).map((g) => ({ g, path: g.name }));
  while (level.length > 0) {
    for (const { g, path } of level) {
      groups.set(path, { id: g.id, roles: new Set() });
      pathById.set(g.id, path);
    }
    level = (await Promise.all(level.filter(({ g }) => g.subGroupCount !== 0).map(({ g, path }) => limit(async () =>
      (await paged<RestGroup>(rest, `/${r}/groups/${enc(g.id)}/children?briefRepresentation=true`)).map((c) => ({ g: c, path: `${path}/${c.name}` })))))).flat();
  }
  const users = new Map<string, ObservedState['users'] extends Map<string, infer U> ? U : never>();
  const byId = new Map<string, string>();
  for (const u of await paged<RestUser>(rest, `/${r}/users?briefRepresentation=true`)) {
    users.set(u.username, { id: u.id, groups: new Set(), roles: new Set(), firstName: u.firstName });
    byId.set(u.id, u.username);
  }
  await Promise.all([...groups].map(([path, g]) => limit(async () => {
    for (const m of await paged<RestUser>(rest, `/${r}/groups/${enc(g.id)}/members?briefRepresentation=true`)) users.get(m.username)?.groups.add(path);
  })));
  const roles = await rest.clientRoleNames(realm, uuid);
  await Promise.all(roles.map((role) => limit(async () => {
    const base = `/${r}/clients/${enc(uuid)}/roles/${enc(role)}`;
    for (const u of await paged<RestUser>(rest, `${base}/users?briefRepresentation=true`)) users.get(u.username)?.roles.add(role);
    for (const g of await paged<RestGroup>(rest, `${base}/groups?briefRepresentation=true`)) groups.get(pathById.get(g.id) ?? '')?.roles.add(role);
  })));
  return { users, groups };
}

/** Differences between what Keycloak holds and what the manifests imply, one line each; empty when equal. */
export function stateMismatches(expected: ExpectedState, observed: ObservedState): string[] {
  const out: string[] = [];
  for (const [path, roles] of expected.groups) {
    const g = observed.groups.get(path);
    if (!g) out.push(`group ${path}: missing`);
    else if (!sameSet(roles, g.roles)) out.push(`group ${path}: dash roles [${[...g.roles]}], expected [${[...roles]}]`);
  }
  for (const path of observed.groups.keys()) if (!expected.groups.has(path)) out.push(`group ${path}: not in the manifests`);
  for (const [username, want] of expected.users) {
    const u = observed.users.get(username);
    if (!u) {
      out.push(`user ${username}: missing`);
      continue;
    }
    if (!sameSet(want.groups, u.groups)) out.push(`user ${username}: groups [${[...u.groups]}], expected [${[...want.groups]}]`);
    if (!sameSet(want.roles, u.roles)) out.push(`user ${username}: direct dash roles [${[...u.roles]}], expected [${[...want.roles]}]`);
    if (want.firstName !== undefined && want.firstName !== u.firstName) out.push(`user ${username}: firstName ${u.firstName}, expected ${want.firstName}`);
  }
  for (const username of observed.users.keys()) if (!expected.users.has(username)) out.push(`user ${username}: not in the manifests`);
  return out;
}

/** Admin events (writes) the realm recorded between `fromMs` and `toMs` (needs adminEventsEnabled). */
export async function countAdminEvents(rest: KeycloakRest, realm: string, fromMs: number, toMs: number): Promise<number> {
  return (await rest.adminEventsSince(realm, fromMs)).filter((e) => e.time <= toMs).length;
}

async function paged<T>(rest: KeycloakRest, path: string): Promise<T[]> {
  const out: T[] = [];
  for (let first = 0; ; first += PAGE) {
    const page = (await rest.get<T[]>(`${path}&first=${first}&max=${PAGE}`)) ?? [];
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
