import { z } from 'zod';
import type { Kind } from './constants.js';
import { SCHEMAS } from './resources.js';

type SchemaNode = { [key: string]: unknown };
type Json = Record<string, unknown>;

/** What `fitStatus` left out, by field path: entries of lists, characters of texts. */
export interface Omitted {
  entries: Record<string, number>;
  characters: Record<string, number>;
}

// A text cut to its bound ends in this, so a reader sees it is not the whole value.
const ELLIPSIS = '…';
const SCHEMA_CACHE = new Map<Kind, SchemaNode>();

/** A status fitted to its CRD's bounds, and what was left out. */
export interface FittedStatus {
  status: Json;
  omitted: Omitted;
}

/**
 * Fits a status (or part of one) to its CRD's bounds so that the API server accepts it: a
 * list longer than its `maxItems` keeps its first entries (the reconciler's order: sorted, or
 * spec order), a text longer than its `maxLength` is cut and ends in `…`; `omitted` counts
 * what was left out by field path (e.g. `groups: 44`, `subjects[3].grants: 2`). Pure and
 * idempotent: a fitted status fits as is, with nothing omitted.
 */
export function fitStatus(kind: Kind, status: Json): FittedStatus {
  const omitted: Omitted = { entries: {}, characters: {} };
  const fitted = fitNode(status, statusSchema(kind), '', omitted) as Json;
  return { status: fitted, omitted };
}

/** One sentence naming what was left out, e.g. `groups: 44 entries; groups[0]: 131 characters`, sorted by path. */
export function describeOmitted(omitted: Omitted): string {
  const parts = [
    ...Object.entries(omitted.entries).map(([path, n]) => [path, `${path}: ${n} ${n === 1 ? 'entry' : 'entries'}`]),
    ...Object.entries(omitted.characters).map(([path, n]) => [path, `${path}: ${n} characters`]),
  ];
  return parts.sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0)).map(([, text]) => text).join('; ');
}

/** True when something was left out. */
export function anyOmitted(omitted: Omitted): boolean {
  return Object.keys(omitted.entries).length + Object.keys(omitted.characters).length > 0;
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

function fitNode(value: unknown, schema: SchemaNode, path: string, omitted: Omitted): unknown {
  if (typeof value === 'string') return fitText(value, schema, path, omitted);
  if (Array.isArray(value)) return fitList(value, schema, path, omitted);
  if (isObject(value)) return fitObject(value, schema, path, omitted);
  return value;
}

function fitText(value: string, schema: SchemaNode, path: string, omitted: Omitted): string {
  const max = schema.maxLength;
  if (typeof max !== 'number' || max < 1) return value;
  const length = textLength(value);
  if (length <= max) return value;
  omitted.characters[path] = length - (max - 1);
  return Array.from(value).slice(0, max - 1).join('') + ELLIPSIS;
}

function fitList(value: unknown[], schema: SchemaNode, path: string, omitted: Omitted): unknown[] {
  const max = schema.maxItems;
  let kept = value;
  if (typeof max === 'number' && value.length > max) {
    omitted.entries[path] = value.length - max;
    kept = value.slice(0, max);
  }
  const items = isObject(schema.items) ? schema.items : {};
  return kept.map((item, i) => fitNode(item, items, `${path}[${i}]`, omitted));
}

function fitObject(value: Json, schema: SchemaNode, path: string, omitted: Omitted): Json {
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
