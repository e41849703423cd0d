import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { OPTIONS, type OptionSpec } from './config-options.js';
import { insecureUrlReason } from './keycloak/url-policy.js';
import { podNamespace } from './kube/kubeconfig.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

/** The default Keycloak connection's credentials: client credentials (preferred) or an admin password. */
export type KeycloakCredentials = { clientId: string; clientSecret: string } | { username: string; password: string };

/** The validated configuration of `dash-keycloak-operator run`. */
export interface OperatorConfig {
  kubeconfig?: string;
  /** The default connection; absent when no KEYCLOAK_URL is set (every DashRealm then names its own). */
  keycloak?: { url: string; credentials: KeycloakCredentials; authRealm: string; caFile?: string; caBundle?: string };
  /** URL prefixes a DashRealm's `spec.keycloak.url` may use besides the default connection's URL. */
  allowedKeycloakUrls: string[];
  /** Hostnames (lowercase) a DashRealm's `spec.email.host` may name; empty: any host. */
  allowedSmtpHosts: string[];
  keycloakTimeoutMs: number;
  keycloakMaxConcurrency: number;
  /** Empty: all namespaces. */
  namespaces: string[];
  metricsPort: number;
  healthPort: number;
  bindAddress: string;
  concurrency: number;
  resyncPeriodMs: number;
  /** How often each followed realm's admin events are read (drift detection). */
  driftPollIntervalMs: number;
  dependencyWaitMs: number;
  shutdownTimeoutMs: number;
  /** How long the cleanup of a deleted DashRealm's objects waits for an unreachable Keycloak before letting go. */
  cleanupTimeoutMs: number;
  logLevel: LogLevel;
  leaderElection: { enabled: boolean; namespace: string; id: string; leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
}

/** A configuration the operator cannot start with; the message names the flag or variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What the command line asks for. */
export type Command = { command: 'help'; topic?: CommandName } | { command: 'run'; config: OperatorConfig };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const integer = (min: number, max: number) => z.string().trim().regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
  .transform(Number).pipe(z.number().min(min, `must be from ${min} to ${max}`).max(max, `must be from ${min} to ${max}`));
const duration = (minMs: number) => z.string().trim().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'must be a duration like 500ms, 30s, 10m or 1h30m' });
  else if (ms < minMs) ctx.addIssue({ code: 'custom', message: `must be at least ${minMs} ms` });
  return ms ?? 0;
});
const boolean = z.string().trim().toLowerCase().pipe(z.enum(['true', 'false', '1', '0'], 'must be true or false')).transform((v) => v === 'true' || v === '1');
const file = z.string().refine((f) => existsSync(f) && statSync(f).isFile(), 'must name a readable file');
const list = z.string().transform((v) => v.split(',').map((n) => n.trim()).filter((n) => n !== ''));
// Credentials go to these URLs: https, or plain http only to a loopback address.
const keycloakUrl = z.string().trim().superRefine((url, ctx) => {
  const reason = insecureUrlReason(url);
  if (reason) ctx.addIssue({ code: 'custom', message: reason });
});
const keycloakUrlList = list.pipe(z.array(z.string().superRefine((url, ctx) => {
  const reason = insecureUrlReason(url);
  if (reason) ctx.addIssue({ code: 'custom', message: `each URL prefix ${reason} (got ${JSON.stringify(url)})` });
})));
const hostList = list.pipe(z.array(z.string().toLowerCase().superRefine((host, ctx) => {
  if (!DNS_SUBDOMAIN.test(host) && isIP(host) === 0) ctx.addIssue({ code: 'custom', message: `each entry must be a hostname like smtp.example.com (got ${JSON.stringify(host)})` });
})));
const namespaceList = list.pipe(z.array(z.string().regex(DNS_LABEL, 'each namespace must be a DNS label (lowercase letters, digits, -)')));

// Raw text in, typed values out. Keys match OPTIONS.
const schema = z.object({
  kubeconfig: z.string().min(1).optional(),
  keycloakUrl: keycloakUrl.optional(),
  allowedKeycloakUrls: keycloakUrlList,
  allowedSmtpHosts: hostList,
  keycloakClientId: z.string().min(1).optional(),
  keycloakClientSecret: z.string().min(1).optional(),
  keycloakUsername: z.string().min(1).optional(),
  keycloakPassword: z.string().min(1).optional(),
  keycloakAuthRealm: z.string().min(1, 'must not be empty'),
  keycloakCaFile: file.optional(),
  keycloakTimeout: duration(100),
  keycloakMaxConcurrency: integer(1, 256),
  namespaces: namespaceList,
  metricsPort: integer(0, 65535),
  healthPort: integer(0, 65535),
  bindAddress: z.string().trim(),
  concurrency: integer(1, 100),
  resyncPeriod: duration(1000),
  driftPollInterval: duration(100),
  dependencyWait: duration(10),
  shutdownTimeout: duration(0),
  cleanupTimeout: duration(0),
  logLevel: z.string().trim().pipe(z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`)),
  leaderElect: boolean,
  leaderElectionNamespace: z.string().regex(DNS_LABEL, 'must be a namespace name').optional(),
  leaderElectionId: z.string().regex(DNS_SUBDOMAIN, 'must be a valid Lease name (DNS subdomain)'),
  leaseDuration: duration(1000),
  renewDeadline: duration(100),
  retryPeriod: duration(100),
});
/** The validated settings, by OPTIONS key. */
export type Parsed = z.output<typeof schema>;

/** The commands of the binary. */
export const COMMANDS = ['run', 'export', 'diff'] as const;
/** One command's name. */
export type CommandName = (typeof COMMANDS)[number];

/**
 * Reads flags (`argv` after the program name) and environment, validates them with zod and
 * returns the command (`run` or help; `export` and `diff` are read by tool-config.ts). Throws `ConfigError` naming the first bad flag or variable (as the
 * user wrote it: `--metrics-port` when given as a flag, `METRICS_PORT` when from the environment).
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Command {
  const { values, positionals } = parseFlags(argv);
  const topic = positionals[0] === 'run' ? 'run' : undefined;
  if (values.help) return topic ? { command: 'help', topic } : { command: 'help' };
  if (positionals.length === 0) throw new ConfigError(`missing command: dash-keycloak-operator ${COMMANDS.join('|')} [flags] (see --help)`);
  if (positionals[0] !== 'run' || positionals.length > 1) throw new ConfigError(`unknown command "${positionals.join(' ')}": the commands are ${COMMANDS.join(', ')}`);
  const parsed = parseSettings(OPTIONS, values, env);
  return { command: 'run', config: toConfig(parsed.data, parsed.source, env) };
}

/**
 * Validates the settings of `options` from flag values and the environment (a flag wins,
 * then the variable, then the default). Throws `ConfigError` naming the flag or variable.
 */
export function parseSettings(options: readonly OptionSpec[], values: Record<string, unknown>, env: NodeJS.ProcessEnv): { data: Parsed; source: Record<string, string> } {
  const raw: Record<string, string | undefined> = {};
  const source: Record<string, string> = {};
  for (const o of OPTIONS) {
    const used = options.includes(o);
    const flagValue = used && o.flag ? (values[o.flag] as string | undefined) : undefined;
    const envValue = env[o.env];
    raw[o.key] = flagValue ?? (used && envValue !== undefined && envValue !== '' ? envValue : o.default);
    source[o.key] = flagValue !== undefined ? `--${o.flag}` : envValue ? o.env : name(o);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue.path[0]);
    // Settings without a flag are the credentials: never echo them.
    const shown = OPTIONS.find((o) => o.key === key)?.flag ? ` (got ${JSON.stringify(raw[key] ?? '')})` : '';
    throw new ConfigError(`${source[key] ?? key}: ${issue.message}${shown}`);
  }
  return { data: result.data, source };
}

function toConfig(p: Parsed, source: Record<string, string>, env: NodeJS.ProcessEnv): OperatorConfig {
  if (p.renewDeadline >= p.leaseDuration) throw new ConfigError(`${source.renewDeadline}: must be shorter than ${source.leaseDuration}`);
  if (p.retryPeriod * 1.2 >= p.renewDeadline) throw new ConfigError(`${source.retryPeriod}: must be shorter than ${source.renewDeadline} / 1.2`);
  return {
    kubeconfig: p.kubeconfig,
    keycloak: keycloakConnection(p),
    allowedKeycloakUrls: p.allowedKeycloakUrls,
    allowedSmtpHosts: p.allowedSmtpHosts,
    keycloakTimeoutMs: p.keycloakTimeout,
    keycloakMaxConcurrency: p.keycloakMaxConcurrency,
    namespaces: p.namespaces,
    metricsPort: p.metricsPort,
    healthPort: p.healthPort,
    bindAddress: p.bindAddress,
    concurrency: p.concurrency,
    resyncPeriodMs: p.resyncPeriod,
    driftPollIntervalMs: p.driftPollInterval,
    dependencyWaitMs: p.dependencyWait,
    shutdownTimeoutMs: p.shutdownTimeout,
    cleanupTimeoutMs: p.cleanupTimeout,
    logLevel: p.logLevel,
    leaderElection: {
      enabled: p.leaderElect,
      namespace: p.leaderElectionNamespace ?? podNamespace(env) ?? 'default',
      id: p.leaderElectionId,
      leaseDurationMs: p.leaseDuration,
      renewDeadlineMs: p.renewDeadline,
      retryPeriodMs: p.retryPeriod,
    },
  };
}

/** The default Keycloak connection from parsed settings; a pair is all or nothing, client credentials win when both pairs are complete. */
export function keycloakConnection(p: Parsed): OperatorConfig['keycloak'] {
  const pairs = [['keycloakClientId', 'keycloakClientSecret', 'KEYCLOAK_CLIENT_ID', 'KEYCLOAK_CLIENT_SECRET'], ['keycloakUsername', 'keycloakPassword', 'KEYCLOAK_USERNAME', 'KEYCLOAK_PASSWORD']] as const;
  for (const [a, b, envA, envB] of pairs) {
    if ((p[a] === undefined) !== (p[b] === undefined)) throw new ConfigError(`${p[a] === undefined ? envA : envB}: must be set together with ${p[a] === undefined ? envB : envA}`);
  }
  const hasCredentials = p.keycloakClientId !== undefined || p.keycloakUsername !== undefined;
  if (!p.keycloakUrl) {
    if (hasCredentials) throw new ConfigError('--keycloak-url / KEYCLOAK_URL: must be set when Keycloak credentials are');
    return undefined;
  }
  if (!hasCredentials) throw new ConfigError('KEYCLOAK_CLIENT_ID + KEYCLOAK_CLIENT_SECRET or KEYCLOAK_USERNAME + KEYCLOAK_PASSWORD: required with --keycloak-url / KEYCLOAK_URL');
  const credentials: KeycloakCredentials = p.keycloakClientId !== undefined && p.keycloakClientSecret !== undefined
    ? { clientId: p.keycloakClientId, clientSecret: p.keycloakClientSecret }
    : { username: p.keycloakUsername ?? '', password: p.keycloakPassword ?? '' };
  const caBundle = p.keycloakCaFile ? readFileSync(p.keycloakCaFile, 'utf8') : undefined;
  return { url: p.keycloakUrl.replace(/\/+$/, ''), credentials, authRealm: p.keycloakAuthRealm, caFile: p.keycloakCaFile, caBundle };
}

function parseFlags(argv: string[]) {
  const options = Object.fromEntries(OPTIONS.filter((o) => o.flag).map((o) => [o.flag as string, { type: 'string' as const }]));
  // Go-style: a bare `--leader-elect` means true; `--leader-elect=false` is the way to turn it off.
  const args = argv.map((a) => (a === '--leader-elect' ? '--leader-elect=true' : a));
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new ConfigError(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

function name(o: OptionSpec): string {
  return o.flag ? `--${o.flag} / ${o.env}` : o.env;
}

/** Parses a Go-style duration (`1h30m`, `500ms`); undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * DURATION_UNITS[unit];
  return Math.round(total);
}
