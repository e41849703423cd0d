// Property: the running operator reports on every object admission lets through, whatever its
// spec, and never crashes or stalls: each generated spec (valid or not, from the same
// arbitraries as admission-properties.test.ts) is either refused by the real kube-apiserver or
// gets a Ready condition for its generation (True, or False with a reason), and an object
// applied after all of them still becomes Ready. Names that reach Keycloak are rewritten to
// this run's realm, so users, groups and bindings are reconciled against the real Keycloak.
// Replay with DKO_PROPERTY_SEED=<seed>; DKO_FUZZ_RUNS=<n> cases per kind.
import * as k8s from '@kubernetes/client-node';
import fc from 'fast-check';
import { API_GROUP, API_VERSION, KIND_NAMES, KINDS, type Kind } from '../../../src/api/index.js';
import type { KeycloakConnection } from '../../../src/keycloak/index.js';
import { adminConnection } from '../operator/keycloak-admin.js';
import { readyCondition, startOperator, type OperatorUnderTest } from '../operator/harness.js';
import { specCase, type Json } from './arbitraries.js';

const SEED = Number(process.env.DKO_PROPERTY_SEED ?? 20_261_126);
const RUNS = Number(process.env.DKO_FUZZ_RUNS ?? 30);

describe('the running operator under generated specs', () => {
  let op: OperatorUnderTest;
  let kc: KeycloakConnection;
  const createdRealms: string[] = [];
  beforeAll(async () => {
    op = await startOperator({ extraArgs: ['--dependency-wait=2s'] });
    kc = adminConnection(op.env);
    op.apply({ apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: op.realm } });
    await op.waitReady('DashRealm', 'dash');
  });
  afterAll(async () => {
    await op.stop();
    for (const realm of [op.realm, ...createdRealms]) await kc.deleteRealm(realm);
    await kc.close();
  });

  it('reports every admitted object for its generation and stays responsive', async () => {
    const custom = op.kc.makeApiClient(k8s.CustomObjectsApi);
    const cases = KIND_NAMES.flatMap((kind) => fc.sample(specCase(kind), { seed: SEED, numRuns: RUNS }));
    const admitted: { kind: Kind; name: string }[] = [];
    for (const [i, c] of cases.entries()) {
      const name = `fuzz-${i}`;
      const spec = intoThisRun(c.spec, op.realm, i, createdRealms);
      try {
        await custom.createNamespacedCustomObject({
          group: API_GROUP, version: API_VERSION, namespace: op.namespace, plural: KINDS[c.kind].plural, fieldValidation: 'Ignore',
          body: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: c.kind, metadata: { name }, spec },
        });
        admitted.push({ kind: c.kind, name });
      } catch (err) {
        // Refused at admission: a schema or CEL rule, never a server error.
        expect((err as { code?: number }).code).toBe(422);
      }
    }
    expect(admitted.length).toBeGreaterThanOrEqual(KIND_NAMES.length * 2);
    for (const { kind, name } of admitted) {
      const reported = await op.waitFor<{ metadata: { generation: number }; status?: { observedGeneration?: number } }>(kind, name,
        (o) => readyCondition(o) !== undefined && o.status?.observedGeneration === o.metadata.generation, 90_000);
      expect(readyCondition(reported)?.reason).toMatch(/^[A-Z][A-Za-z]+$/);
    }
    // Not stalled: an object applied after all of them converges.
    op.apply({ apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'DashGroup', metadata: { name: 'after-the-fuzz' }, spec: { realmRef: { name: 'dash' } } });
    await op.waitReady('DashGroup', 'after-the-fuzz');
    expect(op.logs()).not.toMatch(/uncaught|unhandled/i);
  });
});

/**
 * The spec with a valid `realmRef.name` pointed at this run's DashRealm and a valid
 * `spec.realm` made unique to this run (recorded for cleanup), so that nothing generated
 * touches another test's realm (or `master`). Invalid values stay as generated.
 */
function intoThisRun(spec: Json, realm: string, i: number, createdRealms: string[]): Json {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return spec;
  const out: { [key: string]: Json } = { ...spec };
  const ref = out.realmRef;
  if (typeof ref === 'object' && ref !== null && !Array.isArray(ref) && typeof ref.name === 'string' && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref.name)) {
    out.realmRef = { ...ref, name: 'dash' };
  }
  if (typeof out.realm === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(out.realm)) {
    out.realm = `${realm}-${i}`;
    createdRealms.push(out.realm);
  }
  return out;
}
