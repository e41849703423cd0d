import type { z } from 'zod';
import type { Kind } from './constants.js';
import { SCHEMAS, type SpecOf, type StatusOf } from './resources.js';

/** The outcome of parsing: the typed value, or a message naming each offending field. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** The outcome of `parseSpec`: the spec with defaults applied, or a message for an InvalidSpec condition. */
export type SpecParseResult<T> = { ok: true; spec: T } | { ok: false; message: string };

// Enough to name every field of a typical mistake, short enough for a condition message.
const MAX_ISSUES = 5;

/**
 * Validates `object.spec` of a `kind` read back from the API server with the same schema
 * the CRD was generated from, CEL cross-field rules included (transition rules excepted).
 * Never throws: an invalid spec that slipped past admission gives a stable message such as
 * `spec.subjects[0].path: must be a group path like Parent/child`, for an InvalidSpec condition.
 */
export function parseSpec<K extends Kind>(kind: K, object: unknown): SpecParseResult<SpecOf[K]> {
  const spec = isRecord(object) ? object.spec : undefined;
  const result = parseWith(SCHEMAS[kind].spec, spec, 'spec');
  return result.ok ? { ok: true, spec: result.value as SpecOf[K] } : result;
}

/** Validates `object.status` (absent is fine: a new object has none); never throws. */
export function parseStatus<K extends Kind>(kind: K, object: unknown): ParseResult<StatusOf[K] | undefined> {
  const status = isRecord(object) ? object.status : undefined;
  if (status === undefined) return { ok: true, value: undefined };
  const result = parseWith(SCHEMAS[kind].status, status, 'status');
  return result.ok ? { ok: true, value: result.value as StatusOf[K] } : result;
}

function parseWith(schema: z.ZodType, value: unknown, root: string): ParseResult<unknown> {
  const proto = protoKeyPath(value, []);
  if (proto) return { ok: false, message: `${formatPath(root, proto)}: __proto__ is not allowed as a key` };
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: formatIssues(result.error.issues, root) };
}

/** Renders zod issues as `spec.a.b[0]: message; ...` (at most five, in schema order). */
export function formatIssues(issues: readonly z.core.$ZodIssue[], root: string): string {
  const lines = issues.slice(0, MAX_ISSUES).map((issue) => `${formatPath(root, issue.path)}: ${issue.message}`);
  if (issues.length > MAX_ISSUES) lines.push(`and ${issues.length - MAX_ISSUES} more`);
  return lines.join('; ');
}

/** `('spec', ['subjects', 0, 'path'])` -> `spec.subjects[0].path`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/**
 * The path of the first own `__proto__` key in `value`. zod skips such a key without an
 * issue (assigning it would replace the output's prototype), while the API server keeps it
 * in a map such as spec.attributes: refused here, it cannot be lost silently.
 */
function protoKeyPath(value: unknown, path: PropertyKey[], seen = new WeakSet<object>()): PropertyKey[] | undefined {
  // `seen`: parseSpec never throws, not even on a cyclic object (JSON never is one).
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return [...path, '__proto__'];
  for (const [key, item] of Object.entries(value)) {
    const found = protoKeyPath(item, [...path, Array.isArray(value) ? Number(key) : key], seen);
    if (found) return found;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
