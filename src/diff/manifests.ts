import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { API_GROUP_VERSION, DNS_SUBDOMAIN_PATTERN, KIND_NAMES, parseSpec, type Kind, type SpecOf } from '../api/index.js';

/** One Dash object read from a manifest, its spec parsed as admission does (defaults applied). */
export type ManifestObject = {
  [K in Kind]: { kind: K; name: string; namespace: string; annotations: Record<string, string>; spec: SpecOf[K]; source: string };
}[Kind];

/** Manifests that cannot be compared; the message names each file, object and field at fault. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;
// Bounds what one run reads: a diff is for a repository's manifests, not for arbitrary data.
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/**
 * Reads every Dash object in `paths` (files; directories: their *.yaml, *.yml and *.json files,
 * not recursively, sorted; `-`: `stdin()`). Every document must be a DashRealm, DashGroup,
 * DashUser or DashRoleBinding of identity.dashops.dev/v1alpha1 with a valid name and spec;
 * anything else is refused (Secrets included: diff reads no Secret, from a file or a cluster).
 * Throws one ManifestError listing every problem; `namespace` stands in for a missing one.
 */
export function readManifests(paths: readonly string[], stdin: () => string, namespace = 'default'): ManifestObject[] {
  const problems: string[] = [];
  const objects: ManifestObject[] = [];
  for (const { source, text } of paths.flatMap((p) => manifestTexts(p, stdin, problems))) {
    const docs = parseAllDocuments(text, { uniqueKeys: true });
    const list = Array.isArray(docs) ? docs : [docs];
    list.forEach((doc, index) => {
      const where = `${source}: document ${index + 1}`;
      if (doc.errors.length > 0) {
        problems.push(`${where}: not YAML: ${doc.errors[0]?.message.split('\n')[0]}`);
        return;
      }
      // A bounded alias count: a billion-laughs document fails instead of eating memory.
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (err) {
        problems.push(`${where}: not YAML: ${(err as Error).message}`);
        return;
      }
      if (value === null || value === undefined) return;
      const parsed = toObject(value, where, namespace);
      if (typeof parsed === 'string') problems.push(parsed);
      else objects.push(parsed);
    });
  }
  problems.push(...duplicates(objects));
  if (problems.length > 0) throw new ManifestError(problems.join('\n'));
  return objects;
}

function manifestTexts(path: string, stdin: () => string, problems: string[]): { source: string; text: string }[] {
  if (path === '-') return [{ source: '<stdin>', text: stdin() }];
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => MANIFEST_FILE.test(f)).sort().map((f) => join(path, f)) : [path];
  } catch {
    problems.push(`${path}: no such file or directory`);
    return [];
  }
  return files.flatMap((file) => {
    try {
      if (statSync(file).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
      return [{ source: file, text: readFileSync(file, 'utf8') }];
    } catch (err) {
      problems.push(`${file}: cannot be read: ${(err as Error).message}`);
      return [];
    }
  });
}

function toObject(value: unknown, where: string, defaultNamespace: string): ManifestObject | string {
  if (typeof value !== 'object' || Array.isArray(value) || value === null) return `${where}: not a Kubernetes object`;
  const o = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; annotations?: unknown } };
  const kind = String(o.kind);
  if (!(KIND_NAMES as readonly string[]).includes(kind) || o.apiVersion !== API_GROUP_VERSION) {
    return `${where}: ${JSON.stringify(o.apiVersion ?? null)} ${JSON.stringify(o.kind ?? null)} is not a Dash kind: diff compares ${KIND_NAMES.join(', ')} of ${API_GROUP_VERSION} only (it reads no Secret or other object)`;
  }
  const name = o.metadata?.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN_PATTERN.test(name)) return `${where}: ${kind}: metadata.name: must be a Kubernetes object name`;
  const namespace = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : defaultNamespace;
  const parsed = parseSpec(kind as Kind, value);
  if (!parsed.ok) return `${where}: ${kind} ${name}: ${parsed.message}`;
  const annotations = isStringMap(o.metadata?.annotations) ? o.metadata.annotations : {};
  return { kind, name, namespace, annotations, spec: parsed.spec, source: where } as ManifestObject;
}

function duplicates(objects: readonly ManifestObject[]): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const o of objects) {
    const key = `${o.kind} ${o.namespace}/${o.name}`;
    const first = seen.get(key);
    if (first) out.push(`${o.source}: ${key} is also defined at ${first}`);
    else seen.set(key, o.source);
  }
  return out;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
