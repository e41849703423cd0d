import type { DeletionPolicy } from '../../api/index.js';

/** A Keycloak group as the group plan sees it. */
export interface ObservedGroup {
  id: string;
  name: string;
  /** The `identity.dashops.dev/owner` attribute value, when the operator created the group. */
  owner?: string;
}

/** What a DashGroup wants in Keycloak once its parent is resolved. */
export interface DesiredGroup {
  name: string;
  /** Keycloak id of the parent group; undefined for a top-level group. */
  parentId?: string;
  /** `<namespace>/<name>` of the DashGroup, written as the owner attribute on groups it creates. */
  owner: string;
}

/** How the DashGroup relates to the group it found in Keycloak. */
export type GroupClaim = 'none' | 'ours' | 'adoptable' | 'adoptionRequired' | 'foreign';

/** One change to Keycloak for a DashGroup. */
export type GroupStep =
  | { kind: 'createGroup'; name: string; parentId?: string; owner: string }
  | { kind: 'renameGroup'; id: string; name: string };

/**
 * Decides whose the group found in Keycloak is. `knownId` is the id status recorded: a
 * group with that id is ours whatever its name (a rename in Keycloak is drift to correct).
 * Otherwise a group found by exact name and parent is ours if it carries our owner mark
 * (we created it and crashed before writing status), foreign if it carries another's mark,
 * and adoptable if it carries none and the DashGroup asks to adopt (`adopt`); without
 * that, adoption is required and nothing changes.
 */
export function classifyGroup(desired: DesiredGroup, found: ObservedGroup | undefined, knownId: string | undefined, adopt: boolean): GroupClaim {
  if (!found) return 'none';
  if (knownId !== undefined && found.id === knownId) return 'ours';
  if (found.owner === desired.owner) return 'ours';
  if (found.owner) return 'foreign';
  return adopt ? 'adoptable' : 'adoptionRequired';
}

/**
 * Plans the group: create it when missing, rename it back when it drifted. Adoption and
 * conflicts are decided by `classifyGroup` before planning; a foreign group gets no steps.
 */
export function planGroup(desired: DesiredGroup, found: ObservedGroup | undefined, claim: GroupClaim): GroupStep[] {
  if (claim === 'foreign' || claim === 'adoptionRequired') return [];
  if (!found || claim === 'none') {
    return [{ kind: 'createGroup', name: desired.name, parentId: desired.parentId, owner: desired.owner }];
  }
  if (found.name !== desired.name) return [{ kind: 'renameGroup', id: found.id, name: desired.name }];
  return [];
}

/** What deleting a DashGroup does to its Keycloak group. */
export type GroupDeletion = { kind: 'delete' } | { kind: 'retain'; warning?: string };

/**
 * Decides whether a DashGroup's deletion deletes its Keycloak group, from what Keycloak holds
 * now (never from status alone): only a group that carries this DashGroup's owner mark (it
 * was created by the operator, not adopted) and has no subgroups (Keycloak deletes subgroups
 * with their parent; child DashGroups go first, so any left are not ours to delete).
 * Absent policy: Delete for what we created, Retain for what we adopted. A Delete policy the
 * operator cannot honour keeps the group and says why.
 */
export function planGroupDeletion(input: {
  policy?: DeletionPolicy;
  owner: string;
  path: string;
  found: { owner?: string; subGroupCount?: number } | undefined;
}): GroupDeletion {
  const { policy, owner, path, found } = input;
  if (!found) return { kind: 'retain' };
  const ours = found.owner === owner;
  if ((policy ?? (ours ? 'Delete' : 'Retain')) === 'Retain') return { kind: 'retain' };
  if (!ours) {
    return { kind: 'retain', warning: `deletionPolicy Delete not applied: Keycloak group ${path} was not created by this operator (adopted or another's), so it stays in Keycloak` };
  }
  if ((found.subGroupCount ?? 0) > 0) {
    return { kind: 'retain', warning: `deletionPolicy Delete not applied: Keycloak group ${path} has ${found.subGroupCount} subgroup(s) that no child DashGroup deletes, and Keycloak would delete them with it; it stays in Keycloak` };
  }
  return { kind: 'delete' };
}

/** Joins a parent path and a name into a path without a leading slash (`Parent/child`). */
export function childPath(parentPath: string | undefined, name: string): string {
  const parent = (parentPath ?? '').replace(/^\/+|\/+$/g, '');
  return parent ? `${parent}/${name}` : name;
}
