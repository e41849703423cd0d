// A fleet of Dash objects for fault tests: one realm, a chain of nested groups, users spread
// over the groups and one binding granting licensed_user to every user directly; plus the
// checks of the Keycloak end state (no duplicates, nothing lost) read straight from Keycloak.
import * as k8s from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, KINDS, type Kind } from '../../../src/api/index.js';
import type { TestEnv } from '../../env/test-env.js';
import { isReady, type OperatorUnderTest } from '../operator/harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };

export const GROUPS = ['g1', 'g2', 'g3', 'g4', 'g5'];
export const USERS = Array.from({ length: 40 }, (_, i) => `u${String(i).padStart(2, '0')}`);
/** The group a user is in: users are spread round-robin over the chain of groups. */
export const groupOf = (user: string) => GROUPS[Number(user.slice(1)) % GROUPS.length];
/** Keycloak path of a group of the chain: /g1/g2/.../gN. */
export const pathOf = (group: string) => `/${GROUPS.slice(0, GROUPS.indexOf(group) + 1).join('/')}`;

/** Every manifest of the fleet: DashRealm, nested DashGroups, DashUsers, one DashRoleBinding. */
export function fleet(realm: string): object[] {
  return [
    { apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm } },
    ...GROUPS.map((g, i) => ({ apiVersion: v, kind: 'DashGroup', metadata: { name: g }, spec: { realmRef, ...(i > 0 ? { parentRef: { name: GROUPS[i - 1] } } : {}) } })),
    ...USERS.map((u) => ({ apiVersion: v, kind: 'DashUser', metadata: { name: u }, spec: { realmRef, username: u, groups: [{ name: groupOf(u) }] } })),
    { apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'licensed' }, spec: { realmRef, roles: ['licensed_user'], subjects: USERS.map((u) => ({ kind: 'User', name: u })) } },
  ];
}

type Obj = { metadata: { name: string; generation?: number }; status?: Record<string, unknown> };

/** All objects of one kind in the operator's namespace. */
export async function list(op: OperatorUnderTest, kind: Kind): Promise<Obj[]> {
  const custom = op.kc.makeApiClient(k8s.CustomObjectsApi);
  const res = await custom.listNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace: op.namespace, plural: KINDS[kind].plural }) as { items: Obj[] };
  return res.items;
}

/**
 * Names of the Ready objects of one kind. A binding also has every subject resolved (it is
 * Ready while a DashUser it names is not) and no grant pending (Ready is False, Progressing,
 * while one is; checked too, so a Ready that came too early would show).
 */
export async function readyNames(op: OperatorUnderTest, kind: Kind): Promise<string[]> {
  return (await list(op, kind)).filter((o) => isReady(o) && grantsSettled(o)).map((o) => o.metadata.name);
}

/** For a DashRoleBinding: every subject resolved and none with grants recorded but not mapped yet; true for other kinds. */
export function grantsSettled(o: { status?: Record<string, unknown> }): boolean {
  return ((o.status?.subjects ?? []) as { resolved?: boolean; pending?: string[] }[]).every((s) => s.resolved !== false && (s.pending?.length ?? 0) === 0);
}

/** Polls until `check` returns true (transient API failures count as "not yet"). */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not reached in ${timeoutMs} ms`);
}

/** Waits until at least `count` users are Ready; returns how many were. */
export async function someUsersReady(op: OperatorUnderTest, count: number, timeoutMs = 120_000): Promise<number> {
  let ready = 0;
  await until(`${count} DashUsers Ready`, async () => (ready = (await readyNames(op, 'DashUser')).length) >= count, timeoutMs, 100);
  return ready;
}

/** Waits until every object of the fleet is Ready; the error names what is not. */
export async function allReady(op: OperatorUnderTest, timeoutMs: number): Promise<void> {
  const expected: [Kind, string[]][] = [['DashRealm', ['dash']], ['DashGroup', GROUPS], ['DashUser', USERS], ['DashRoleBinding', ['licensed']]];
  let missing: string[] = [];
  try {
    await until('the whole fleet Ready', async () => {
      missing = [];
      for (const [kind, names] of expected) {
        const ready = new Set(await readyNames(op, kind));
        missing.push(...names.filter((n) => !ready.has(n)).map((n) => `${kind}/${n}`));
      }
      return missing.length === 0;
    }, timeoutMs, 500);
  } catch (err) {
    throw new Error(`${(err as Error).message}; not Ready: ${missing.join(', ')}`, { cause: err });
  }
}

/**
 * Raw admin REST reads (the port has no "list all users" nor a group tree walk): a fresh
 * client-credentials token for each check, so a Keycloak restart cannot leave a stale one.
 */
export class KeycloakReader {
  #token?: string;
  constructor(private readonly env: TestEnv, private readonly realm: string) {}

  async get<T>(path: string): Promise<T> {
    this.#token ??= await this.#login();
    const res = await fetch(`${this.env.KEYCLOAK_URL}/admin/realms/${encodeURIComponent(this.realm)}${path}`, { headers: { authorization: `Bearer ${this.#token}`, accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return await res.json() as T;
  }

  async #login(): Promise<string> {
    const res = await fetch(`${this.env.KEYCLOAK_URL}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.env.KEYCLOAK_ADMIN_CLIENT_ID, client_secret: this.env.KEYCLOAK_ADMIN_CLIENT_SECRET }),
    });
    if (!res.ok) throw new Error(`admin login: ${res.status}`);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  /** Every user of the realm, through the paginated list. */
  async allUsers(): Promise<{ id: string; username: string }[]> {
    const out: { id: string; username: string }[] = [];
    for (let first = 0; ; first += 25) {
      const page = await this.get<{ id: string; username: string }[]>(`/users?briefRepresentation=true&first=${first}&max=25`);
      out.push(...page);
      if (page.length < 25) return out;
    }
  }

  /** Users found by an exact username search. */
  usersNamed(username: string): Promise<{ id: string; username: string }[]> {
    return this.get(`/users?exact=true&briefRepresentation=true&username=${encodeURIComponent(username)}`);
  }

  /** The path of every group of the realm (with repeats, if a path is there twice), by a paginated walk of the tree. */
  async allGroupPaths(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (url: (first: number) => string, parent: string): Promise<void> => {
      for (let first = 0; ; first += 25) {
        const page = await this.get<{ id: string; name: string }[]>(url(first));
        for (const g of page) {
          const path = `${parent}/${g.name}`;
          out.push(path);
          await walk((f) => `/groups/${g.id}/children?briefRepresentation=true&first=${f}&max=25`, path);
        }
        if (page.length < 25) return;
      }
    };
    await walk((f) => `/groups?briefRepresentation=true&first=${f}&max=25`, '');
    return out;
  }

  async clientUuid(clientId: string): Promise<string[]> {
    return (await this.get<{ id: string }[]>(`/clients?clientId=${encodeURIComponent(clientId)}`)).map((c) => c.id);
  }

  async directClientRoles(userId: string, clientUuid: string): Promise<string[]> {
    return (await this.get<{ name: string }[]>(`/users/${userId}/role-mappings/clients/${clientUuid}`)).map((r) => r.name);
  }

  async userGroupPaths(userId: string): Promise<string[]> {
    return (await this.get<{ path: string }[]>(`/users/${userId}/groups?briefRepresentation=true&max=100`)).map((g) => g.path).sort();
  }
}

/**
 * Checks the Keycloak end state of the fleet: exactly one user per username and no others,
 * exactly one group per path and no others, one dash client, every user directly granted
 * licensed_user and a member of exactly its group, and each DashUser's status naming the
 * Keycloak user that is there now.
 */
export async function expectFleetInKeycloak(op: OperatorUnderTest, realm: string): Promise<void> {
  const kc = new KeycloakReader(op.env, realm);

  const users = await kc.allUsers();
  expect(users.map((u) => u.username).sort()).toEqual(USERS);
  expect((await kc.get<number>('/users/count'))).toBe(USERS.length);
  for (const u of USERS) expect((await kc.usersNamed(u)).map((x) => x.username)).toEqual([u]);

  expect((await kc.allGroupPaths()).sort()).toEqual(GROUPS.map(pathOf).sort());

  const clients = await kc.clientUuid('dash');
  expect(clients).toHaveLength(1);
  const statuses = new Map((await list(op, 'DashUser')).map((o) => [o.metadata.name, o.status as { keycloakId?: string }]));
  const problems: string[] = [];
  for (const { id, username } of users) {
    const roles = await kc.directClientRoles(id, clients[0]);
    if (!roles.includes('licensed_user')) problems.push(`${username}: direct dash roles ${JSON.stringify(roles)} lack licensed_user`);
    const paths = await kc.userGroupPaths(id);
    if (JSON.stringify(paths) !== JSON.stringify([pathOf(groupOf(username))])) problems.push(`${username}: groups ${JSON.stringify(paths)}, want ${pathOf(groupOf(username))}`);
    if (statuses.get(username)?.keycloakId !== id) problems.push(`${username}: status.keycloakId ${statuses.get(username)?.keycloakId} is not the Keycloak user ${id}`);
  }
  expect(problems).toEqual([]);
}
