import { ADOPTED_ATTRIBUTE, OWNER_ATTRIBUTE } from '../../../src/api/constants.js';
import { claimOf, classifyRealmClaim, type ClaimInput } from '../../../src/controllers/realm/claim.js';

const ours = claimOf({ metadata: { namespace: 'team-a', name: 'dash', uid: 'u-1' } });
const input = (over: Partial<ClaimInput> = {}): ClaimInput => ({ claim: ours, adopt: false, ...over });
const realm = (attributes: Record<string, string> = {}) => ({ id: 'r-1', attributes });

describe('classifyRealmClaim', () => {
  it('creates a realm that does not exist', () => {
    expect(classifyRealmClaim(input(), undefined)).toEqual({ kind: 'none' });
  });

  it('knows its own claim, and whether it adopted the realm', () => {
    expect(classifyRealmClaim(input(), realm({ [OWNER_ATTRIBUTE]: ours }))).toEqual({ kind: 'ours', adopted: false });
    expect(classifyRealmClaim(input(), realm({ [OWNER_ATTRIBUTE]: ours, [ADOPTED_ATTRIBUTE]: 'true' }))).toEqual({ kind: 'ours', adopted: true });
  });

  it("refuses another DashRealm's claim, even with the adopt annotation, even of the same name with another uid", () => {
    const other = 'team-b/dash/u-2';
    expect(classifyRealmClaim(input({ adopt: true }), realm({ [OWNER_ATTRIBUTE]: other }))).toEqual({ kind: 'claimed', owner: other });
    expect(classifyRealmClaim(input(), realm({ [OWNER_ATTRIBUTE]: 'team-a/dash/u-0' }))).toMatchObject({ kind: 'claimed' });
  });

  it('requires the adopt annotation for an unclaimed existing realm', () => {
    expect(classifyRealmClaim(input(), realm())).toEqual({ kind: 'adoptionRequired' });
    expect(classifyRealmClaim(input({ adopt: true }), realm())).toEqual({ kind: 'claim', adopted: true });
  });

  it('claims a realm an earlier version recorded in status, keeping what status said about adoption', () => {
    expect(classifyRealmClaim(input({ knownId: 'r-1', knownAdopted: false }), realm())).toEqual({ kind: 'claim', adopted: false });
    expect(classifyRealmClaim(input({ knownId: 'r-0' }), realm())).toEqual({ kind: 'adoptionRequired' });
  });
});
