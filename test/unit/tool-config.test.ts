import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/config.js';
import { commandUsage, loadCommand } from '../../src/tool-config.js';

const connection = { KEYCLOAK_URL: 'https://auth.example.com', KEYCLOAK_CLIENT_ID: 'op', KEYCLOAK_CLIENT_SECRET: 's3cret' };

function refusal(argv: string[], env: Record<string, string> = connection): string {
  try {
    loadCommand(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('export and diff on the command line', () => {
  it('export takes run\'s connection (flag or environment) and its own flags, with defaults', () => {
    expect(loadCommand(['export', '--realm', 'dash'], connection)).toEqual({
      command: 'export',
      config: {
        keycloak: { url: 'https://auth.example.com', credentials: { clientId: 'op', clientSecret: 's3cret' }, authRealm: 'master', caFile: undefined, caBundle: undefined },
        keycloakTimeoutMs: 10_000, keycloakMaxConcurrency: 8, realm: 'dash', namespace: undefined, clientId: 'dash', output: '-', split: undefined,
      },
    });
    const flags = loadCommand(['export', '--realm=export', '--namespace', 'team-a', '--client-id', 'dash2', '--output', 'out.yaml', '--keycloak-url', 'http://127.0.0.1:8080', '--keycloak-timeout', '30s'], connection);
    expect(flags).toMatchObject({ command: 'export', config: { realm: 'export', namespace: 'team-a', clientId: 'dash2', output: 'out.yaml', keycloak: { url: 'http://127.0.0.1:8080' }, keycloakTimeoutMs: 30_000 } });
  });

  it('diff takes -f repeatedly (files, directories, -)', () => {
    expect(loadCommand(['diff', '-f', 'a.yaml', '--filename', 'dir', '-f', '-'], connection)).toMatchObject({ command: 'diff', config: { files: ['a.yaml', 'dir', '-'] } });
  });

  it('names each bad flag, and never echoes a credential', () => {
    expect(refusal(['export'])).toBe('export: --realm is required, e.g. --realm dash');
    expect(refusal(['export', '--realm', 'a b'])).toContain('--realm: must be a realm name');
    expect(refusal(['export', '--realm', 'dash', '--namespace', 'Team_A'])).toContain('--namespace: must be a namespace name');
    expect(refusal(['export', '--realm', 'dash', '--split', 'dir', '--output', 'x'])).toContain('--split and --output are exclusive');
    expect(refusal(['export', '--realm', 'dash', '--metrics-port', '1'])).toContain("export: Unknown option '--metrics-port'");
    expect(refusal(['export', '--realm', 'dash', 'extra'])).toContain('export: unexpected argument "extra"');
    expect(refusal(['export', '--realm', 'dash', '--keycloak-url', 'http://kc.example.com'])).toContain('--keycloak-url');
    expect(refusal(['export', '--realm', 'dash'], {})).toContain('export: --keycloak-url / KEYCLOAK_URL is required');
    expect(refusal(['export', '--realm', 'dash'], { KEYCLOAK_URL: 'https://kc', KEYCLOAK_CLIENT_SECRET: 'hunter2' })).not.toContain('hunter2');
    expect(refusal(['diff'])).toContain('diff: -f/--filename is required');
    expect(refusal(['diff', '-f', '-', '-f', '-'])).toContain('stdin can be read once');
  });

  it('has --help per command, listing its flags and the connection settings', () => {
    expect(loadCommand(['export', '--help'], {})).toEqual({ command: 'help', topic: 'export' });
    expect(loadCommand(['diff', '-h'], {})).toEqual({ command: 'help', topic: 'diff' });
    for (const name of ['--realm', '--namespace', '--client-id', '--output', '--split', '--keycloak-url / KEYCLOAK_URL', 'KEYCLOAK_CLIENT_SECRET']) expect(commandUsage('export')).toContain(name);
    expect(commandUsage('diff')).toContain('-f, --filename');
    expect(commandUsage('diff')).toContain('0 no changes, 1 changes, 2 error');
  });
});
