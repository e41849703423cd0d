import { parseArgs } from 'node:util';
import { ConfigError, keycloakConnection, loadConfig, parseSettings, type Command, type OperatorConfig } from './config.js';
import { OPTIONS, toolUsage, type ToolFlag } from './config-options.js';

/** The Keycloak connection `export` and `diff` use: `run`'s default connection, required here. */
export interface ToolConnection {
  keycloak: NonNullable<OperatorConfig['keycloak']>;
  keycloakTimeoutMs: number;
  keycloakMaxConcurrency: number;
}

/** The validated configuration of `dash-keycloak-operator export`. */
export interface ExportConfig extends ToolConnection {
  realm: string;
  /** metadata.namespace of every object; unset: none (kubectl apply -n decides). */
  namespace?: string;
  clientId: string;
  /** A file, or `-` for stdout. */
  output: string;
  /** A directory to write one file per kind into, instead of `output`. */
  split?: string;
}

/** The validated configuration of `dash-keycloak-operator diff`. */
export interface DiffConfig extends ToolConnection {
  /** Files, directories, or `-` (stdin), in the order given. */
  files: string[];
}

/** Every command of the binary, with its configuration. */
export type AnyCommand = Command | { command: 'export'; config: ExportConfig } | { command: 'diff'; config: DiffConfig };

/** The settings of `run` that `export` and `diff` share: the default Keycloak connection. */
export const CONNECTION_KEYS = [
  'keycloakUrl', 'keycloakClientId', 'keycloakClientSecret', 'keycloakUsername', 'keycloakPassword', 'keycloakAuthRealm', 'keycloakCaFile',
  'keycloakTimeout', 'keycloakMaxConcurrency',
] as const;
const CONNECTION_OPTIONS = OPTIONS.filter((o) => (CONNECTION_KEYS as readonly string[]).includes(o.key));

/** The flags of `export` besides the connection's. */
export const EXPORT_FLAGS: readonly ToolFlag[] = [
  { flag: 'realm', help: 'the Keycloak realm to export (required)' },
  { flag: 'namespace', help: 'metadata.namespace of every object; default: none (kubectl apply -n decides)' },
  { flag: 'client-id', help: "the realm's Dash client, whose client roles become DashRoleBindings", default: 'dash' },
  { flag: 'output', help: 'file to write, or - for stdout', default: '-' },
  { flag: 'split', help: 'directory to write one file per kind into (realm.yaml, groups.yaml, users.yaml, rolebindings.yaml) instead of --output' },
];

/** The flags of `diff` besides the connection's. */
export const DIFF_FLAGS: readonly ToolFlag[] = [
  { flag: 'filename', short: 'f', multiple: true, help: 'a manifest file, a directory of them (*.yaml, *.yml, *.json), or - for stdin; repeatable (required)' },
];

const REALM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Reads `argv` (after the program name) for any command: `export` and `diff` here, `run` and
 * help through `loadConfig`. Throws `ConfigError` naming the flag or variable at fault.
 */
export function loadCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): AnyCommand {
  // The command comes first: `export --realm export` names a realm called export.
  const first = argv[0];
  if (first !== 'export' && first !== 'diff') return loadConfig(argv, env);
  const flags = first === 'export' ? EXPORT_FLAGS : DIFF_FLAGS;
  const { values, positionals } = parseToolFlags(first, argv.slice(1), flags);
  if (values.help) return { command: 'help', topic: first };
  if (positionals.length > 0) throw new ConfigError(`${first}: unexpected argument "${positionals[0]}" (see dash-keycloak-operator ${first} --help)`);
  const connection = toolConnection(first, values, env);
  return first === 'export' ? { command: 'export', config: exportConfig(values, connection) } : { command: 'diff', config: diffConfig(values, connection) };
}

function exportConfig(values: Record<string, unknown>, connection: ToolConnection): ExportConfig {
  const realm = values.realm as string | undefined;
  if (!realm) throw new ConfigError('export: --realm is required, e.g. --realm dash');
  if (!REALM_NAME.test(realm)) throw new ConfigError(`--realm: must be a realm name: letters, digits, ".", "_" and "-" (got ${JSON.stringify(realm)})`);
  const namespace = values.namespace as string | undefined;
  if (namespace !== undefined && !DNS_LABEL.test(namespace)) throw new ConfigError(`--namespace: must be a namespace name (DNS label) (got ${JSON.stringify(namespace)})`);
  const clientId = (values['client-id'] as string | undefined) ?? 'dash';
  if (clientId === '') throw new ConfigError('--client-id: must not be empty');
  const split = values.split as string | undefined;
  if (split !== undefined && values.output !== undefined) throw new ConfigError('--split and --output are exclusive: --split writes one file per kind into a directory');
  if (split === '') throw new ConfigError('--split: must name a directory');
  const output = (values.output as string | undefined) ?? '-';
  if (output === '') throw new ConfigError('--output: must name a file, or - for stdout');
  return { ...connection, realm, namespace, clientId, output, split };
}

function diffConfig(values: Record<string, unknown>, connection: ToolConnection): DiffConfig {
  const files = (values.filename as string[] | undefined) ?? [];
  if (files.length === 0) throw new ConfigError('diff: -f/--filename is required: a manifest file, a directory, or - for stdin');
  if (files.filter((f) => f === '-').length > 1) throw new ConfigError('-f -: stdin can be read once');
  return { ...connection, files };
}

function toolConnection(command: string, values: Record<string, unknown>, env: NodeJS.ProcessEnv): ToolConnection {
  const { data } = parseSettings(CONNECTION_OPTIONS, values, env);
  const keycloak = keycloakConnection(data);
  if (!keycloak) throw new ConfigError(`${command}: --keycloak-url / KEYCLOAK_URL is required, with KEYCLOAK_CLIENT_ID + KEYCLOAK_CLIENT_SECRET or KEYCLOAK_USERNAME + KEYCLOAK_PASSWORD`);
  return { keycloak, keycloakTimeoutMs: data.keycloakTimeout, keycloakMaxConcurrency: data.keycloakMaxConcurrency };
}

function parseToolFlags(command: string, argv: string[], flags: readonly ToolFlag[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const o of CONNECTION_OPTIONS) if (o.flag) options[o.flag] = { type: 'string' };
  for (const f of flags) options[f.flag] = { type: 'string', ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (cause) {
    // Node's own advice (about `--` and positionals) would only confuse here: its first sentence names the flag.
    const message = String((cause as { message?: unknown }).message ?? cause).split('. ')[0];
    throw new ConfigError(`${command}: ${message} (see dash-keycloak-operator ${command} --help)`, { cause });
  }
}

/** The `--help` text of a command. */
export function commandUsage(command: 'export' | 'diff'): string {
  return toolUsage(command, command === 'export' ? EXPORT_FLAGS : DIFF_FLAGS, CONNECTION_OPTIONS);
}
