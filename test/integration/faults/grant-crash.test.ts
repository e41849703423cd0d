// The operator SIGKILLed at many random moments while bindings grant and revoke roles to users
// and groups (spec edits racing its passes, so status writes also meet 409s): once every
// binding is deleted, Keycloak must hold no grant a binding gave and every grant made by hand
// before any binding existed. Keycloak is read and tampered with through raw REST only.
import { loadTestEnv, uniqueName } from '../../env/test-env.js';
import { startOperator, type OperatorUnderTest } from '../operator/harness.js';
import { KeycloakGrants, type Holder } from '../support/keycloak-grants.js';
import { KeycloakRest } from '../support/keycloak-rest.js';
import { list, until } from './fleet.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const KILLS = 20;
const ROLES = ['admin', 'licensed_user'];
const USERS = ['usr0', 'usr1', 'usr2', 'usr3', 'usr4'];
const GROUPS = ['g0', 'g1', 'g2'];
const BINDINGS = ['b0', 'b1', 'b2', 'b3', 'b4'];
/** Made by hand in Keycloak, not by the operator: a user as from an IdP, and a group. */
const HAND_USER = 'idp-user';
const HAND_GROUP = 'handmade';
/** Grants an administrator made before any binding existed: they must all survive. */
const MANUAL: Record<string, string[]> = { 'user:usr0': ['admin'], 'user:usr1': ['licensed_user'], 'group:g0': ['admin'], [`user:${HAND_USER}`]: ['licensed_user'], [`group:${HAND_GROUP}`]: ['admin'] };
/** Every subject a binding may name. */
const SUBJECTS = [
  ...[...USERS, HAND_USER].map((name) => ({ key: `user:${name}`, subject: { kind: 'User', name } })),
  ...GROUPS.map((name) => ({ key: `group:${name}`, subject: { kind: 'Group', name } })),
  { key: `group:${HAND_GROUP}`, subject: { kind: 'Group', path: HAND_GROUP } },
];
// A short lease: each new operator takes over soon after the killed one stops renewing.
const LEASE_ARGS = ['--leader-election-lease-duration=3s', '--leader-election-renew-deadline=2s', '--leader-election-retry-period=500ms'];

describe('the operator SIGKILLed while bindings grant and revoke', () => {
  const env = loadTestEnv();
  const realm = uniqueName('realm-grantkill');
  const rest = new KeycloakRest(env);
  const kc = new KeycloakGrants(rest, realm);
  const started: OperatorUnderTest[] = [];
  const seed = Number(process.env.DKO_CRASH_SEED ?? Date.now() % 1_000_000);
  const random = mulberry32(seed);

  afterAll(async () => {
    for (const op of started) await op.stop();
    await rest.deleteRealm(realm);
  });

  it(`takes back exactly what the bindings gave after ${KILLS} kills, keeping every manual grant`, async () => {
    console.log(`grant-crash seed ${seed} (DKO_CRASH_SEED=${seed} replays the same edits)`);
    let op = await startOperator({ extraArgs: LEASE_ARGS });
    started.push(op);
    op.apply([
      { apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm } },
      ...USERS.map((u) => ({ apiVersion: v, kind: 'DashUser', metadata: { name: u }, spec: { realmRef, username: u } })),
      ...GROUPS.map((g) => ({ apiVersion: v, kind: 'DashGroup', metadata: { name: g }, spec: { realmRef } })),
    ]);
    for (const u of USERS) await op.waitReady('DashUser', u, 120_000);
    for (const g of GROUPS) await op.waitReady('DashGroup', g, 120_000);
    const holders = await holdersOf(kc);
    for (const [key, roles] of Object.entries(MANUAL)) await kc.grant(holders.get(key)!, roles);
    const before = await directRoles(kc, holders);

    const spec = (name: string) => ({ apiVersion: v, kind: 'DashRoleBinding', metadata: { name }, spec: { realmRef, roles: pick(random, ROLES), subjects: pick(random, SUBJECTS).map((s) => s.subject) } });
    op.apply(BINDINGS.map(spec));
    const deleted = new Set<string>();
    for (let kill = 0; kill < KILLS; kill++) {
      // A few edits per life, racing the passes: grants, revocations, a binding deleted or back.
      for (let edit = 0; edit < 3; edit++) {
        const name = BINDINGS[Math.floor(random() * BINDINGS.length)]!;
        if (random() < 0.15 && !deleted.has(name)) {
          op.delete('DashRoleBinding', name);
          deleted.add(name);
        } else if (!deleted.has(name) || (await op.get('DashRoleBinding', name)) === undefined) {
          op.apply(spec(name));
          deleted.delete(name);
        }
        await sleep(random() * 700);
      }
      await sleep(random() * 2_500);
      await op.kill('SIGKILL');
      op = await startOperator({ namespace: op.namespace, extraArgs: LEASE_ARGS });
      started.push(op);
    }

    // The last operator converges: each holder has its manual grants plus what live bindings
    // grant (the bindings deleted last come back first, so some grant something).
    const last = op;
    for (const name of deleted) {
      await until(`DashRoleBinding ${name} gone`, async () => (await last.get('DashRoleBinding', name)) === undefined, 120_000, 500);
      last.apply(spec(name));
    }
    const expected = async () => {
      const want: Record<string, Set<string>> = Object.fromEntries([...holders.keys()].map((k) => [k, new Set(MANUAL[k] ?? [])]));
      for (const b of (await list(last, 'DashRoleBinding')) as unknown as LiveBinding[]) {
        if (b.metadata.deletionTimestamp) continue;
        for (const s of b.spec.subjects) for (const r of b.spec.roles) want[`${s.kind.toLowerCase()}:${s.name ?? s.path}`]?.add(r);
      }
      return Object.fromEntries(Object.entries(want).sort().map(([k, roles]) => [k, [...roles].sort()]));
    };
    let converged: Record<string, string[]> = {};
    await until('Keycloak holds what the live bindings grant', async () => {
      converged = await expected();
      return JSON.stringify(await directRoles(kc, holders)) === JSON.stringify(converged);
    }, 120_000, 1_000).catch(async (err: Error) => {
      throw new Error(`${err.message}: want ${JSON.stringify(converged)}, Keycloak has ${JSON.stringify(await directRoles(kc, holders))}`);
    });
    console.log(`converged after ${KILLS} kills: ${JSON.stringify(converged)}`);
    // Not vacuous: the bindings did give roles that were not there by hand.
    expect(Object.entries(converged).some(([k, roles]) => roles.some((r) => !(MANUAL[k] ?? []).includes(r)))).toBe(true);

    for (const name of BINDINGS) if ((await last.get('DashRoleBinding', name)) !== undefined) last.delete('DashRoleBinding', name);
    await until('every DashRoleBinding gone', async () => (await list(last, 'DashRoleBinding')).length === 0, 180_000, 500);
    const after = await directRoles(kc, holders);
    expect(after).toEqual(before);
    expect(before).toEqual(Object.fromEntries([...holders.keys()].sort().map((k) => [k, (MANUAL[k] ?? []).slice().sort()])));
  }, 600_000);
});

type LiveBinding = { metadata: { deletionTimestamp?: string }; spec: { roles: string[]; subjects: { kind: string; name?: string; path?: string }[] } };

/** Every user and group a binding may name, by `user:<name>` / `group:<name>`, with its Keycloak id. */
async function holdersOf(kc: KeycloakGrants): Promise<Map<string, Holder>> {
  const holders = new Map<string, Holder>();
  for (const u of USERS) holders.set(`user:${u}`, { kind: 'users', id: (await kc.userId(u))! });
  for (const g of GROUPS) holders.set(`group:${g}`, { kind: 'groups', id: (await kc.groupId(`/${g}`))! });
  holders.set(`user:${HAND_USER}`, { kind: 'users', id: await kc.createUser(HAND_USER) });
  holders.set(`group:${HAND_GROUP}`, { kind: 'groups', id: await kc.createGroup(HAND_GROUP) });
  for (const [key, h] of holders) if (!h.id) throw new Error(`${key} not found in Keycloak`);
  return holders;
}

/** Direct dash roles of every holder, read from Keycloak. */
async function directRoles(kc: KeycloakGrants, holders: Map<string, Holder>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const key of [...holders.keys()].sort()) out[key] = await kc.direct(holders.get(key)!);
  return out;
}

/** A non-empty random subset, in the original order. */
function pick<T>(random: () => number, from: readonly T[]): T[] {
  const chosen = from.filter(() => random() < 0.5);
  return chosen.length > 0 ? chosen : [from[Math.floor(random() * from.length)]!];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A small seeded PRNG, so a failing run can be replayed with its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
