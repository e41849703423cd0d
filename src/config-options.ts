/** One setting: its flag, its environment variable, its default (as text, parsed like user input) and help. */
export interface OptionSpec {
  /** Key in the raw settings handed to the schema. */
  key: string;
  /** Long flag without dashes; undefined for settings taken only from the environment (secrets). */
  flag?: string;
  env: string;
  default?: string;
  help: string;
}

/**
 * Every setting of `dash-keycloak-operator run`. Names marked in SPEC.md section 4 are
 * contracts (the Helm chart and users set them): --kubeconfig/KUBECONFIG, --keycloak-url/
 * KEYCLOAK_URL, the KEYCLOAK_* credentials, KEYCLOAK_AUTH_REALM, KEYCLOAK_CA_FILE,
 * --namespaces/WATCH_NAMESPACES, --metrics-port, --health-port, --leader-election-namespace,
 * --allowed-keycloak-urls/ALLOWED_KEYCLOAK_URLS, --allowed-smtp-hosts/ALLOWED_SMTP_HOSTS.
 * Credentials have no flag: flags show up in `ps`.
 */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'kubeconfig', flag: 'kubeconfig', env: 'KUBECONFIG', help: 'kubeconfig file; default: in-cluster, else ~/.kube/config' },
  { key: 'keycloakUrl', flag: 'keycloak-url', env: 'KEYCLOAK_URL', help: 'default Keycloak base URL (DashRealms without spec.keycloak use it)' },
  { key: 'keycloakClientId', env: 'KEYCLOAK_CLIENT_ID', help: 'client id for the client-credentials grant (preferred)' },
  { key: 'keycloakClientSecret', env: 'KEYCLOAK_CLIENT_SECRET', help: 'its secret' },
  { key: 'keycloakUsername', env: 'KEYCLOAK_USERNAME', help: 'admin user for the password grant (when no client id is set)' },
  { key: 'keycloakPassword', env: 'KEYCLOAK_PASSWORD', help: 'its password' },
  { key: 'keycloakAuthRealm', flag: 'keycloak-auth-realm', env: 'KEYCLOAK_AUTH_REALM', default: 'master', help: 'realm the admin credentials log in to' },
  { key: 'keycloakCaFile', flag: 'keycloak-ca-file', env: 'KEYCLOAK_CA_FILE', help: 'PEM CA bundle to trust for Keycloak' },
  { key: 'allowedKeycloakUrls', flag: 'allowed-keycloak-urls', env: 'ALLOWED_KEYCLOAK_URLS', default: '', help: 'comma-separated URL prefixes a DashRealm\'s spec.keycloak.url may use (https, or http to loopback); the default connection\'s URL is always allowed' },
  { key: 'allowedSmtpHosts', flag: 'allowed-smtp-hosts', env: 'ALLOWED_SMTP_HOSTS', default: '', help: 'comma-separated hostnames a DashRealm\'s spec.email.host may name; empty = any host' },
  { key: 'keycloakTimeout', flag: 'keycloak-timeout', env: 'KEYCLOAK_TIMEOUT', default: '10s', help: 'timeout of one Keycloak request' },
  { key: 'keycloakMaxConcurrency', flag: 'keycloak-max-concurrency', env: 'KEYCLOAK_MAX_CONCURRENCY', default: '8', help: 'requests in flight per Keycloak server' },
  { key: 'namespaces', flag: 'namespaces', env: 'WATCH_NAMESPACES', default: '', help: 'comma-separated namespaces to watch; empty = all' },
  { key: 'metricsPort', flag: 'metrics-port', env: 'METRICS_PORT', default: '8080', help: 'port of /metrics' },
  { key: 'healthPort', flag: 'health-port', env: 'HEALTH_PORT', default: '8081', help: 'port of /healthz and /readyz' },
  { key: 'bindAddress', flag: 'bind-address', env: 'BIND_ADDRESS', default: '', help: 'address the HTTP endpoints listen on; empty = all interfaces' },
  { key: 'concurrency', flag: 'concurrency', env: 'CONCURRENCY', default: '8', help: 'concurrent reconciles per kind (as many as requests in flight per Keycloak by default)' },
  { key: 'resyncPeriod', flag: 'resync-period', env: 'RESYNC_PERIOD', default: '10m', help: 'how often every object is reconciled without a change' },
  { key: 'driftPollInterval', flag: 'drift-poll-interval', env: 'DRIFT_POLL_INTERVAL', default: '2s', help: 'how often the admin events of each DashRealm with driftDetection AdminEvents are read (one request per realm)' },
  { key: 'dependencyWait', flag: 'dependency-wait', env: 'DEPENDENCY_WAIT', default: '5s', help: 'retry delay of an object waiting for another one' },
  { key: 'cleanupTimeout', flag: 'cleanup-timeout', env: 'CLEANUP_TIMEOUT', default: '5m', help: 'how long the cleanup of a DashRealm being deleted (and of what uses it) keeps trying an unreachable Keycloak or a missing credentials Secret before it lets go, leaving the Keycloak objects in place' },
  { key: 'shutdownTimeout', flag: 'shutdown-timeout', env: 'SHUTDOWN_TIMEOUT', default: '25s', help: 'how long SIGTERM waits for reconciles in flight' },
  { key: 'logLevel', flag: 'log-level', env: 'LOG_LEVEL', default: 'info', help: 'fatal, error, warn, info, debug or trace' },
  { key: 'leaderElect', flag: 'leader-elect', env: 'LEADER_ELECT', default: 'true', help: 'elect a leader through a Lease so that replicas can run' },
  { key: 'leaderElectionNamespace', flag: 'leader-election-namespace', env: 'LEADER_ELECTION_NAMESPACE', help: 'namespace of the Lease; default: POD_NAMESPACE, the in-cluster namespace, else default' },
  { key: 'leaderElectionId', flag: 'leader-election-id', env: 'LEADER_ELECTION_ID', default: 'dash-keycloak-operator', help: 'name of the Lease' },
  { key: 'leaseDuration', flag: 'leader-election-lease-duration', env: 'LEADER_ELECTION_LEASE_DURATION', default: '15s', help: 'how long a standby waits before taking over' },
  { key: 'renewDeadline', flag: 'leader-election-renew-deadline', env: 'LEADER_ELECTION_RENEW_DEADLINE', default: '10s', help: 'how long the leader retries renewing before it steps down' },
  { key: 'retryPeriod', flag: 'leader-election-retry-period', env: 'LEADER_ELECTION_RETRY_PERIOD', default: '2s', help: 'how often candidates try and the leader renews' },
];

/** A flag of `export` or `diff` (not a setting: no environment variable). */
export interface ToolFlag {
  flag: string;
  short?: string;
  multiple?: boolean;
  default?: string;
  help: string;
}

/** The `--help` text of `export` or `diff`: its own flags, then the connection settings it shares with `run`. */
export function toolUsage(command: 'export' | 'diff', flags: readonly ToolFlag[], connection: readonly OptionSpec[]): string {
  const summary = command === 'export'
    ? ['Usage: dash-keycloak-operator export --realm NAME [--namespace NS] [--client-id dash] [--output FILE|-] [--split DIR]', '',
      'Writes the manifests of a live Keycloak realm as multi-document YAML: a DashRealm, its',
      'DashGroups, DashUsers and DashRoleBindings, each annotated identity.dashops.dev/adopt: "true".',
      'Deterministic and sorted; never passwords. Progress goes to stderr.']
    : ['Usage: dash-keycloak-operator diff -f PATH [-f PATH...]', '',
      'Parses the manifests (files, directories, - for stdin) as admission does and plans them',
      'against the live Keycloak without writing anything. Prints what would be created, changed',
      '(field: old -> new) or deleted per object. Exit code: 0 no changes, 1 changes, 2 error.'];
  const rows = [
    ...flags.map((f) => `  ${f.short ? `-${f.short}, ` : ''}--${f.flag}\n      ${f.help}${f.default ? ` (default ${f.default})` : ''}`),
    ...connection.map((o) => `  ${o.flag ? `--${o.flag} / ${o.env}` : o.env}\n      ${o.help}${o.default ? ` (default ${o.default})` : ''}`),
  ];
  return [...summary, '', 'Flags / environment:', ...rows, '  --help\n      show this text'].join('\n');
}

/** The usage text of `--help`. */
export function usage(): string {
  const rows = OPTIONS.map((o) => {
    const name = o.flag ? `--${o.flag} / ${o.env}` : o.env;
    return `  ${name}\n      ${o.help}${o.default !== undefined && o.default !== '' ? ` (default ${o.default})` : ''}`;
  });
  return [
    'Usage: dash-keycloak-operator run [flags]',
    '       dash-keycloak-operator export --realm NAME [flags]   (see export --help)',
    '       dash-keycloak-operator diff -f PATH [flags]          (see diff --help)',
    '',
    'Reconciles DashRealm, DashGroup, DashUser and DashRoleBinding resources into Keycloak.',
    'Every flag can also be set through its environment variable; a flag wins. Durations are',
    'written like 500ms, 30s, 10m or 1h30m.',
    '',
    'Flags / environment:',
    ...rows,
    '  --help',
    '      show this text',
  ].join('\n');
}
