import { createLoginClient } from './keycloak-fixtures.js';
import type { KeycloakRest, RestRole } from './keycloak-rest.js';

/** A user or group holding role mappings, by Keycloak id. */
export type Holder = { kind: 'users' | 'groups'; id: string };

/**
 * Role-mapping reads and the tampering tests need (manual grants, users and groups made by
 * hand, logouts, password resets), over the raw admin REST reader: nothing here goes through
 * src/keycloak, the code under test.
 */
export class KeycloakGrants {
  readonly #clients = new Map<string, string>();

  constructor(readonly rest: KeycloakRest, readonly realm: string, readonly clientId = 'dash') {}

  /** Client roles of the dash client mapped directly to the holder, sorted. */
  async direct(holder: Holder): Promise<string[]> {
    const roles = (await this.rest.get<RestRole[]>(`${this.#base()}/${holder.kind}/${holder.id}/role-mappings/clients/${await this.#client()}`)) ?? [];
    return roles.map((r) => r.name).sort();
  }

  /** Maps dash client roles to the holder directly, as an administrator would by hand. */
  async grant(holder: Holder, roles: readonly string[]): Promise<void> {
    await this.rest.write('POST', `${this.#base()}/${holder.kind}/${holder.id}/role-mappings/clients/${await this.#client()}`, await this.#roles(roles));
  }

  /** Removes dash client role mappings from the holder, as an administrator would by hand. */
  async revoke(holder: Holder, roles: readonly string[]): Promise<void> {
    await this.rest.write('DELETE', `${this.#base()}/${holder.kind}/${holder.id}/role-mappings/clients/${await this.#client()}`, await this.#roles(roles));
  }

  /** Creates a user by hand; returns its id (from the Location header). */
  async createUser(username: string, extra: Record<string, unknown> = {}): Promise<string> {
    const { location } = await this.rest.write('POST', `${this.#base()}/users`, { username, enabled: true, ...extra });
    return idFrom(location);
  }

  /** Creates a top-level group by hand; returns its id. */
  async createGroup(name: string): Promise<string> {
    const { location } = await this.rest.write('POST', `${this.#base()}/groups`, { name });
    return idFrom(location);
  }

  /** The id of the only user named exactly `username`, or undefined. */
  async userId(username: string): Promise<string | undefined> {
    return (await this.rest.usersNamed(this.realm, username)).find((u) => u.username === username.toLowerCase())?.id;
  }

  /** The id of the group at `path` (`/a/b`), or undefined. */
  async groupId(path: string): Promise<string | undefined> {
    return (await this.rest.get<{ id: string }>(`${this.#base()}/group-by-path/${path.split('/').filter(Boolean).map(encodeURIComponent).join('/')}`))?.id;
  }

  /** Ends every session of the user. */
  async logout(userId: string): Promise<void> {
    await this.rest.write('POST', `${this.#base()}/users/${userId}/logout`);
  }

  /** Sets a user's password, as the user or an administrator would. */
  async resetPassword(userId: string, value: string): Promise<void> {
    await this.rest.write('PUT', `${this.#base()}/users/${userId}/reset-password`, { type: 'password', value, temporary: false });
  }

  /** Creates a public client with direct access grants, so tests can log users in; returns its clientId. */
  createLoginClient(): Promise<string> {
    return createLoginClient(this.rest, this.realm);
  }

  #base(): string {
    return `/${encodeURIComponent(this.realm)}`;
  }

  async #client(): Promise<string> {
    const known = this.#clients.get(this.clientId);
    if (known) return known;
    const uuid = await this.rest.clientUuid(this.realm, this.clientId);
    if (!uuid) throw new Error(`client ${this.clientId} not found in realm ${this.realm}`);
    this.#clients.set(this.clientId, uuid);
    return uuid;
  }

  async #roles(names: readonly string[]): Promise<RestRole[]> {
    const all = (await this.rest.get<RestRole[]>(`${this.#base()}/clients/${await this.#client()}/roles?max=1000`)) ?? [];
    const roles = all.filter((r) => names.includes(r.name));
    if (roles.length !== names.length) throw new Error(`roles ${names.join(', ')} not all found on client ${this.clientId}`);
    return roles;
  }
}

function idFrom(location: string | undefined): string {
  const id = location?.split('/').pop();
  if (!id) throw new Error('Keycloak answered a create without a Location header');
  return id;
}
