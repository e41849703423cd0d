import type { TestEnv } from '../../env/test-env.js';

/** A role as Keycloak's admin REST API returns it. */
export interface RestRole {
  id: string;
  name: string;
  composite?: boolean;
  clientRole?: boolean;
}

/**
 * Reads (and, to set up an attack, writes) Keycloak through its admin REST API with plain
 * fetch. It shares no code with src/keycloak, the code under test, so a test that asserts
 * Keycloak state through it cannot be fooled by a bug in the adapter.
 */
export class KeycloakRest {
  #token?: { value: string; until: number };

  /**
   * With `as`, it acts as that administrator (a password grant through the realm's admin-cli)
   * instead of the test environment's admin client, which is also the operator's: a change it
   * makes is one made outside the operator, as in the admin console.
   */
  constructor(private readonly env: TestEnv, private readonly as?: { realm: string; username: string; password: string }) {}

  /** GET `/admin/realms<path>`; undefined on 404. */
  async get<T>(path: string): Promise<T | undefined> {
    const res = await this.send('GET', path);
    if (res.status === 404) return undefined;
    return (await this.body(res, 'GET', path)) as T;
  }

  /** Sends a write to `/admin/realms<path>`; returns the status and the Location header. */
  async write(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; location?: string }> {
    const res = await this.send(method, path, body);
    await this.body(res, method, path);
    return { status: res.status, location: res.headers.get('location') ?? undefined };
  }

  /** The realm representation, or undefined. */
  realm(realm: string): Promise<(Record<string, unknown> & { id: string; attributes?: Record<string, string>; smtpServer?: Record<string, string> }) | undefined> {
    return this.get(`/${enc(realm)}`);
  }

  /** Users whose username is exactly `username`. */
  async usersNamed(realm: string, username: string): Promise<(Record<string, unknown> & { id: string; username: string; email?: string; attributes?: Record<string, string[]> })[]> {
    return (await this.get(`/${enc(realm)}/users?exact=true&briefRepresentation=false&username=${enc(username)}`)) ?? [];
  }

  /** The top-level groups of a realm (first 1000), with attributes. */
  async topGroups(realm: string): Promise<{ id: string; name: string; attributes?: Record<string, string[]> }[]> {
    return (await this.get(`/${enc(realm)}/groups?briefRepresentation=false&max=1000`)) ?? [];
  }

  /** The internal id of a client by its clientId. */
  async clientUuid(realm: string, clientId: string): Promise<string | undefined> {
    const found = (await this.get<{ id: string; clientId: string }[]>(`/${enc(realm)}/clients?clientId=${enc(clientId)}`)) ?? [];
    return found.find((c) => c.clientId === clientId)?.id;
  }

  /** Client roles of `clientId` mapped directly to the user. */
  async userClientRoles(realm: string, userId: string, clientId: string): Promise<string[]> {
    const uuid = await this.clientUuid(realm, clientId);
    if (!uuid) return [];
    const roles = (await this.get<RestRole[]>(`/${enc(realm)}/users/${enc(userId)}/role-mappings/clients/${enc(uuid)}`)) ?? [];
    return roles.map((r) => r.name).sort();
  }

  /** Every role mapping of a user (realm and all clients), as Keycloak returns it. */
  async userMappings(realm: string, userId: string): Promise<unknown> {
    return this.get(`/${enc(realm)}/users/${enc(userId)}/role-mappings`);
  }

  /** How many admin events the realm recorded (needs admin events enabled on the realm). */
  async adminEventCount(realm: string): Promise<number> {
    return ((await this.get<unknown[]>(`/${enc(realm)}/admin-events?max=10000`)) ?? []).length;
  }

  /** The group at `path` (`Parent/child`), walked from the top level through /children; undefined when missing. */
  async groupByPath(realm: string, path: string): Promise<{ id: string; name: string; path: string; subGroupCount?: number; attributes?: Record<string, string[]> } | undefined> {
    let found: { id: string; name: string; path: string } | undefined;
    for (const name of path.split('/').filter((s) => s !== '')) {
      const list = found
        ? await this.get<{ id: string; name: string; path: string }[]>(`/${enc(realm)}/groups/${enc(found.id)}/children?search=${enc(name)}&exact=true&max=1000`)
        : await this.get<{ id: string; name: string; path: string; parentId?: string }[]>(`/${enc(realm)}/groups?search=${enc(name)}&exact=true&populateHierarchy=false&max=1000`);
      found = (list ?? []).find((g) => g.name === name && (found !== undefined || !(g as { parentId?: string }).parentId));
      if (!found) return undefined;
    }
    return found && this.get(`/${enc(realm)}/groups/${enc(found.id)}`);
  }

  /** A realm's required actions (alias, enabled, defaultAction). */
  async requiredActions(realm: string): Promise<{ alias: string; enabled: boolean; defaultAction: boolean }[]> {
    return (await this.get(`/${enc(realm)}/authentication/required-actions`)) ?? [];
  }

  /** Names of a client's roles, sorted. */
  async clientRoleNames(realm: string, clientUuid: string): Promise<string[]> {
    return ((await this.get<RestRole[]>(`/${enc(realm)}/clients/${enc(clientUuid)}/roles?max=1000`)) ?? []).map((r) => r.name).sort();
  }

  /** Names of a client's roles in the realm's default roles (default-roles-<realm>), sorted. */
  async defaultClientRoleNames(realm: string, clientUuid: string): Promise<string[]> {
    const roles = (await this.get<RestRole[]>(`/${enc(realm)}/roles/default-roles-${enc(realm.toLowerCase())}/composites/clients/${enc(clientUuid)}`)) ?? [];
    return roles.map((r) => r.name).sort();
  }

  /** Admin events recorded since `sinceMs` (epoch ms; Keycloak 26.2+), oldest first. */
  async adminEventsSince(realm: string, sinceMs: number): Promise<{ operationType: string; resourcePath: string; time: number }[]> {
    const events = (await this.get<{ operationType: string; resourcePath: string; time: number }[]>(`/${enc(realm)}/admin-events?dateFrom=${sinceMs}&direction=asc&max=10000`)) ?? [];
    return events.filter((e) => e.time >= sinceMs);
  }

  /** Applies a partial realm update (only the fields given). */
  async updateRealm(realm: string, fields: Record<string, unknown>): Promise<void> {
    await this.write('PUT', `/${enc(realm)}`, fields);
  }

  /** Deletes a realm; a missing one is fine. */
  async deleteRealm(realm: string): Promise<void> {
    await this.send('DELETE', `/${enc(realm)}`);
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token()}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${this.env.KEYCLOAK_URL}/admin/realms${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  private async body(res: Response, method: string, path: string): Promise<unknown> {
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return text === '' ? undefined : JSON.parse(text);
  }

  private async token(): Promise<string> {
    if (this.#token && Date.now() < this.#token.until) return this.#token.value;
    const as = this.as;
    const res = await fetch(`${this.env.KEYCLOAK_URL}/realms/${enc(as?.realm ?? 'master')}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams(as
        ? { grant_type: 'password', client_id: 'admin-cli', username: as.username, password: as.password }
        : { grant_type: 'client_credentials', client_id: this.env.KEYCLOAK_ADMIN_CLIENT_ID, client_secret: this.env.KEYCLOAK_ADMIN_CLIENT_SECRET }),
    });
    if (!res.ok) throw new Error(`admin login: HTTP ${res.status}`);
    const data = (await res.json()) as { access_token: string; expires_in: number };
    this.#token = { value: data.access_token, until: Date.now() + (data.expires_in * 1000) / 2 };
    return data.access_token;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
