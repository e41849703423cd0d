import type { DashGroup, DashRealm, DashUser, Kind } from '../../api/index.js';
import { objectKey, formatKey, type CacheReader } from '../../runtime/index.js';
import { DASH_KINDS } from '../kinds.js';
import { Index, inNamespace, subjectValue } from '../wake-ups.js';
import type { DriftTarget } from './event-targets.js';

/** Queue keys by kind. */
export type KeysByKind = Map<Kind, Set<string>>;

const REALM_KINDS = ['DashGroup', 'DashUser', 'DashRoleBinding'] as const;

/**
 * The managed objects of `realm` a target touches, found through the cache indexes (never a
 * scan): a user by its Keycloak id, and the bindings naming it when its role mappings changed
 * (all of the realm's bindings for a user no DashUser manages, or a group, which bindings may
 * name by path); a group by its Keycloak id; the DashRealm itself for realm settings.
 */
export function keysForTarget(cache: CacheReader, realm: DashRealm, target: DriftTarget, into: KeysByKind = new Map()): KeysByKind {
  const namespace = realm.metadata.namespace;
  const add = (kind: Kind, key: string) => into.set(kind, (into.get(kind) ?? new Set()).add(key));
  const inRealm = <T extends DashUser | DashGroup>(o: T) => o.spec.realmRef.name === realm.metadata.name;
  const byId = <T extends DashUser | DashGroup>(kind: 'DashUser' | 'DashGroup', id: string) =>
    cache.byIndex<T>(DASH_KINDS[kind], Index.byKeycloakId, inNamespace(namespace, id)).filter(inRealm);
  const allBindings = () => realmKeys(cache, realm, ['DashRoleBinding']).forEach((k) => add('DashRoleBinding', k));
  switch (target.kind) {
    case 'realm':
      add('DashRealm', formatKey(objectKey(realm)));
      break;
    case 'user': {
      const users = byId<DashUser>('DashUser', target.id);
      for (const u of users) add('DashUser', formatKey(objectKey(u)));
      if (!target.roles) break;
      if (users.length === 0) allBindings();
      for (const u of users) {
        for (const b of cache.byIndex(DASH_KINDS.DashRoleBinding, Index.bySubject, subjectValue(namespace, 'User', u.spec.username))) add('DashRoleBinding', formatKey(objectKey(b)));
      }
      break;
    }
    case 'group':
      for (const g of byId<DashGroup>('DashGroup', target.id)) add('DashGroup', formatKey(objectKey(g)));
      if (target.roles) allBindings();
      break;
  }
  return into;
}

/** Every queue key of the realm's objects of `kinds` (a full resync of the realm). */
export function realmKeys(cache: CacheReader, realm: DashRealm, kinds: readonly (typeof REALM_KINDS)[number][] = REALM_KINDS): string[] {
  const value = inNamespace(realm.metadata.namespace, realm.metadata.name);
  return kinds.flatMap((kind) => cache.byIndex(DASH_KINDS[kind], Index.byRealm, value).map((o) => formatKey(objectKey(o))));
}
