import type { DashRealm } from '../api/index.js';
import type { KeycloakConnectionRegistry, KeycloakCredentials, KeycloakTarget } from '../keycloak/index.js';
import type { BoundKeycloak, KeycloakConnections, SecretReader } from './context.js';
import { invalidSpec, waitFor } from './errors.js';

/**
 * Resolves which Keycloak a DashRealm talks to: its `spec.keycloak` override (credentials
 * and CA bundle from the realm's namespace) or the operator's default connection. One
 * connection per target, from the registry, so tokens are shared across reconciles.
 */
export class RealmKeycloakConnections implements KeycloakConnections {
  constructor(
    private readonly registry: KeycloakConnectionRegistry,
    private readonly secrets: SecretReader,
    private readonly defaultTarget: KeycloakTarget | undefined,
  ) {}

  /** The connection for `realm`; a wait when a referenced Secret or ConfigMap is missing. */
  async forRealm(realm: DashRealm): Promise<BoundKeycloak> {
    const override = realm.spec.keycloak;
    if (!override) {
      if (!this.defaultTarget) throw invalidSpec('spec.keycloak: required because the operator has no default Keycloak connection (--keycloak-url)');
      return this.registry.get(this.defaultTarget);
    }
    const namespace = realm.metadata.namespace ?? '';
    return this.registry.get({
      url: override.url,
      authRealm: override.authRealm,
      credentials: await this.credentials(namespace, override.credentialsSecretRef.name),
      caBundle: await this.caBundle(namespace, override.caBundle),
    });
  }

  private async credentials(namespace: string, name: string): Promise<KeycloakCredentials> {
    const read = (key: string) => this.secrets.readSecret(namespace, name, key).then((v) => v?.value);
    const [clientId, clientSecret, username, password] = await Promise.all([read('clientId'), read('clientSecret'), read('username'), read('password')]);
    if (clientId && clientSecret) return { clientId, clientSecret };
    if (username && password) return { username, password };
    throw waitFor('WaitingForSecret', `spec.keycloak.credentialsSecretRef: Secret ${name} in namespace ${namespace} needs keys clientId and clientSecret, or username and password`);
  }

  private async caBundle(namespace: string, ref: NonNullable<DashRealm['spec']['keycloak']>['caBundle']): Promise<string | undefined> {
    if (!ref) return undefined;
    const value = ref.configMapRef
      ? await this.secrets.readConfigMap(namespace, ref.configMapRef.name, ref.configMapRef.key)
      : ref.secretRef && (await this.secrets.readSecret(namespace, ref.secretRef.name, ref.secretRef.key))?.value;
    if (!value) throw waitFor('WaitingForSecret', 'spec.keycloak.caBundle: the referenced ConfigMap or Secret key was not found');
    return value;
  }
}
