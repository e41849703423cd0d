import type { DeletionPolicy } from './common.js';
import type { DashGroup } from './resources.js';

/**
 * The deletion policy in force when a resource is deleted (SPEC §3: by default an adopted
 * object is not deleted). Groups and users: an explicit `spec.deletionPolicy` wins; unset,
 * what the operator created is deleted and what it adopted is kept. Realms: the schema
 * defaults to `Retain`, and an adopted realm (a Dash Enterprise install's own) is always kept.
 */
export function effectiveDeletionPolicy<P extends string = DeletionPolicy>(
  kind: 'DashRealm' | 'DashGroup' | 'DashUser',
  spec: { deletionPolicy?: P },
  adopted: boolean,
): P | DeletionPolicy {
  if (kind === 'DashRealm') return adopted ? 'Retain' : (spec.deletionPolicy ?? 'Retain');
  return spec.deletionPolicy ?? (adopted ? 'Retain' : 'Delete');
}

/**
 * The owner mark a DashGroup or DashUser writes on the Keycloak object it creates, in the
 * create request: `<namespace>/<name>`. Deletion trusts this mark, never status alone.
 */
export function ownerMark(obj: { metadata: { namespace?: string; name: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** The Keycloak group name of a DashGroup: `spec.name`, else `metadata.name`. */
export function keycloakGroupName(group: Pick<DashGroup, 'metadata' | 'spec'>): string {
  return group.spec.name ?? group.metadata.name;
}

/** A group path in the form status and comparisons use: no leading or trailing `/` (`/a/b` -> `a/b`). */
export function normalizeGroupPath(path: string): string {
  return path.replace(/^\/+/, '').replace(/\/+$/, '');
}
