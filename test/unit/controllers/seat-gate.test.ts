import type { RealmRef } from '../../../src/controllers/realm-ref.js';
import { grantWithinSeats } from '../../../src/controllers/seat-gate.js';

// A realm whose licensed_user holders are `held` (direct user mappings); `grant` adds to them,
// as the realm view records a mapping this process wrote. Group subtrees: `members`.
function realm(licenseSeats: number | undefined, held: Set<string>, members: Record<string, string[]> = {}): RealmRef {
  const view = {
    userIds: async () => ['u1', 'u2', 'u3', 'u4'],
    holders: async () => ({ userIds: [...held], groupPaths: [], everyone: false }),
  };
  const kc = {
    listGroupMembers: async (_realm: string, id: string) => (members[id] ?? []).map((m) => ({ id: m, username: m })),
    listChildGroups: async () => [],
  };
  return { name: 'dash', clientUuid: 'c', realm: { spec: { licenseSeats } }, view, kc } as unknown as RealmRef;
}
const tick = () => new Promise((r) => setTimeout(r, 1));

describe('the seat gate', () => {
  it('grants at once without a limit', async () => {
    const held = new Set<string>();
    await expect(grantWithinSeats(realm(undefined, held), { kind: 'User', id: 'u1' }, async () => { held.add('u1'); })).resolves.toBeUndefined();
    expect(held).toEqual(new Set(['u1']));
  });

  it('counts a user who holds the role already as no new seat', async () => {
    const held = new Set(['u1']);
    await expect(grantWithinSeats(realm(1, held), { kind: 'User', id: 'u1' }, async () => undefined)).resolves.toBeUndefined();
  });

  it('refuses a group whose members would need more seats, naming how many are missing', async () => {
    const held = new Set(['u1']);
    let granted = false;
    const refusal = await grantWithinSeats(realm(2, held, { g: ['u1', 'u2', 'u3'] }), { kind: 'Group', id: 'g' }, async () => { granted = true; });
    expect(refusal).toEqual({ newHolders: 2, inUse: 1, limit: 2, missing: 1 });
    expect(granted).toBe(false);
  });

  it('lets only one of two concurrent grants take the last seat: each decision sees the grant before it', async () => {
    const held = new Set(['u1']);
    const ref = realm(2, held);
    const slowGrant = (id: string) => async () => { await tick(); held.add(id); };
    const results = await Promise.all([
      grantWithinSeats(ref, { kind: 'User', id: 'u2' }, slowGrant('u2')),
      grantWithinSeats(ref, { kind: 'User', id: 'u3' }, slowGrant('u3')),
    ]);
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    expect(held.size).toBe(2);
  });
});
