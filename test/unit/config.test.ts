import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, parseDuration, type OperatorConfig } from '../../src/config.js';
import { usage } from '../../src/config-options.js';

function run(argv: string[], env: Record<string, string> = {}): OperatorConfig {
  const command = loadConfig(['run', ...argv], env);
  if (command.command !== 'run') throw new Error('expected run');
  return command.config;
}
function refusal(argv: string[], env: Record<string, string> = {}): string {
  try {
    run(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults (SPEC section 4)', () => {
  it('metrics on 8080, probes on 8081, all namespaces, leader election on with client-go timings, resync 10 min', () => {
    expect(run([])).toMatchObject({
      metricsPort: 8080, healthPort: 8081, namespaces: [], resyncPeriodMs: 600_000, logLevel: 'info', keycloak: undefined,
      leaderElection: { enabled: true, namespace: 'default', id: 'dash-keycloak-operator', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
    });
  });

  it('the lease lives in the pod namespace when POD_NAMESPACE is set', () => {
    expect(run([], { POD_NAMESPACE: 'dash-system' }).leaderElection.namespace).toBe('dash-system');
  });
});

describe('--drift-poll-interval / DRIFT_POLL_INTERVAL', () => {
  it('defaults to 2 s; the flag wins over the environment', () => {
    expect(run([]).driftPollIntervalMs).toBe(2000);
    expect(run([], { DRIFT_POLL_INTERVAL: '5s' }).driftPollIntervalMs).toBe(5000);
    expect(run(['--drift-poll-interval=500ms'], { DRIFT_POLL_INTERVAL: '5s' }).driftPollIntervalMs).toBe(500);
  });

  it('refuses an interval under 100 ms, naming the flag', () => {
    expect(refusal(['--drift-poll-interval=10ms'])).toBe('--drift-poll-interval: must be at least 100 ms (got "10ms")');
  });
});

describe('flags and environment', () => {
  it('reads every contract name from the environment', () => {
    const config = run([], {
      KUBECONFIG: '/k', KEYCLOAK_URL: 'https://auth.example.com/', KEYCLOAK_CLIENT_ID: 'op', KEYCLOAK_CLIENT_SECRET: 's3cret',
      KEYCLOAK_AUTH_REALM: 'ops', WATCH_NAMESPACES: 'a, b', METRICS_PORT: '9090', HEALTH_PORT: '9091', LEADER_ELECTION_NAMESPACE: 'le',
    });
    expect(config).toMatchObject({
      kubeconfig: '/k', namespaces: ['a', 'b'], metricsPort: 9090, healthPort: 9091, leaderElection: { namespace: 'le' },
      keycloak: { url: 'https://auth.example.com', authRealm: 'ops', credentials: { clientId: 'op', clientSecret: 's3cret' } },
    });
  });

  it('lets a flag win over the environment', () => {
    expect(run(['--metrics-port=7070', '--namespaces', 'x'], { METRICS_PORT: '9090', WATCH_NAMESPACES: 'y' })).toMatchObject({ metricsPort: 7070, namespaces: ['x'] });
  });

  it('takes the password grant when no client id is set, and prefers client credentials when both are', () => {
    const env = { KEYCLOAK_URL: 'https://kc:8443', KEYCLOAK_USERNAME: 'admin', KEYCLOAK_PASSWORD: 'pw' };
    expect(run([], env).keycloak?.credentials).toEqual({ username: 'admin', password: 'pw' });
    expect(run([], { ...env, KEYCLOAK_CLIENT_ID: 'c', KEYCLOAK_CLIENT_SECRET: 's' }).keycloak?.credentials).toEqual({ clientId: 'c', clientSecret: 's' });
  });

  it('reads the CA bundle file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dko-'));
    writeFileSync(join(dir, 'ca.pem'), 'PEM');
    expect(run([`--keycloak-ca-file=${join(dir, 'ca.pem')}`], { KEYCLOAK_URL: 'https://kc', KEYCLOAK_CLIENT_ID: 'c', KEYCLOAK_CLIENT_SECRET: 's' }).keycloak?.caBundle).toBe('PEM');
  });

  it('reads the allow-lists: Keycloak URL prefixes as given, SMTP hosts lowercased; both empty by default', () => {
    expect(run([])).toMatchObject({ allowedKeycloakUrls: [], allowedSmtpHosts: [] });
    expect(run(['--allowed-keycloak-urls=https://a.example.com, http://127.0.0.1:8080/kc'], { ALLOWED_SMTP_HOSTS: 'SMTP.example.com, 10.0.0.5' })).toMatchObject({
      allowedKeycloakUrls: ['https://a.example.com', 'http://127.0.0.1:8080/kc'], allowedSmtpHosts: ['smtp.example.com', '10.0.0.5'],
    });
    expect(run([], { ALLOWED_KEYCLOAK_URLS: 'https://env.example.com' }).allowedKeycloakUrls).toEqual(['https://env.example.com']);
  });

  it('accepts plain http for the default connection only toward loopback', () => {
    const credentials = { KEYCLOAK_CLIENT_ID: 'c', KEYCLOAK_CLIENT_SECRET: 's' };
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'https://kc.example.com']) {
      expect(run([`--keycloak-url=${url}`], credentials).keycloak?.url).toBe(url);
    }
  });

  it('parses durations and switches', () => {
    expect(run(['--resync-period=1h30m', '--leader-elect=false', '--shutdown-timeout=500ms'])).toMatchObject({ resyncPeriodMs: 5_400_000, leaderElection: { enabled: false }, shutdownTimeoutMs: 500 });
    expect(run(['--leader-elect']).leaderElection.enabled).toBe(true);
    expect(parseDuration('2.5s')).toBe(2500);
    expect(parseDuration('10')).toBeUndefined();
  });
});

describe('a bad value stops the process with a message naming it', () => {
  it.each([
    [['--metrics-port=http'], {}, /^--metrics-port: must be a whole number/],
    [[], { HEALTH_PORT: '70000' }, /^HEALTH_PORT: must be from 0 to 65535/],
    [['--namespaces=Team_A'], {}, /^--namespaces: each namespace must be a DNS label/],
    [[], { RESYNC_PERIOD: '10' }, /^RESYNC_PERIOD: must be a duration/],
    [['--concurrency=0'], {}, /^--concurrency: must be from 1 to 100/],
    [['--log-level=loud'], {}, /^--log-level: must be one of/],
    [['--keycloak-url=ftp://kc'], {}, /^--keycloak-url: must be an http\(s\) URL/],
    [['--keycloak-url=https://kc'], {}, /KEYCLOAK_CLIENT_ID \+ KEYCLOAK_CLIENT_SECRET or KEYCLOAK_USERNAME \+ KEYCLOAK_PASSWORD: required/],
    [[], { KEYCLOAK_URL: 'https://kc', KEYCLOAK_CLIENT_ID: 'c' }, /^KEYCLOAK_CLIENT_SECRET: must be set together with KEYCLOAK_CLIENT_ID/],
    [[], { KEYCLOAK_CLIENT_ID: 'c', KEYCLOAK_CLIENT_SECRET: 's' }, /^--keycloak-url \/ KEYCLOAK_URL: must be set/],
    [['--keycloak-ca-file=/does/not/exist'], {}, /^--keycloak-ca-file: must name a readable file/],
    [['--leader-elect=maybe'], {}, /^--leader-elect: must be true or false/],
    [['--leader-election-renew-deadline=20s'], {}, /^--leader-election-renew-deadline: must be shorter than --leader-election-lease-duration/],
    [['--leader-election-id=Not_A_Name'], {}, /^--leader-election-id: must be a valid Lease name/],
    [['--no-such-flag'], {}, /Unknown option '--no-such-flag'/],
    [['--keycloak-url=http://kc.example.com'], {}, /^--keycloak-url: must use https \(plain http is allowed only to a loopback address\)/],
    [[], { KEYCLOAK_URL: 'http://10.0.0.1:8080' }, /^KEYCLOAK_URL: must use https/],
    [['--keycloak-url=https://kc.example.com?x=1'], {}, /^--keycloak-url: must not carry a query/],
    [['--allowed-keycloak-urls=https://a.example.com,ftp://b'], {}, /^--allowed-keycloak-urls: each URL prefix must be an http\(s\) URL \(got "ftp:\/\/b"\)/],
    [[], { ALLOWED_KEYCLOAK_URLS: 'http://kc.internal' }, /^ALLOWED_KEYCLOAK_URLS: each URL prefix must use https/],
    [['--allowed-keycloak-urls=kc.example.com'], {}, /^--allowed-keycloak-urls: each URL prefix must be an http\(s\) URL/],
    [['--allowed-smtp-hosts=smtp.example.com,smtp example'], {}, /^--allowed-smtp-hosts: each entry must be a hostname like smtp.example.com \(got "smtp example"\)/],
    [[], { ALLOWED_SMTP_HOSTS: 'smtp.example.com:587' }, /^ALLOWED_SMTP_HOSTS: each entry must be a hostname/],
  ] as const)('%j %j', (argv, env, message) => {
    expect(refusal([...argv], env)).toMatch(message);
  });

  it('never echoes a credential', () => {
    expect(refusal([], { KEYCLOAK_URL: 'https://kc', KEYCLOAK_PASSWORD: 'hunter2' })).not.toContain('hunter2');
  });
});

describe('the command line', () => {
  it('knows run and --help (also after run), and nothing else', () => {
    expect(loadConfig(['--help'], {})).toEqual({ command: 'help' });
    expect(loadConfig(['run', '--help'], {})).toEqual({ command: 'help', topic: 'run' });
    expect(() => loadConfig([], {})).toThrow('missing command');
    expect(() => loadConfig(['start'], {})).toThrow('unknown command "start"');
  });

  it('documents every flag and its variable', () => {
    for (const name of ['--kubeconfig / KUBECONFIG', '--keycloak-url / KEYCLOAK_URL', '--allowed-keycloak-urls / ALLOWED_KEYCLOAK_URLS', '--allowed-smtp-hosts / ALLOWED_SMTP_HOSTS', 'KEYCLOAK_CLIENT_SECRET', '--namespaces / WATCH_NAMESPACES', '--metrics-port', '--health-port', '--leader-election-namespace']) {
      expect(usage()).toContain(name);
    }
  });
});
