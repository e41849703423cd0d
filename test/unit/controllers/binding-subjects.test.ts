import type { DashResource } from '../../../src/api/index.js';
import type { ControllerDeps, ResourceCache } from '../../../src/controllers/context.js';
import type { RealmRef } from '../../../src/controllers/realm-ref.js';
import { objectCache } from './object-cache.js';
import { managedUsers, resolveSubject } from '../../../src/controllers/rolebinding/subjects.js';

const realmRef = { name: 'dash' };
const user = (name: string, username: string, keycloakId?: string, realm = 'dash') =>
  ({ metadata: { name, namespace: 'ns' }, spec: { realmRef: { name: realm }, username }, status: keycloakId ? { keycloakId } : undefined }) as DashResource<'DashUser'>;
const cache = (users: DashResource<'DashUser'>[]): ResourceCache => objectCache({ DashUser: users });
const binding = { metadata: { name: 'b', namespace: 'ns' }, spec: { realmRef, roles: ['viewer'], subjects: [] } } as unknown as DashResource<'DashRoleBinding'>;

describe('resolving a binding subject', () => {
  const lookups: string[] = [];
  const ref = { name: 'dash', kc: { findUserByUsername: async (_realm: string, username: string) => { lookups.push(username); return username === 'idp-user' ? { id: 'k9' } : undefined; } } } as unknown as RealmRef;
  beforeEach(() => { lookups.length = 0; });

  it('takes a DashUser from the cache, and waits for one not Ready without asking Keycloak', async () => {
    const deps = { cache: cache([user('ann', 'Ann', 'k1'), user('bob', 'bob'), user('ann-elsewhere', 'carl', 'k3', 'other')]) } as ControllerDeps;
    const users = managedUsers(binding, deps);
    expect(await resolveSubject({ kind: 'User', name: 'ann' }, 'ns', ref, users, deps)).toMatchObject({ key: 'User:ann', id: 'k1' });
    expect(await resolveSubject({ kind: 'User', name: 'bob' }, 'ns', ref, users, deps)).toMatchObject({ reason: 'DashUser bob is not Ready yet' });
    expect(lookups).toEqual([]);
  });

  it('looks up a user no DashUser of this realm manages (an IdP user) in Keycloak', async () => {
    const deps = { cache: cache([user('carl', 'carl', 'k3', 'other')]) } as ControllerDeps;
    const users = managedUsers(binding, deps);
    expect(await resolveSubject({ kind: 'User', name: 'idp-user' }, 'ns', ref, users, deps)).toMatchObject({ id: 'k9' });
    expect(await resolveSubject({ kind: 'User', name: 'carl' }, 'ns', ref, users, deps)).toMatchObject({ reason: expect.stringContaining('not found in realm dash') });
    expect(lookups).toEqual(['idp-user', 'carl']);
  });
});
