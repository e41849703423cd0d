import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { KIND_NAMES } from '../api/index.js';
import type { CommandIo } from '../export/command.js';
import { byCodePoint } from '../export/names.js';
import { createKeycloakConnection } from '../keycloak/index.js';
import type { DiffConfig } from '../tool-config.js';
import { DiffContext, readOnlyPort, type ObjectDiff } from './context.js';
import { diffBinding } from './diff-binding.js';
import { diffGroup, diffUser } from './diff-members.js';
import { diffRealm } from './diff-realm.js';
import { ManifestError, readManifests, type ManifestObject } from './manifests.js';

/** Exit codes of `diff`, as `kubectl diff` has them. */
export const DIFF_EXIT = { noChanges: 0, changes: 1, error: 2 } as const;

const MARK: Record<ObjectDiff['action'], string> = { create: '+', change: '~', none: ' ', refused: '!' };
const VERB: Record<ObjectDiff['action'], string> = { create: 'would be created', change: 'would change', none: 'unchanged', refused: 'would be refused (nothing written)' };

/**
 * `dash-keycloak-operator diff`: parses the manifests as admission does, plans each object
 * against the live Keycloak with the controllers' own plan functions through a port that can
 * only read, and prints what would be created, changed or refused. Exit 0: no changes; 1:
 * changes (or refusals); 2: manifests or Keycloak could not be read.
 */
export async function runDiff(config: DiffConfig, io: CommandIo, stdin: () => string = () => readFileSync(0, 'utf8')): Promise<number> {
  let objects: ManifestObject[];
  try {
    objects = readManifests(config.files, stdin);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    io.stderr(`diff: the manifests cannot be compared:\n${err.message.split('\n').map((l) => `  ${l}`).join('\n')}\n`);
    return DIFF_EXIT.error;
  }
  const connection = createKeycloakConnection({
    url: config.keycloak.url, authRealm: config.keycloak.authRealm, credentials: config.keycloak.credentials,
    caBundle: config.keycloak.caBundle, timeoutMs: config.keycloakTimeoutMs, maxConcurrency: config.keycloakMaxConcurrency,
  });
  try {
    const ctx = new DiffContext(readOnlyPort(connection), objects);
    const limit = pLimit(config.keycloakMaxConcurrency);
    const diffs = await Promise.all(sorted(objects).map((o) => limit(() => diffObject(ctx, o))));
    io.stdout(format(diffs));
    return diffs.some((d) => d.action !== 'none') ? DIFF_EXIT.changes : DIFF_EXIT.noChanges;
  } catch (err) {
    io.stderr(`diff: ${err instanceof Error ? err.message : String(err)}\n`);
    return DIFF_EXIT.error;
  } finally {
    await connection.close();
  }
}

function diffObject(ctx: DiffContext, o: ManifestObject): Promise<ObjectDiff> {
  switch (o.kind) {
    case 'DashRealm': return diffRealm(ctx.kc, o);
    case 'DashGroup': return diffGroup(ctx, o);
    case 'DashUser': return diffUser(ctx, o);
    case 'DashRoleBinding': return diffBinding(ctx, o);
  }
}

function sorted(objects: readonly ManifestObject[]): ManifestObject[] {
  const key = (o: ManifestObject) => `${KIND_NAMES.indexOf(o.kind)}\n${o.namespace}\n${o.name}`;
  return [...objects].sort((a, b) => byCodePoint(key(a), key(b)));
}

/** kubectl-diff-like text: one header per object that differs, its lines indented; a summary last. */
export function format(diffs: readonly ObjectDiff[]): string {
  const out: string[] = [];
  for (const d of diffs) {
    const notes = d.notes ?? [];
    if (d.action === 'none' && d.notCompared.length === 0 && notes.length === 0) continue;
    out.push(`${MARK[d.action]} ${d.kind} ${d.namespace}/${d.name} (${d.target}): ${VERB[d.action]}`);
    out.push(...d.lines.map((l) => `    ${l}`), ...d.notCompared.map((l) => `    not compared: ${l}`), ...notes.map((l) => `    note: ${l}`));
  }
  const count = (action: ObjectDiff['action']) => diffs.filter((d) => d.action === action).length;
  out.push(`${count('create')} to create, ${count('change')} to change, ${count('refused')} refused, ${count('none')} unchanged`);
  return `${out.join('\n')}\n`;
}
