import pLimit from 'p-limit';
import type { KeycloakRest } from '../test/integration/support/keycloak-rest.js';
import { depth, type BenchShape } from './shape.js';

/** Result of the floor run: the fewest admin API calls that reach the bench's end state. */
export interface FloorResult {
  seconds: number;
  requests: number;
}

/**
 * Reaches the benchmark's Keycloak end state with raw admin REST calls and nothing else:
 * no reads to check state, ids taken from Location headers, users created with their group
 * in the same call. This is the physical floor the operator is compared against.
 */
export async function runFloor(opts: { rest: KeycloakRest; realm: string; shape: BenchShape; concurrency: number }): Promise<FloorResult> {
  const { rest, realm, shape } = opts;
  const limit = pLimit(opts.concurrency);
  let requests = 0;
  const write = (path: string, body: unknown) => limit(async () => {
    requests++;
    const { location } = await rest.write('POST', path, body);
    return location?.slice(location.lastIndexOf('/') + 1) ?? '';
  });
  const read = <T>(path: string) => limit(async () => {
    requests++;
    return (await rest.get<T>(path)) as T;
  });
  const started = performance.now();

  await write('', { realm, enabled: true });
  const clientId = await write(`/${realm}/clients`, { clientId: 'dash', enabled: true });
  for (const name of ['viewer', 'licensed_user', 'admin']) await write(`/${realm}/clients/${clientId}/roles`, { name });
  const roles = await read<{ id: string; name: string }[]>(`/${realm}/clients/${clientId}/roles`);
  const role = (name: string) => roles.find((r) => r.name === name);
  const defaults = await read<{ id: string }>(`/${realm}/roles/default-roles-${realm}`);
  await write(`/${realm}/roles-by-id/${defaults.id}/composites`, [role('viewer')]);

  const ids = new Map<string, string>();
  const levels = Math.max(...shape.groups.map((g) => depth(g.path)));
  for (let level = 1; level <= levels; level++) {
    await Promise.all(shape.groups.filter((g) => depth(g.path) === level).map(async (g) => {
      const path = g.parent ? `/${realm}/groups/${ids.get(g.parent)}/children` : `/${realm}/groups`;
      ids.set(g.path, await write(path, { name: g.name }));
    }));
  }
  await Promise.all(shape.groups.filter((g) => !g.parent).map((g) =>
    write(`/${realm}/groups/${ids.get(g.path)}/role-mappings/clients/${clientId}`, [role(shape.groupRole)])));
  const admins = new Set(shape.directAdmins);
  await Promise.all(shape.users.map(async (u) => {
    const id = await write(`/${realm}/users`, { username: u.username, enabled: true, groups: [`/${u.group}`] });
    const direct = admins.has(u.username) ? [role(shape.userRole), role(shape.groupRole)] : [role(shape.userRole)];
    await write(`/${realm}/users/${id}/role-mappings/clients/${clientId}`, direct);
  }));
  return { seconds: (performance.now() - started) / 1000, requests };
}
