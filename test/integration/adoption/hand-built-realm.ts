import pLimit from 'p-limit';
import type { KeycloakRest, RestRole } from '../support/keycloak-rest.js';

const enc = encodeURIComponent;

/** What the hand-built realm holds, for assertions. */
export interface HandBuiltRealm {
  clientUuid: string;
  /** Every group path (`Parent/child`). */
  groupPaths: string[];
  usernames: string[];
}

const TOPS = ['Engineering', 'Data Science', 'Ops'];
// `Team A` and `team-a` map to the same Kubernetes name: the export must tell them apart.
const CHILDREN = ['Team A', 'team-a', 'Platform'];
const LEAVES = ['north', 'south'];
/** Usernames that stress naming and YAML: a collision (`a_b`/`a-b`), an e-mail-like one. */
const ODD_USERS = ['a_b', 'a-b', 'x.y+dash@example.com'];
/** A profile YAML would misread unquoted (Keycloak's person-name validator refuses `#`, `"`, newlines). */
export const YAML_EVIL = { firstName: '--- yes', lastName: "O'Brien: null, - @x" };

/**
 * Builds a realm the way an administrator does in the console, through the admin REST API
 * (raw fetch, never src/keycloak): login switches, a password policy, a default required
 * action, a `dash` client with viewer as a default role and a custom role, 30 groups three
 * levels deep, `size` users in them (200 by default) (profiles, disabled ones, required actions, YAML-hostile
 * names), one federated user, direct and group client-role mappings. Admin events are on.
 */
export async function buildHandMadeRealm(rest: KeycloakRest, realm: string, ldapProvider: (realm: string) => Promise<string>, size = 200): Promise<HandBuiltRealm> {
  await rest.write('POST', '', {
    realm, enabled: true, adminEventsEnabled: true, registrationAllowed: true, rememberMe: true, editUsernameAllowed: true,
    passwordPolicy: 'length(12) and digits(1) and notUsername(undefined) and passwordHistory(3)',
  });
  const base = `/${enc(realm)}`;
  const totp = await rest.get<Record<string, unknown>>(`${base}/authentication/required-actions/CONFIGURE_TOTP`);
  await rest.write('PUT', `${base}/authentication/required-actions/CONFIGURE_TOTP`, { ...totp, enabled: true, defaultAction: true });
  const { location } = await rest.write('POST', `${base}/clients`, { clientId: 'dash', name: 'Dash Enterprise', enabled: true });
  const clientUuid = location?.split('/').pop() ?? '';
  for (const role of ['admin', 'licensed_user', 'viewer', 'editor']) await rest.write('POST', `${base}/clients/${clientUuid}/roles`, { name: role });
  const roles = new Map(((await rest.get<RestRole[]>(`${base}/clients/${clientUuid}/roles`)) ?? []).map((r) => [r.name, r]));
  await rest.write('POST', `${base}/roles/default-roles-${enc(realm.toLowerCase())}/composites`, [roles.get('viewer')]);

  const groupIds = new Map<string, string>();
  for (const top of TOPS) {
    groupIds.set(top, id((await rest.write('POST', `${base}/groups`, { name: top })).location));
    for (const child of CHILDREN) {
      const childPath = `${top}/${child}`;
      groupIds.set(childPath, id((await rest.write('POST', `${base}/groups/${groupIds.get(top)}/children`, { name: child })).location));
      for (const leaf of LEAVES) {
        groupIds.set(`${childPath}/${leaf}`, id((await rest.write('POST', `${base}/groups/${groupIds.get(childPath)}/children`, { name: leaf })).location));
      }
    }
  }
  const leaves = [...groupIds.keys()].filter((p) => p.split('/').length === 3);
  const usernames = [...Array.from({ length: size - 2 - ODD_USERS.length }, (_, i) => `user${String(i).padStart(3, '0')}`), ...ODD_USERS, 'yaml-evil'];
  const limit = pLimit(8);
  const userIds = new Map<string, string>();
  await Promise.all(usernames.map((username, i) => limit(async () => {
    const groups = [`/${leaves[i % leaves.length]}`, ...(i % 5 === 0 ? [`/${TOPS[i % TOPS.length]}`] : [])];
    const profile = username === 'yaml-evil'
      ? { firstName: YAML_EVIL.firstName, lastName: YAML_EVIL.lastName }
      : { firstName: `First ${i}`, lastName: i % 4 === 0 ? `O'Brien ${i}` : `Last ${i}` };
    const requiredActions = i % 11 === 0 ? ['CONFIGURE_TOTP', 'VERIFY_EMAIL'] : i % 7 === 0 ? ['UPDATE_PASSWORD'] : [];
    const body = { username, enabled: i % 13 !== 0, emailVerified: i % 2 === 0, requiredActions, groups, ...profile, ...(i % 3 !== 0 ? { email: `${username.replace(/[^a-z0-9]/g, '')}.${i}@example.com` } : {}) };
    userIds.set(username, id((await rest.write('POST', `${base}/users`, body)).location));
  })));
  const ldap = await ldapProvider(realm);
  await rest.write('POST', `${base}/users`, { username: 'fed-user', enabled: true, federationLink: ldap });
  usernames.push('fed-user');

  const map = (path: string, names: string[]) => rest.write('POST', `${base}${path}/role-mappings/clients/${clientUuid}`, names.map((n) => roles.get(n)));
  await Promise.all(usernames.slice(0, size - 1).map((username, i) => limit(async () => {
    const direct = [...(i % 3 === 0 ? ['licensed_user'] : []), ...(i % 20 === 0 ? ['admin'] : []), ...(i % 17 === 0 ? ['editor'] : [])];
    if (direct.length > 0) await map(`/users/${userIds.get(username)}`, direct);
  })));
  await map(`/groups/${groupIds.get('Engineering/Platform')}`, ['admin']);
  await map(`/groups/${groupIds.get('Data Science')}`, ['licensed_user']);
  await map(`/groups/${groupIds.get('Ops/team-a/north')}`, ['editor', 'licensed_user']);
  return { clientUuid, groupPaths: [...groupIds.keys()].sort(), usernames: [...usernames].sort() };
}

function id(location: string | undefined): string {
  const value = location?.split('/').pop();
  if (!value) throw new Error('no Location header on a create');
  return value;
}
