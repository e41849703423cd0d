import KcAdminClient from '@keycloak/keycloak-admin-client';
import { loadTestEnv, uniqueName } from '../../env/test-env.js';

const env = loadTestEnv();

/** A client-credentials token for the bootstrap admin client, fetched on demand. */
async function adminToken(): Promise<string> {
  const res = await fetch(`${env.KEYCLOAK_URL}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: env.KEYCLOAK_ADMIN_CLIENT_ID, client_secret: env.KEYCLOAK_ADMIN_CLIENT_SECRET }),
  });
  if (!res.ok) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('the real Keycloak through @keycloak/keycloak-admin-client', () => {
  const realm = uniqueName('smoke');
  const admin = new KcAdminClient({ baseUrl: env.KEYCLOAK_URL, realmName: 'master' });
  admin.registerTokenProvider({ getAccessToken: adminToken });

  afterAll(async () => {
    await admin.realms.del({ realm }).catch(() => undefined);
  });

  it('creates a realm, a group with a subgroup and a user, and reads them back', async () => {
    await admin.realms.create({ realm, enabled: true });
    expect((await admin.realms.findOne({ realm }))?.realm).toBe(realm);

    const parent = await admin.groups.create({ realm, name: 'engineering' });
    const child = await admin.groups.createChildGroup({ realm, id: parent.id }, { name: 'platform' });
    const children = await admin.groups.listSubGroups({ realm, parentId: parent.id, max: 100 });
    expect(children.map((g) => [g.id, g.name, g.path])).toEqual([[child.id, 'platform', '/engineering/platform']]);

    const user = await admin.users.create({ realm, username: 'Alice', email: 'alice@example.com', enabled: true });
    const found = await admin.users.find({ realm, username: 'alice', exact: true });
    // Keycloak stores usernames lowercase.
    expect(found.map((u) => [u.id, u.username])).toEqual([[user.id, 'alice']]);
    await admin.users.addToGroup({ realm, id: user.id, groupId: child.id });
    expect((await admin.users.listGroups({ realm, id: user.id })).map((g) => g.path)).toEqual(['/engineering/platform']);
  });
});
