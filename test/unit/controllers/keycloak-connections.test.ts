import { describe, expect, it } from '@jest/globals';
import type { DashRealm } from '../../../src/api/index.js';
import type { SecretReader } from '../../../src/controllers/context.js';
import { OutcomeError } from '../../../src/runtime/outcome.js';
import { RealmKeycloakConnections } from '../../../src/controllers/keycloak-connections.js';
import type { KeycloakConnection, KeycloakConnectionOptions } from '../../../src/keycloak/connection.js';
import { KeycloakConnectionRegistry } from '../../../src/keycloak/registry.js';

const realm = (keycloak?: DashRealm['spec']['keycloak']): DashRealm => ({
  apiVersion: 'identity.dashops.dev/v1alpha1', kind: 'DashRealm',
  metadata: { name: 'dash', namespace: 'team-a' },
  spec: { realm: 'dash', clientId: 'dash', ...(keycloak ? { keycloak } : {}) },
} as DashRealm);
const own = (url: string): DashRealm => realm({ url, authRealm: 'master', credentialsSecretRef: { name: 'kc-admin' }, caBundle: { secretRef: { name: 'ca', key: 'ca.crt' } } });

// Records every Secret or ConfigMap read, and every connection made.
function connections(allowedUrls: string[]) {
  const reads: string[] = [];
  const made: KeycloakConnectionOptions[] = [];
  const secrets: SecretReader = {
    readSecret: async (namespace, name, key) => {
      reads.push(`${namespace}/${name}/${key}`);
      return { clientId: { value: 'tenant', version: '1' }, clientSecret: { value: 's3cret', version: '1' }, 'ca.crt': { value: 'PEM', version: '1' } }[key];
    },
    readConfigMap: async (namespace, name, key) => {
      reads.push(`configmap ${namespace}/${name}/${key}`);
      return undefined;
    },
  };
  const registry = new KeycloakConnectionRegistry({}, (options) => {
    made.push(options);
    return { url: options.url } as KeycloakConnection;
  });
  const defaultTarget = { url: 'https://kc.example.com', credentials: { clientId: 'operator', clientSecret: 'op' } };
  return { kc: new RealmKeycloakConnections(registry, secrets, defaultTarget, allowedUrls), reads, made };
}

async function refusal(promise: Promise<unknown>): Promise<OutcomeError> {
  const err = await promise.catch((e: unknown) => e);
  if (!(err instanceof OutcomeError)) throw new Error(`expected an OutcomeError, got ${String(err)}`);
  return err;
}

describe('RealmKeycloakConnections', () => {
  it('uses the default connection when the realm names none', async () => {
    const { kc, reads } = connections([]);
    await expect(kc.forRealm(realm())).resolves.toMatchObject({ url: 'https://kc.example.com' });
    expect(reads).toEqual([]);
  });

  it.each([
    ['the default connection URL', 'https://kc.example.com/'],
    ['an allow-listed prefix', 'https://tenants.example.com/team-a/kc'],
    ['an allow-listed loopback http URL', 'http://127.0.0.1:8080'],
  ])('uses %s with the credentials from the realm namespace', async (_, url) => {
    const { kc, reads, made } = connections(['https://tenants.example.com/team-a', 'http://127.0.0.1:8080']);
    await kc.forRealm(own(url));
    expect(made).toEqual([expect.objectContaining({ url, credentials: { clientId: 'tenant', clientSecret: 's3cret' }, caBundle: 'PEM' })]);
    expect(reads).toContain('team-a/kc-admin/clientSecret');
  });

  it.each([
    ['another host', 'https://attacker.example.net'],
    ['a host that only starts like an allowed one', 'https://kc.example.com.attacker.net'],
    ['a path that only starts like an allowed one', 'https://tenants.example.com/team-a-evil'],
    ['another loopback port', 'http://127.0.0.1:9999'],
  ])('refuses %s before reading any Secret', async (_, url) => {
    const { kc, reads, made } = connections(['https://tenants.example.com/team-a', 'http://127.0.0.1:8080']);
    const err = await refusal(kc.forRealm(own(url)));
    expect(err).toMatchObject({ outcome: 'Invalid', reason: 'KeycloakUrlNotAllowed' });
    expect(err.message).toBe(`spec.keycloak.url ${url} is not on the operator's allow-list: the operator's administrator can allow it (or a prefix of it) with --allowed-keycloak-urls / ALLOWED_KEYCLOAK_URLS (Helm keycloak.allowedUrls); or remove spec.keycloak to use the default connection`);
    expect(reads).toEqual([]);
    expect(made).toEqual([]);
  });

  it('refuses plain http to a host that is not loopback, even when allow-listed by mistake', async () => {
    const { kc, reads, made } = connections(['http://kc.internal']);
    const err = await refusal(kc.forRealm(own('http://kc.internal/')));
    expect(err).toMatchObject({ outcome: 'Invalid', reason: 'KeycloakUrlNotAllowed' });
    expect(err.message).toMatch(/^spec\.keycloak\.url http:\/\/kc\.internal\/: must use https .*credentials are never sent over plain http/);
    expect(reads).toEqual([]);
    expect(made).toEqual([]);
  });
});
