import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_NAMES } from '../api/index.js';
import { createKeycloakConnection } from '../keycloak/index.js';
import type { ExportConfig } from '../tool-config.js';
import { buildRealmExport } from './build.js';
import { readRealmSnapshot } from './read.js';
import { SPLIT_FILES, toYaml } from './serialize.js';

// The manifests hold personal data (names, e-mail addresses): readable by the owner only.
const PRIVATE = { mode: 0o600 } as const;

/** Where a command writes: data to `stdout`, progress and warnings to `stderr`. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * `dash-keycloak-operator export`: reads the realm (reads only, no write is ever sent), builds
 * and validates the manifests, writes them to `--output` or, with `--split`, one file per kind.
 * Returns the exit code: 0 written, 2 the realm does not exist. Keycloak errors propagate.
 */
export async function runExport(config: ExportConfig, io: CommandIo): Promise<number> {
  const kc = createKeycloakConnection({
    url: config.keycloak.url, authRealm: config.keycloak.authRealm, credentials: config.keycloak.credentials,
    caBundle: config.keycloak.caBundle, timeoutMs: config.keycloakTimeoutMs, maxConcurrency: config.keycloakMaxConcurrency,
  });
  try {
    const progress = (line: string) => io.stderr(`export: ${line}\n`);
    progress(`reading realm ${config.realm} from ${kc.url}`);
    const snapshot = await readRealmSnapshot(kc, config.realm, config.clientId, progress);
    if (!snapshot) {
      io.stderr(`export: --realm: realm ${JSON.stringify(config.realm)} does not exist in ${kc.url}\n`);
      return 2;
    }
    const { objects, warnings } = buildRealmExport(snapshot, config.namespace);
    for (const warning of warnings) io.stderr(`export: warning: ${warning}\n`);
    const header = `Exported from Keycloak realm ${config.realm} by dash-keycloak-operator export. Every object carries identity.dashops.dev/adopt: "true".`;
    if (config.split) {
      mkdirSync(config.split, { recursive: true });
      for (const kind of KIND_NAMES) {
        const ofKind = objects.filter((o) => o.kind === kind);
        if (ofKind.length > 0) writeFileSync(join(config.split, SPLIT_FILES[kind]), toYaml(ofKind, header), PRIVATE);
      }
    } else if (config.output === '-') {
      io.stdout(toYaml(objects, header));
    } else {
      writeFileSync(config.output, toYaml(objects, header), PRIVATE);
    }
    const counts = KIND_NAMES.map((kind) => `${objects.filter((o) => o.kind === kind).length} ${kind}`).join(', ');
    progress(`wrote ${counts}${config.split ? ` to ${config.split}` : config.output === '-' ? '' : ` to ${config.output}`}`);
    return 0;
  } finally {
    await kc.close();
  }
}
