import { ADOPTED_ATTRIBUTE, OWNER_ATTRIBUTE } from '../../api/constants.js';

/**
 * How a DashRealm stands toward the Keycloak realm it names:
 * - `none`: no such realm; it is created with our claim in the create request;
 * - `ours`: the realm carries our claim;
 * - `claim`: ours to claim first (adoption asked for, or a realm an earlier version of the
 *   operator recorded in status before claims existed); nothing else is written until the
 *   claim is written and read back;
 * - `claimed`: another DashRealm (of any namespace, cluster or operator) holds the claim;
 * - `adoptionRequired`: the realm exists, nobody claims it, and the resource does not ask to adopt it.
 */
export type RealmClaim =
  | { kind: 'none' }
  | { kind: 'ours'; adopted: boolean }
  | { kind: 'claim'; adopted: boolean }
  | { kind: 'claimed'; owner: string }
  | { kind: 'adoptionRequired' };

/** What the DashRealm brings to the decision. */
export interface ClaimInput {
  /** Our claim value: `<namespace>/<name>/<uid>`. */
  claim: string;
  /** The resource carries `identity.dashops.dev/adopt: "true"`. */
  adopt: boolean;
  /** The realm id status recorded, and whether status says it was adopted. */
  knownId?: string;
  knownAdopted?: boolean;
}

/** The claim value of a DashRealm. */
export function claimOf(realm: { metadata: { namespace?: string; name: string; uid?: string } }): string {
  return `${realm.metadata.namespace ?? ''}/${realm.metadata.name}/${realm.metadata.uid ?? ''}`;
}

/** Decides the claim from the realm found in Keycloak (undefined: there is none). Pure. */
export function classifyRealmClaim(input: ClaimInput, found: { id: string; attributes: Readonly<Record<string, string>> } | undefined): RealmClaim {
  if (!found) return { kind: 'none' };
  const owner = found.attributes[OWNER_ATTRIBUTE];
  if (owner === input.claim) return { kind: 'ours', adopted: found.attributes[ADOPTED_ATTRIBUTE] === 'true' };
  if (owner) return { kind: 'claimed', owner };
  if (input.knownId === found.id) return { kind: 'claim', adopted: input.knownAdopted ?? true };
  if (input.adopt) return { kind: 'claim', adopted: true };
  return { kind: 'adoptionRequired' };
}

/** The realm attributes that record a claim (and adoption, so an adopted realm is never deleted). */
export function claimAttributes(claim: string, adopted: boolean): Record<string, string | undefined> {
  return { [OWNER_ATTRIBUTE]: claim, [ADOPTED_ATTRIBUTE]: adopted ? 'true' : undefined };
}

/** The changes that release a claim (the realm stays). */
export const RELEASE_ATTRIBUTES: Readonly<Record<string, undefined>> = { [OWNER_ATTRIBUTE]: undefined, [ADOPTED_ATTRIBUTE]: undefined };
