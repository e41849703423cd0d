import pLimit from 'p-limit';
import type { BenchShape } from './shape.js';

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
export async function runFloor(opts: {
  url: string;
  token: () => Promise<string>;
  realm: string;
  shape: BenchShape;
  concurrency: number;
}): Promise<FloorResult> {
  const { url, realm, shape } = opts;
  const limit = pLimit(opts.concurrency);
  let requests = 0;
  const call = (method: string, path: string, body?: unknown) => limit(async () => {
    requests++;
    const res = await fetch(`${url}/admin/realms${path}`, {
      method,
      headers: { authorization: `Bearer ${await opts.token()}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    const location = res.headers.get('location');
    return { id: location?.slice(location.lastIndexOf('/') + 1), json: res.status === 200 ? await res.json() : undefined };
  });
  const started = performance.now();

  await call('POST', '', { realm, enabled: true });
  const clientId = (await call('POST', `/${realm}/clients`, { clientId: 'dash', enabled: true })).id;
  for (const name of ['viewer', 'licensed_user', 'admin']) await call('POST', `/${realm}/clients/${clientId}/roles`, { name });
  const roles = (await call('GET', `/${realm}/clients/${clientId}/roles`)).json as { id: string; name: string }[];
  const role = (name: string) => roles.find((r) => r.name === name);
  const defaults = (await call('GET', `/${realm}/roles/default-roles-${realm}`)).json as { id: string };
  await call('POST', `/${realm}/roles-by-id/${defaults.id}/composites`, [role('viewer')]);

  const ids = new Map<string, string>();
  for (const depth of [1, 2, 3]) {
    await Promise.all(shape.groups.filter((g) => g.path.split('/').length === depth).map(async (g) => {
      const path = g.parent ? `/${realm}/groups/${ids.get(parentPath(g.path))}/children` : `/${realm}/groups`;
      ids.set(g.path, (await call('POST', path, { name: g.name })).id ?? '');
    }));
  }
  await Promise.all(shape.groups.filter((g) => !g.parent).map((g) =>
    call('POST', `/${realm}/groups/${ids.get(g.path)}/role-mappings/clients/${clientId}`, [role(shape.groupRole)])));
  await Promise.all(shape.users.map(async (u) => {
    const id = (await call('POST', `/${realm}/users`, { username: u.username, enabled: true, groups: [`/${u.group}`] })).id;
    await call('POST', `/${realm}/users/${id}/role-mappings/clients/${clientId}`, [role(shape.userRole)]);
  }));
  return { seconds: (performance.now() - started) / 1000, requests };
}

function parentPath(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}
