import { z } from 'zod';
import type { Kind } from './constants.js';
import { MAX_OMITTED_FIELDS, OMITTED_FIELD } from './common.js';
import { SCHEMAS } from './resources.js';

type SchemaNode = { [key: string]: unknown };
type Json = Record<string, unknown>;

/** What `fitStatus` left out, by field path: entries of a list, or characters of a text. */
export type OmittedCounts = Record<string, number>;

// A text cut to its bound ends in this, so a reader sees it is not the whole value.
const ELLIPSIS = '…';
const SCHEMA_CACHE = new Map<Kind, SchemaNode>();

/**
 * Fits a status to its CRD's bounds so that the API server accepts it: a list longer than
 * its `maxItems` keeps its first entries (the reconciler's order: sorted, or spec order), a
 * text longer than its `maxLength` is cut and ends in `…`, and `status.omitted` counts what
 * was left out by field path (e.g. `groups: 44`, `subjects[3].grants: 2`). Counts the status
 * already carries are kept for fields that were not fitted again (a failed pass keeps the
 * stored fields, which are fitted already). Pure and idempotent: a fitted status fits as is.
 */
export function fitStatus(kind: Kind, status: Json): Json {
  const { [OMITTED_FIELD]: previous, ...fields } = status;
  const omitted: OmittedCounts = {};
  const fitted = fitNode(fields, statusSchema(kind), '', omitted) as Json;
  const counts = { ...carriedOver(previous, omitted), ...omitted };
  const paths = Object.keys(counts).sort();
  if (paths.length === 0) return fitted;
  return { ...fitted, [OMITTED_FIELD]: Object.fromEntries(paths.slice(0, MAX_OMITTED_FIELDS).map((p) => [p, counts[p]])) };
}

/** The number of characters (code points, as the API server counts them) of a text. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function statusSchema(kind: Kind): SchemaNode {
  let schema = SCHEMA_CACHE.get(kind);
  if (!schema) {
    // The same conversion the CRD generator uses (scripts/crd/structural.ts), so the bounds match.
    schema = z.toJSONSchema(SCHEMAS[kind].status, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as SchemaNode;
    SCHEMA_CACHE.set(kind, schema);
  }
  return schema;
}

// Conditions are always recomputed from the stored ones; their old counts would be stale.
function carriedOver(previous: unknown, fresh: OmittedCounts): OmittedCounts {
  if (!isObject(previous)) return {};
  const kept: OmittedCounts = {};
  for (const [path, count] of Object.entries(previous)) {
    if (typeof count !== 'number' || path.startsWith('conditions') || fresh[path] !== undefined) continue;
    kept[path] = count;
  }
  return kept;
}

function fitNode(value: unknown, schema: SchemaNode, path: string, omitted: OmittedCounts): unknown {
  if (typeof value === 'string') return fitText(value, schema, path, omitted);
  if (Array.isArray(value)) return fitList(value, schema, path, omitted);
  if (isObject(value)) return fitObject(value, schema, path, omitted);
  return value;
}

function fitText(value: string, schema: SchemaNode, path: string, omitted: OmittedCounts): string {
  const max = schema.maxLength;
  if (typeof max !== 'number' || max < 1) return value;
  const length = textLength(value);
  if (length <= max) return value;
  omitted[path] = length - (max - 1);
  return Array.from(value).slice(0, max - 1).join('') + ELLIPSIS;
}

function fitList(value: unknown[], schema: SchemaNode, path: string, omitted: OmittedCounts): unknown[] {
  const max = schema.maxItems;
  let kept = value;
  if (typeof max === 'number' && value.length > max) {
    omitted[path] = value.length - max;
    kept = value.slice(0, max);
  }
  const items = isObject(schema.items) ? schema.items : {};
  return kept.map((item, i) => fitNode(item, items, `${path}[${i}]`, omitted));
}

function fitObject(value: Json, schema: SchemaNode, path: string, omitted: OmittedCounts): Json {
  const properties = isObject(schema.properties) ? (schema.properties as Record<string, SchemaNode>) : {};
  const extra = isObject(schema.additionalProperties) ? schema.additionalProperties : {};
  const out: Json = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = fitNode(field, properties[key] ?? extra, path ? `${path}.${key}` : key, omitted);
  }
  return out;
}

function isObject(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
