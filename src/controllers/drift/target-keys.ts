import type { DashGroup, DashRealm, DashUser, Kind } from '../../api/index.js';
import { objectKey, formatKey, type CacheReader } from '../../runtime/index.js';
import { DASH_KINDS } from '../kinds.js';
import { Index, inNamespace, subjectValue } from '../wake-ups.js';
import type { DriftTarget } from './event-targets.js';

/** Queue keys by kind. */
export type KeysByKind = Map<Kind, Set<string>>;

const REALM_KINDS = ['DashGroup', 'DashUser', 'DashRoleBinding'] as const;

/**
 * The managed objects of `realm` a target wakes, found through the cache indexes (never a
 * scan): a DashUser or DashGroup by its Keycloak id; for role mappings, the bindings naming the
 * user (all of the realm's bindings for a user no DashUser manages, or for a group, which
 * bindings may name by path); the DashRealm itself for realm settings.
 */
export function keysForTarget(cache: CacheReader, realm: DashRealm, target: DriftTarget, into: KeysByKind = new Map()): KeysByKind {
  const namespace = realm.metadata.namespace;
  const add = (kind: Kind, key: string) => into.set(kind, (into.get(kind) ?? new Set()).add(key));
  const inRealm = <T extends DashUser | DashGroup>(o: T) => o.spec.realmRef.name === realm.metadata.name;
  const byId = <T extends DashUser | DashGroup>(kind: 'DashUser' | 'DashGroup', id: string) =>
    cache.byIndex<T>(DASH_KINDS[kind], Index.byKeycloakId, inNamespace(namespace, id)).filter(inRealm);
  switch (target.kind) {
    case 'realm':
      add('DashRealm', formatKey(objectKey(realm)));
      break;
    case 'user':
      for (const u of byId<DashUser>('DashUser', target.id)) add('DashUser', formatKey(objectKey(u)));
      break;
    case 'group':
      for (const g of byId<DashGroup>('DashGroup', target.id)) add('DashGroup', formatKey(objectKey(g)));
      break;
    case 'roleMappings': {
      const users = target.subject === 'user' ? byId<DashUser>('DashUser', target.id) : [];
      const bindings = users.length > 0
        ? users.flatMap((u) => cache.byIndex(DASH_KINDS.DashRoleBinding, Index.bySubject, subjectValue(namespace, 'User', u.spec.username)).map((b) => formatKey(objectKey(b))))
        : realmKeys(cache, realm, ['DashRoleBinding']);
      for (const key of bindings) add('DashRoleBinding', key);
      break;
    }
  }
  return into;
}

/** Every queue key of the realm's objects of `kinds` (a full resync of the realm). */
export function realmKeys(cache: CacheReader, realm: DashRealm, kinds: readonly (typeof REALM_KINDS)[number][] = REALM_KINDS): string[] {
  const value = inNamespace(realm.metadata.namespace, realm.metadata.name);
  return kinds.flatMap((kind) => cache.byIndex(DASH_KINDS[kind], Index.byRealm, value).map((o) => formatKey(objectKey(o))));
}
