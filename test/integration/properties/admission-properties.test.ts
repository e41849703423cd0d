// Property: admission (the CRD schema and CEL rules in the real kube-apiserver) and runtime
// parsing (parseSpec, the same zod schemas) agree on every generated spec.
// - Refused at admission (422): the message names a spec field, and parseSpec refuses too,
//   naming a related field: the runtime never accepts what admission refuses.
// - Accepted: parseSpec of the object as read back (server defaults applied) is ok and equal
//   to the stored spec (nothing dropped, nothing added), and parseSpec of what was sent gives
//   the same spec (the zod defaults are the CRD's): nothing valid at admission becomes an
//   InvalidSpec at runtime.
// - Unknown fields are the one refusal parseSpec does not share, by design: it strips them as
//   the API server prunes them. Such a spec must be refused by Strict validation naming the
//   field (400), and is then sent again with fieldValidation=Ignore for the two cases above.
// Replay a failure with the seed and path fast-check prints: DKO_PROPERTY_SEED=<seed>
// DKO_PROPERTY_PATH=<path> npm run test:integration -- --testPathPatterns test/integration/properties
// (DKO_PROPERTY_RUNS=<n> for a longer hunt, DKO_PROPERTY_TALLY=1 prints accepted/refused counts).
import * as k8s from '@kubernetes/client-node';
import fc from 'fast-check';
import { API_GROUP, API_VERSION, KIND_NAMES, parseSpec } from '../../../src/api/index.js';
import { uniqueName } from '../../env/test-env.js';
import { useCrdNamespace } from '../api/crd-fixture.js';
import { showJson, specCase, type Json, type SpecCase } from './arbitraries.js';

const SEED = Number(process.env.DKO_PROPERTY_SEED ?? 20_260_517);
const RUNS = Number(process.env.DKO_PROPERTY_RUNS ?? 100);
const PATH = process.env.DKO_PROPERTY_PATH;

const { custom, target } = useCrdNamespace('api-properties', { purge: true });

type Verdict =
  | { accepted: true; object: unknown }
  | { accepted: false; code: number; message: string; fields: string[] };

/** Creates the object (nothing is dry-run: the read-back goes through storage and its defaulting). */
async function admit(c: SpecCase, fieldValidation: 'Strict' | 'Ignore'): Promise<Verdict> {
  const name = uniqueName(c.kind.toLowerCase());
  const body = { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: c.kind, metadata: { name }, spec: c.spec };
  try {
    await custom.createNamespacedCustomObject({ ...target(c.kind), body, fieldValidation });
  } catch (error) {
    if (!(error instanceof k8s.ApiException) || error.code >= 500) throw error;
    const status = JSON.parse(String(error.body)) as { message?: string; details?: { causes?: { field?: string }[] } };
    const fields = (status.details?.causes ?? []).flatMap((cause) => (cause.field ? [cause.field] : []));
    return { accepted: false, code: error.code, message: status.message ?? '', fields };
  }
  return { accepted: true, object: await custom.getNamespacedCustomObject({ ...target(c.kind), name }) };
}

/**
 * Field paths in the API server's style (`spec.attributes.cost:center[0]`) named in a
 * parseSpec message, whose paths quote odd keys (`spec.attributes["cost:center"][0]`).
 */
function parsePaths(message: string): string[] {
  return [...message.matchAll(/\bspec(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*/g)]
    .map((m) => m[0].replace(/\[("(?:[^"\\]|\\.)*")\]/g, (_, quoted: string) => `.${JSON.parse(quoted) as string}`));
}

/** Field paths the API server names: its Status causes, else `spec...` in the message. */
function admissionPaths(message: string, fields: string[]): string[] {
  const named = fields.filter((f) => f === 'spec' || f.startsWith('spec.') || f.startsWith('spec['));
  return named.length > 0 ? named : [...message.matchAll(/\bspec(?:[.[][^\s:,\]]*\]?)*/g)].map((m) => m[0]);
}

// Two paths are related when one is a prefix of the other: a rule on a parent object and a
// type error inside it concern the same field. `spec` alone relates only to `spec` alone
// (a spec that is no object), or it would relate to everything.
function related(a: string, b: string): boolean {
  const prefix = (p: string, q: string) => p !== 'spec' && (q.startsWith(`${p}.`) || q.startsWith(`${p}[`));
  return a === b || prefix(a, b) || prefix(b, a);
}

class Disagreement extends Error {}

function disagree(c: SpecCase, what: string, details: Record<string, unknown>): never {
  throw new Disagreement(`${c.kind}: ${what}\n  edits: ${c.edits.join('; ') || '(none: a valid spec)'}\n${Object.entries(details)
    .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : showJson(v)}`).join('\n')}`);
}

interface Tally { accepted: number; refused: number; unknownFields: number }

async function checkAgreement(c: SpecCase, tally: Tally): Promise<void> {
  let verdict = await admit(c, 'Strict');
  if (!verdict.accepted && verdict.code === 400 && verdict.message.includes('unknown field')) {
    if (!/unknown field "spec[.[]/.test(verdict.message)) disagree(c, 'strict validation does not name the unknown spec field', { admission: verdict.message });
    tally.unknownFields += 1;
    verdict = await admit(c, 'Ignore');
  }
  // What the runtime would get had the object slipped past admission: the API server drops
  // the nulls of object fields before validating and storing, so the runtime never sees them.
  const sent = parseSpec(c.kind, { spec: withoutNulls(c.spec) });
  if (verdict.accepted) {
    tally.accepted += 1;
    const stored = (verdict.object as { spec: unknown }).spec;
    const readBack = parseSpec(c.kind, verdict.object);
    if (!readBack.ok) disagree(c, 'admission accepted it but parseSpec of the stored object refuses it', { parseSpec: readBack.message, stored });
    // The stored spec has the server's defaults; parseSpec must neither drop nor add anything.
    if (!sameJson(readBack.spec, stored)) disagree(c, 'parseSpec of the stored object differs from it', { stored, parsed: readBack.spec });
    if (!sent.ok) disagree(c, 'admission accepted it but parseSpec refuses it as sent', { parseSpec: sent.message });
    if (!sameJson(sent.spec, stored)) disagree(c, "the defaults parseSpec applies differ from the API server's", { stored, parsedAsSent: sent.spec });
    return;
  }
  tally.refused += 1;
  const { code, message, fields } = verdict;
  if (code !== 422) disagree(c, `admission refused it with HTTP ${code}, expected 422`, { admission: message });
  const named = admissionPaths(message, fields);
  if (named.length === 0 || !/\bspec\b/.test(message)) disagree(c, 'admission refused it without naming a spec field', { admission: message });
  if (sent.ok) disagree(c, 'admission refused it but parseSpec accepts it', { admission: message, parsed: sent.spec });
  const parsed = parsePaths(sent.message);
  if (!named.some((a) => parsed.some((p) => related(a, p)))) {
    disagree(c, 'admission and parseSpec name unrelated fields', { admission: message, fields: named, parseSpec: sent.message, parsePaths: parsed });
  }
}

/** `value` without the null-valued properties of its objects (null array items stay: the API server refuses those). */
function withoutNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

// Compared with sorted keys: the stored object's key order is the server's, not the manifest's.
const sameJson = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}

describe('admission and parseSpec agree on generated specs', () => {
  it.each(KIND_NAMES)('%s', async (kind) => {
    const tally: Tally = { accepted: 0, refused: 0, unknownFields: 0 };
    await fc.assert(fc.asyncProperty(specCase(kind), (c) => checkAgreement(c, tally)), {
      seed: SEED, numRuns: RUNS, ...(PATH ? { path: PATH } : {}),
    });
    if (process.env.DKO_PROPERTY_TALLY) process.stderr.write(`${kind}: ${JSON.stringify(tally)}\n`);
    // The generators must exercise both sides of the property, not only one.
    expect(tally.accepted).toBeGreaterThanOrEqual(Math.floor(RUNS / 10));
    expect(tally.refused).toBeGreaterThanOrEqual(Math.floor(RUNS / 4));
  }, 600_000);
});
