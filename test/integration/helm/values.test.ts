import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, uniqueName } from '../../env/test-env.js';
import { chartDir, createNamespace, helm, install, template } from './chart.js';

/** Values that values.schema.json must refuse, with the words the error has to contain. */
const invalid: [string, object, string[]][] = [
  ['replicaCount 0', { replicaCount: 0 }, ['/replicaCount', 'minimum']],
  ['replicaCount not an integer', { replicaCount: 1.5 }, ['/replicaCount', 'got number, want integer']],
  ['replicaCount as a string', { replicaCount: 'two' }, ['/replicaCount', 'want integer']],
  ['a Keycloak URL that is no URL', { keycloak: { url: 'keycloak.example.com', credentialsSecret: { name: 'kc' } } }, ['/keycloak/url', 'does not match pattern']],
  ['a Keycloak URL with another scheme', { keycloak: { url: 'ftp://keycloak.example.com', credentialsSecret: { name: 'kc' } } }, ['/keycloak/url']],
  ['a Keycloak URL over plain http to another host than loopback', { keycloak: { url: 'http://keycloak.keycloak.svc:8080', credentialsSecret: { name: 'kc' } } }, ['/keycloak/url', 'does not match pattern']],
  ['a Keycloak URL without a credentials Secret', { keycloak: { url: 'https://keycloak.example.com' } }, ['/keycloak/credentialsSecret/name', 'minLength']],
  ['an unknown log level', { logLevel: 'verbose' }, ['/logLevel', "'trace', 'debug', 'info', 'warn', 'error', 'fatal'"]],
  ['a watched namespace that is no DNS-1123 label', { watchNamespaces: ['Team_A'] }, ['/watchNamespaces/0', 'does not match pattern']],
  ['a watched namespace given twice', { watchNamespaces: ['a', 'a'] }, ['/watchNamespaces', 'are equal']],
  ['watchNamespaces as a string', { watchNamespaces: 'a,b' }, ['/watchNamespaces', 'want array']],
  ['a CA bundle from both a ConfigMap and a Secret', { keycloak: { caBundle: { configMapRef: { name: 'ca' }, secretRef: { name: 'ca' } } } }, ['/keycloak/caBundle', 'maxProperties']],
  ['a CA bundle reference without a name', { keycloak: { caBundle: { configMapRef: { key: 'ca.crt' } } } }, ['/keycloak/caBundle/configMapRef', "missing property 'name'"]],
  ['several replicas without leader election', { leaderElection: { enabled: false } }, ['/leaderElection/enabled', 'must be true']],
  ['a misspelt top-level key', { replicas: 3 }, ["additional properties 'replicas' not allowed"]],
  ['a port out of range', { metrics: { port: 80800 } }, ['/metrics/port', 'maximum']],
  ['an image digest that is no sha256', { image: { digest: 'latest' } }, ['/image/digest']],
  ['an allowed Keycloak URL prefix with another scheme', { keycloak: { allowedUrls: ['ftp://x'] } }, ['/keycloak/allowedUrls/0', 'does not match pattern']],
  ['an allowed Keycloak URL prefix over plain http to another host than loopback', { keycloak: { allowedUrls: ['http://keycloak.attacker.example'] } }, ['/keycloak/allowedUrls/0', 'does not match pattern']],
  ['an allowed Keycloak URL prefix with user info', { keycloak: { allowedUrls: ['https://admin:pw@keycloak.example.com'] } }, ['/keycloak/allowedUrls/0', 'does not match pattern']],
  ['an allowed Keycloak URL prefix without a host', { keycloak: { allowedUrls: ['https://'] } }, ['/keycloak/allowedUrls/0', 'does not match pattern']],
  ['two allowed Keycloak URL prefixes in one string', { keycloak: { allowedUrls: ['https://a.example.com/,https://b.example.com/'] } }, ['/keycloak/allowedUrls/0', 'does not match pattern']],
  ['allowed Keycloak URLs as a string', { keycloak: { allowedUrls: 'https://a.example.com/' } }, ['/keycloak/allowedUrls', 'want array']],
  ['an allowed SMTP host with a port', { email: { allowedHosts: ['smtp.example.com:25'] } }, ['/email/allowedHosts/0', 'does not match pattern']],
  ['an allowed SMTP host with a scheme', { email: { allowedHosts: ['smtp://smtp.example.com'] } }, ['/email/allowedHosts/0', 'does not match pattern']],
  ['an allowed SMTP host that is no string', { email: { allowedHosts: [25] } }, ['/email/allowedHosts/0', 'want string']],
  ['a misspelt email key', { email: { allowedHost: ['smtp.example.com'] } }, ["additional properties 'allowedHost' not allowed"]],
  ['aggregateToDefaultRoles as a string', { rbac: { aggregateToDefaultRoles: 'yes' } }, ['/rbac/aggregateToDefaultRoles', 'want boolean']],
];

describe('the Helm chart and its values schema', () => {
  it('lints clean, also with --strict and in namespaced mode', () => {
    for (const args of [[], ['--strict'], ['--strict', '--set', 'watchNamespaces={a,b}', '--set', 'keycloak.url=https://kc.example.com', '--set', 'keycloak.credentialsSecret.name=kc']]) {
      const r = helm('lint', chartDir, ...args);
      expect({ code: r.code, problems: r.stdout.split('\n').filter((l) => /\[(WARNING|ERROR)\]/.test(l)) }).toEqual({ code: 0, problems: [] });
    }
  });

  it('carries the CRDs of crds/ byte for byte', () => {
    const read = (dir: string) => readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
    expect(read(join(chartDir, 'crds'))).toEqual(read(join(repoRoot, 'crds')));
  });

  it('renders with its default values and with a full set of valid values', () => {
    expect(template().code).toBe(0);
    const full = {
      replicaCount: 3, watchNamespaces: ['team-a', 'team-b'], logLevel: 'debug',
      keycloak: {
        url: 'https://auth-dash.example.com/auth', authRealm: 'master', credentialsSecret: { name: 'kc', keys: { clientId: 'id', clientSecret: 'secret' } }, caBundle: { secretRef: { name: 'ca', key: 'bundle.pem' } },
        allowedUrls: ['https://auth-team-a.example.com/', 'http://127.0.0.1:8080'],
      },
      email: { allowedHosts: ['smtp.example.com', '10.0.0.25'] },
      rbac: { create: true, createUserRoles: true, aggregateToDefaultRoles: true },
      leaderElection: { enabled: true, namespace: 'leases' }, serviceMonitor: { enabled: true, interval: '15s', labels: { release: 'prom' } },
      image: { digest: `sha256:${'a'.repeat(64)}` }, extraArgs: ['--some-flag=1'], extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=256' }],
    };
    const r = template(full);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.each(invalid)('refuses %s, naming the value', (_what, values, words) => {
    const r = template(values);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("values don't meet the specifications of the schema");
    for (const word of words) expect(r.stderr).toContain(word);
  });

  it('fails helm install on invalid values before creating anything', () => {
    const namespace = uniqueName('helm-bad');
    createNamespace(namespace);
    const r = install('dko', namespace, { replicaCount: 0, logLevel: 'loud' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('/replicaCount');
    expect(r.stderr).toContain('/logLevel');
    expect(helm('list', '--namespace', namespace, '--all', '--short').stdout.trim()).toBe('');
  });
});
