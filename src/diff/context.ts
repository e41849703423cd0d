import { normalizeGroupPath, type DashGroupSpec, type Kind } from '../api/index.js';
import type { KeycloakGroup, KeycloakPort, KeycloakUser } from '../keycloak/port.js';
import type { ManifestObject } from './manifests.js';

/** What `diff` reports for one object. */
export interface ObjectDiff {
  kind: Kind;
  namespace: string;
  name: string;
  /** The Keycloak object it stands for, e.g. `user alice in realm dash`. */
  target: string;
  /** create: would be created; change: would be changed; none: up to date; refused: the operator would refuse it (nothing written). */
  action: 'create' | 'change' | 'none' | 'refused';
  /** `field: old -> new`, `groups: + path`, `groups: - path`, ... in plan order. */
  lines: string[];
  /** What diff could not compare, and why (a Secret it does not read). */
  notCompared: string[];
  /** Bookkeeping the operator would write that changes no setting (the realm claim of an adoption). */
  notes?: string[];
}

/** The Keycloak realm objects of a namespace refer to through `realmRef`, from the manifests. */
export interface RealmTarget {
  realm: string;
  clientId: string;
  exclusive: boolean;
  licenseRevocation: 'Warn' | 'Protect';
}

/**
 * The read-only side of a diff: the manifests, and memoised Keycloak reads (a user or group
 * that several objects name is read once).
 */
export class DiffContext {
  readonly #users = new Map<string, Promise<KeycloakUser | undefined>>();
  readonly #groups = new Map<string, Promise<KeycloakGroup | undefined>>();

  constructor(readonly kc: KeycloakPort, readonly objects: readonly ManifestObject[]) {}

  /** The realm `realmRef` names in the object's namespace; undefined when no manifest defines that DashRealm. */
  realmOf(namespace: string, realmRef: { name: string }): RealmTarget | undefined {
    const found = this.objects.find((o) => o.kind === 'DashRealm' && o.namespace === namespace && o.name === realmRef.name);
    if (found?.kind !== 'DashRealm') return undefined;
    return { realm: found.spec.realm, clientId: found.spec.clientId, exclusive: found.spec.roleManagement === 'Exclusive', licenseRevocation: found.spec.licenseRevocation };
  }

  /** The path (`Parent/child`) of a DashGroup of the manifests; a string naming the problem when it cannot be known. */
  groupPath(namespace: string, name: string, seen: readonly string[] = []): string | { problem: string } {
    const group = this.objects.find((o) => o.kind === 'DashGroup' && o.namespace === namespace && o.name === name);
    if (group?.kind !== 'DashGroup') return { problem: `DashGroup ${name} is not among the manifests` };
    if (seen.includes(name)) return { problem: `DashGroup ${name} is its own ancestor (parentRef cycle)` };
    const own = group.spec.name ?? group.name;
    return parentPath(group.spec, (parent) => this.groupPath(namespace, parent, [...seen, name]), own);
  }

  user(realm: string, username: string): Promise<KeycloakUser | undefined> {
    return memo(this.#users, `${realm}\n${username}`, () => this.kc.findUserByUsername(realm, username));
  }

  group(realm: string, path: string): Promise<KeycloakGroup | undefined> {
    return memo(this.#groups, `${realm}\n${path}`, () => this.kc.findGroupByPath(realm, path));
  }
}

function parentPath(spec: DashGroupSpec, resolve: (name: string) => string | { problem: string }, own: string): string | { problem: string } {
  if (spec.parentPath) return `${normalizeGroupPath(spec.parentPath)}/${own}`;
  if (!spec.parentRef) return own;
  const parent = resolve(spec.parentRef.name);
  return typeof parent === 'string' ? `${parent}/${own}` : parent;
}

function memo<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let found = cache.get(key);
  if (!found) cache.set(key, (found = load()));
  return found;
}

/**
 * A KeycloakPort that can only read: any method that is not a read (get*, find*, list*, read*,
 * count*, has*) throws before a request is sent. What makes "diff never writes" hold by
 * construction, not only by care.
 */
export function readOnlyPort(kc: KeycloakPort): KeycloakPort {
  return new Proxy(kc, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      if (/^(get|find|list|read|count|has)[A-Z]/.test(property)) return value.bind(target);
      return () => {
        throw new Error(`diff is read-only: ${property} was called`);
      };
    },
  });
}
