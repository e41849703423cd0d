import { z } from 'zod';

/** A JSON schema node as the CRD's openAPIV3Schema holds it. */
export type SchemaNode = { [key: string]: unknown };

// zod writes these bounds for a plain z.int(); Kubernetes integers are int64 anyway.
const SAFE_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);
const FORBIDDEN = ['$ref', 'anyOf', 'oneOf', 'allOf', 'not', '$defs', 'definitions'] as const;
const DROPPED = ['$schema', 'propertyNames', 'id', '$id'] as const;

/**
 * Converts a zod schema to a Kubernetes structural schema: zod's OpenAPI 3.0 output (input
 * side, so defaulted fields are optional and carry `default`) with what the API server
 * refuses removed, and a loud error for what cannot be structural (unions, references,
 * untyped nodes), naming the path of the offending node.
 */
export function toStructuralSchema(schema: z.ZodType): SchemaNode {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'throw' }) as SchemaNode;
  return structural(json, '');
}

function structural(node: SchemaNode, path: string): SchemaNode {
  for (const key of FORBIDDEN) {
    if (key in node) throw new Error(`${path || '<root>'}: ${key} is not structural; model it as one object with optional fields and a CEL rule`);
  }
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if ((DROPPED as readonly string[]).includes(key)) continue;
    if ((key === 'minimum' || key === 'maximum') && SAFE_BOUNDS.has(value as number)) continue;
    out[key] = value;
  }
  if (out.additionalProperties === false) delete out.additionalProperties;
  const extra = out.additionalProperties;
  if (extra === true || (isNode(extra) && Object.keys(extra).length === 0)) {
    delete out.additionalProperties;
    out['x-kubernetes-preserve-unknown-fields'] = true;
  } else if (isNode(extra)) {
    out.additionalProperties = structural(extra, `${path}.*`);
  }
  if (isNode(out.properties)) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, structural(v as SchemaNode, `${path}.${k}`)]));
  }
  if (isNode(out.items)) out.items = structural(out.items, `${path}[]`);
  if (typeof out.type !== 'string' && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    throw new Error(`${path || '<root>'}: a node without a type is not structural`);
  }
  return out;
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
