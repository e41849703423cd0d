// parseSpec is what stands between whatever the API server hands the runtime and the
// reconcilers: it must never throw, whatever it is given, and answer either a spec or a
// message naming a field (for the InvalidSpec condition). What it accepts it accepts again
// unchanged, so a parsed spec can be handed on without a second opinion.
import fc from 'fast-check';
import { KIND_NAMES, parseSpec, parseStatus, type Kind } from '../../../src/api/index.js';
import { INVALID_CASES } from '../../integration/api/admission-cases.js';
import { specCase } from '../../integration/properties/arbitraries.js';

const SEED = Number(process.env.DKO_PROPERTY_SEED ?? 20_260_517);
const RUNS = 500;
const params = { seed: SEED, numRuns: RUNS };

// Everything fast-check can build, well beyond JSON: the property is "never throws", not "JSON in".
const anything = fc.anything({
  withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withNullPrototype: true,
  withObjectString: true, withSet: true, withSparseArray: true, withTypedArray: true, withUnicodeString: true,
});

/** A well-formed answer: a spec object, or a non-empty message that starts with a spec path. */
function wellFormed(result: ReturnType<typeof parseSpec>): boolean {
  if (result.ok) return typeof result.spec === 'object' && result.spec !== null;
  return typeof result.message === 'string' && /^spec\b/.test(result.message);
}

describe.each(KIND_NAMES)('parseSpec(%s, ...)', (kind: Kind) => {
  it('never throws on any value as the object', () => {
    fc.assert(fc.property(anything, (object) => wellFormed(parseSpec(kind, object))), params);
  });

  it('never throws on any value or JSON as the spec', () => {
    fc.assert(fc.property(fc.oneof(anything, fc.jsonValue()), (spec) => wellFormed(parseSpec(kind, { spec }))), params);
  });

  it('never throws on near-valid specs, and refuses with a field path', () => {
    fc.assert(fc.property(specCase(kind), (c) => wellFormed(parseSpec(kind, { spec: c.spec }))), params);
  });

  it('accepts what it returned, unchanged (defaults are applied once)', () => {
    fc.assert(fc.property(specCase(kind), (c) => {
      const first = parseSpec(kind, { spec: c.spec });
      if (!first.ok) return;
      const second = parseSpec(kind, { spec: structuredClone(first.spec) });
      expect(second).toEqual(first);
    }), params);
  });

  it('never throws on any value as the status', () => {
    fc.assert(fc.property(anything, (status) => {
      const result = parseStatus(kind, { status });
      return result.ok || /^status\b/.test(result.message);
    }), params);
  });
});

describe('parseSpec on objects no API server sends', () => {
  it('answers for a cyclic object', () => {
    const spec: Record<string, unknown> = { realmRef: { name: 'dash' }, username: 'alice' };
    spec.self = spec;
    expect(parseSpec('DashUser', { spec })).toMatchObject({ ok: true, spec: { username: 'alice' } });
  });

  it('refuses a __proto__ attribute instead of dropping it, as admission does', () => {
    const spec = JSON.parse('{"realmRef":{"name":"dash"},"username":"alice","attributes":{"__proto__":["x"],"team":["a"]}}') as unknown;
    expect(parseSpec('DashUser', { spec })).toEqual({ ok: false, message: 'spec.attributes.__proto__: __proto__ is not allowed as a key' });
  });

  it('refuses a repeated role, as x-kubernetes-list-type: set does at admission', () => {
    const spec = { realmRef: { name: 'dash' }, roles: ['admin', 'viewer', 'admin'], subjects: [{ kind: 'User', name: 'alice' }] };
    expect(parseSpec('DashRoleBinding', { spec })).toEqual({ ok: false, message: 'spec.roles[2]: Duplicate value: "admin"' });
  });

  it('refuses a username with a no-break space, as the CEL rule (RE2) now does', () => {
    const result = parseSpec('DashUser', { spec: { realmRef: { name: 'dash' }, username: 'alice\u00a0smith' } });
    expect(result.ok).toBe(false);
  });
});

describe('parseSpec on what admission refuses', () => {
  // The curated admission cases, the other direction: the runtime never accepts what
  // admission refuses, and names the same field.
  it.each(INVALID_CASES.map((c) => [c.title, c] as const))('refuses %s', (_title, c) => {
    const result = parseSpec(c.manifest.kind, { spec: c.manifest.spec });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(c.field);
  });
});
