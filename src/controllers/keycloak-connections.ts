import { REASONS, type DashRealm } from '../api/index.js';
import type { KeycloakConnectionRegistry, KeycloakCredentials, KeycloakTarget } from '../keycloak/index.js';
import { insecureUrlReason, urlAllowed } from '../keycloak/url-policy.js';
import type { BoundKeycloak, KeycloakConnections, SecretReader } from './context.js';
import { invalidSpec, waitFor } from './errors.js';

/** Per registry: the target each DashRealm (by uid) last reached, for its cleanup once its Secret is gone. */
const targetsByRegistry = new WeakMap<KeycloakConnectionRegistry, Map<string, KeycloakTarget>>();

function lastTargets(registry: KeycloakConnectionRegistry): Map<string, KeycloakTarget> {
  let targets = targetsByRegistry.get(registry);
  if (!targets) targetsByRegistry.set(registry, (targets = new Map()));
  return targets;
}

/**
 * Resolves which Keycloak a DashRealm talks to: its `spec.keycloak` override (credentials
 * and CA bundle from the realm's namespace) or the operator's default connection. One
 * connection per target, from the registry, so tokens are shared across reconciles.
 * An override is used only when its URL is on the allow-list (`allowedUrls` plus the default
 * connection's URL) and safe for credentials; else nothing is read and nothing is sent.
 */
export class RealmKeycloakConnections implements KeycloakConnections {
  constructor(
    private readonly registry: KeycloakConnectionRegistry,
    private readonly secrets: SecretReader,
    private readonly defaultTarget: KeycloakTarget | undefined,
    private readonly allowedUrls: readonly string[] = [],
  ) {}

  /**
   * The connection for `realm`; a wait when a referenced Secret or ConfigMap is missing; an
   * InvalidSpec with reason KeycloakUrlNotAllowed, before any Secret is read, when
   * `spec.keycloak.url` is not allowed.
   */
  async forRealm(realm: DashRealm): Promise<BoundKeycloak> {
    const override = realm.spec.keycloak;
    if (!override) {
      if (!this.defaultTarget) throw invalidSpec('spec.keycloak: required because the operator has no default Keycloak connection (--keycloak-url)');
      return this.registry.get(this.defaultTarget);
    }
    this.assertUrlAllowed(override.url);
    const namespace = realm.metadata.namespace ?? '';
    const remembered = lastTargets(this.registry);
    const uid = realm.metadata.uid ?? `${namespace}/${realm.metadata.name}`;
    let target: KeycloakTarget;
    try {
      target = {
        url: override.url,
        authRealm: override.authRealm,
        credentials: await this.credentials(namespace, override.credentialsSecretRef.name),
        caBundle: await this.caBundle(namespace, override.caBundle),
      };
    } catch (err) {
      // Deleting a namespace deletes the credentials Secret alongside the DashRealm: cleanup
      // goes on with the credentials this process last used for it, when it has them.
      const last = remembered.get(uid);
      if (realm.metadata.deletionTimestamp && last?.url === override.url) return this.registry.get(last);
      throw err;
    }
    remembered.set(uid, target);
    return this.registry.get(target);
  }

  // The messages hold only the URL the realm itself names, so identical specs give identical conditions.
  private assertUrlAllowed(url: string): void {
    const insecure = insecureUrlReason(url);
    if (insecure) {
      throw invalidSpec(
        `spec.keycloak.url ${url}: ${insecure}; credentials are never sent over plain http, so use the https URL of Keycloak`,
        REASONS.keycloakUrlNotAllowed,
      );
    }
    const allowed = this.defaultTarget ? [this.defaultTarget.url, ...this.allowedUrls] : this.allowedUrls;
    if (!urlAllowed(url, allowed)) {
      throw invalidSpec(
        `spec.keycloak.url ${url} is not on the operator's allow-list: the operator's administrator can allow it (or a prefix of it) with --allowed-keycloak-urls / ALLOWED_KEYCLOAK_URLS (Helm keycloak.allowedUrls); or remove spec.keycloak to use the default connection`,
        REASONS.keycloakUrlNotAllowed,
      );
    }
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
