import {
  ANNOTATIONS, OWNER_ATTRIBUTE, REASONS, MAX_LISTED_PENDING_USERS, keycloakGroupName, normalizeGroupPath, ownerMark,
  type DashGroup, type DashGroupStatus, type DashUser,
} from '../../api/index.js';
import type { KeycloakGroup } from '../../keycloak/port.js';
import type { FinalizeResult, ReconcileResult } from '../../runtime/index.js';
import type { ControllerDeps } from '../context.js';
import { conflict, waitFor } from '../errors.js';
import { REPORT_RECHECK_MS, notShowing, userReporter, waitingForReports } from '../reported.js';
import { Index, inNamespace } from '../wake-ups.js';
import { observedResult, observing } from '../management-policy.js';
import { realmGone, resolveRealm, type RealmRef } from '../realm-ref.js';
import { childPath, classifyGroup, planGroup, planGroupDeletion, type DesiredGroup, type GroupStep } from './plan.js';

interface Parent {
  id?: string;
  path?: string;
  /** Roles members get from the parent and its ancestors. */
  roles: string[];
  /** When the parent's effective roles last changed, when known. */
  changedAt?: string;
}

/**
 * Reconciles one DashGroup: resolve realm and parent (waiting for them), find the group by
 * the id status recorded or by exact name under the parent, create or rename it back, then
 * report path, roles and members.
 */
export async function reconcileGroup(group: DashGroup, deps: ControllerDeps): Promise<ReconcileResult<DashGroupStatus>> {
  const namespace = group.metadata.namespace ?? '';
  const ref = await resolveRealm(namespace, group.spec.realmRef, deps);
  const parent = await resolveParent(group, ref, deps);
  const desired: DesiredGroup = { name: keycloakGroupName(group), parentId: parent.id, owner: ownerMark(group) };
  const path = childPath(parent.path, desired.name);
  refuseSecondClaim(group, path, deps);
  const found = await findGroup(ref, group.status?.keycloakId, desired, deps.resync);
  const claim = classifyGroup(desired, found && ownerOf(found), group.status?.keycloakId, group.metadata.annotations?.[ANNOTATIONS.adopt] === 'true');
  if (claim === 'foreign') {
    throw conflict(`Keycloak group ${path} is managed by ${found?.attributes[OWNER_ATTRIBUTE]?.[0]}: change nothing`);
  }
  if (claim === 'adoptionRequired') {
    throw conflict(
      `spec.name: Keycloak group ${path} already exists and was not created by this operator; to manage it, annotate the DashGroup ${ANNOTATIONS.adopt}: "true"`,
      REASONS.adoptionRequired,
    );
  }
  const steps = planGroup(desired, found && ownerOf(found), claim);
  if (observing(ref.realm)) return observeOnly(group, ref, steps, found, path, parent, claim === 'adoptable' || group.status?.adopted === true, deps);
  const id = await applyGroupSteps(ref, steps, path) ?? found?.id ?? '';
  const inSubtree = members(group, path, deps);
  const status = await groupStatus(group, ref, id, path, parent, claim === 'adoptable' || group.status?.adopted === true, inSubtree, deps);
  // Its members' status must show what the group gives them before it reports Ready (reported.ts).
  const waiting = notShowing(inSubtree.map((u) => ({ reporter: userReporter(u), roles: union(status.roles, status.inheritedRoles) })));
  return waiting.length > 0 ? { status, progressing: waitingForReports(waiting), requeueAfterMs: REPORT_RECHECK_MS } : { status };
}

/**
 * A pass under managementPolicy Observe: nothing written; the plan becomes the InSync condition.
 * A group that does not exist yet reports only its path (its children and members wait for it).
 */
async function observeOnly(group: DashGroup, ref: RealmRef, steps: GroupStep[], found: KeycloakGroup | undefined, path: string, parent: Parent, adopted: boolean, deps: ControllerDeps): Promise<ReconcileResult<DashGroupStatus>> {
  const changes = steps.map((s) => (s.kind === 'createGroup' ? `group: create ${path}` : `name: ${JSON.stringify(found?.name)} -> ${JSON.stringify(s.name)}`));
  const status = found ? await groupStatus(group, ref, found.id, path, parent, adopted, members(group, path, deps), deps) : { path };
  return { status, ...observedResult(changes) };
}

/** Deletes the group if policy says so; waits while child DashGroups exist; lets go when the realm is gone. */
export async function finalizeGroup(group: DashGroup, deps: ControllerDeps): Promise<FinalizeResult> {
  const namespace = group.metadata.namespace ?? '';
  const children = deps.cache.byIndex('DashGroup', Index.byParent, inNamespace(namespace, group.metadata.name));
  if (children.length > 0) {
    const names = children.map((c) => c.metadata.name).sort().join(', ');
    return { done: false, waiting: `waiting for child DashGroups to be deleted first (Keycloak deletes subgroups with their parent): ${names}` };
  }
  if (realmGone(namespace, group.spec.realmRef, deps)) {
    return { done: true, events: [{ type: 'Warning', reason: 'RealmGone', message: `DashRealm ${group.spec.realmRef.name} is gone: released without touching Keycloak` }] };
  }
  const id = group.status?.keycloakId;
  if (!id) return { done: true };
  const ref = await resolveRealm(namespace, group.spec.realmRef, deps, 'cleanup');
  if (observing(ref.realm)) return { done: true };
  const found = await ref.kc.getGroup(ref.name, id);
  const path = group.status?.path ?? found?.path ?? id;
  const decision = planGroupDeletion({ policy: group.spec.deletionPolicy, owner: ownerMark(group), path, found: found && { owner: ownerOf(found).owner, subGroupCount: found.subGroupCount } });
  if (decision.kind === 'retain') {
    return { done: true, events: decision.warning ? [{ type: 'Warning', reason: 'DeletionRetained', message: decision.warning }] : [] };
  }
  await ref.kc.deleteGroup(ref.name, id);
  ref.view.recordMembership({ kind: 'groupDeleted', path: normalizeGroupPath(path) });
  return { done: true, events: [{ type: 'Normal', reason: 'Deleted', message: `deleted Keycloak group ${path}` }] };
}

async function resolveParent(group: DashGroup, ref: RealmRef, deps: ControllerDeps): Promise<Parent> {
  const namespace = group.metadata.namespace ?? '';
  if (group.spec.parentRef) {
    const parent = deps.cache.get('DashGroup', namespace, group.spec.parentRef.name);
    if (!parent?.status?.keycloakId || !parent.status.path) {
      throw waitFor('WaitingForParent', `spec.parentRef: DashGroup ${group.spec.parentRef.name} ${parent ? 'is not Ready yet' : `not found in namespace ${namespace}`}`);
    }
    return { id: parent.status.keycloakId, path: parent.status.path, roles: union(parent.status.roles, parent.status.inheritedRoles), changedAt: parent.status.effectiveRolesChangedAt };
  }
  if (group.spec.parentPath) {
    const path = normalizeGroupPath(group.spec.parentPath);
    const parent = await ref.kc.findGroupByPath(ref.name, path);
    if (!parent) throw waitFor('WaitingForParent', `spec.parentPath: group ${path} not found in realm ${ref.name}`);
    return { id: parent.id, path, roles: await ancestorRoles(ref, path) };
  }
  return { roles: [] };
}

// A group found by path has no DashGroup status to read inherited roles from: read the
// direct mappings of it and each ancestor (rare: only for parents not managed here).
async function ancestorRoles(ref: RealmRef, path: string): Promise<string[]> {
  const parts = path.split('/');
  const roles = await Promise.all(parts.map(async (_, i) => {
    const ancestor = await ref.kc.findGroupByPath(ref.name, parts.slice(0, i + 1).join('/'));
    if (!ancestor) return [];
    return (await ref.kc.listClientRoleMappings(ref.name, { kind: 'group', id: ancestor.id }, ref.clientUuid, 'direct')).map((r) => r.name);
  }));
  return union(...roles);
}

function refuseSecondClaim(group: DashGroup, path: string, deps: ControllerDeps): void {
  const earlier = deps.cache.byIndex('DashGroup', Index.byPath, inNamespace(group.metadata.namespace, path)).find((other) =>
    other.metadata.name !== group.metadata.name && other.spec.realmRef.name === group.spec.realmRef.name
    && other.status?.keycloakId !== undefined);
  if (earlier) throw conflict(`Keycloak group ${path} is already managed by DashGroup ${earlier.metadata.name}`);
}

/**
 * The group status recorded, as a pass read it recently (RealmView.group: within the view's TTL,
 * or FOLLOWED_TTL_MS while the admin events are followed and this is no resync), when that copy
 * plans nothing (ours by id, and with the desired name no rename): a group woken again and again
 * while its members are created costs no read of its own each time. Anything else is read from
 * Keycloak, so a rename back or a create rests on a fresh read.
 */
async function findGroup(ref: RealmRef, knownId: string | undefined, desired: DesiredGroup, resync = false): Promise<KeycloakGroup | undefined> {
  const recent = knownId ? ref.view.group(knownId, { resync }) : undefined;
  if (recent?.name === desired.name) return recent;
  const byId = knownId ? await ref.kc.getGroup(ref.name, knownId) : undefined;
  if (byId) {
    ref.view.recordGroupRead(byId);
    return byId;
  }
  return desired.parentId
    ? ref.kc.findChildGroup(ref.name, desired.parentId, desired.name)
    : ref.kc.findTopLevelGroup(ref.name, desired.name);
}

function ownerOf(group: KeycloakGroup): { id: string; name: string; owner?: string } {
  return { id: group.id, name: group.name, owner: group.attributes[OWNER_ATTRIBUTE]?.[0] };
}

/** Executes the plan; returns the id of a group it created. */
async function applyGroupSteps(ref: RealmRef, steps: GroupStep[], path: string): Promise<string | undefined> {
  let created: string | undefined;
  for (const step of steps) {
    switch (step.kind) {
      case 'createGroup': {
        const attributes = { [OWNER_ATTRIBUTE]: [step.owner] };
        created = await ref.kc.createGroup(ref.name, { name: step.name, attributes }, step.parentId);
        ref.view.recordMembership({ kind: 'groupCreated', group: { id: created, name: step.name, path: `/${path}`, parentId: step.parentId, attributes, subGroupCount: 0 } });
        break;
      }
      case 'renameGroup':
        await ref.kc.updateGroup(ref.name, step.id, { name: step.name });
        ref.view.recordMembership({ kind: 'groupsRenamed' });
        break;
    }
  }
  return created;
}

async function groupStatus(group: DashGroup, ref: RealmRef, id: string, path: string, parent: Parent, adopted: boolean, inSubtree: readonly DashUser[], deps: ControllerDeps): Promise<DashGroupStatus> {
  const [roles, members] = await Promise.all([ref.view.directRoles({ kind: 'Group', path }), ref.view.members(path, { resync: deps.resync })]);
  const inheritedRoles = parent.roles;
  return {
    keycloakId: id, adopted, path, roles, inheritedRoles, members: members.size,
    ...pendingMembers(inSubtree),
    effectiveRolesChangedAt: rolesChangedAt(group, roles, inheritedRoles, parent, deps.now()),
  };
}

/**
 * When the roles members get from this group last changed: now when its own mapping changed;
 * the parent's time when only inherited roles changed (the change happened there, earlier).
 */
function rolesChangedAt(group: DashGroup, roles: string[], inherited: string[], parent: Parent, now: Date): string | undefined {
  const previous = group.status;
  if (previous?.keycloakId === undefined) return previous?.effectiveRolesChangedAt;
  if (union(previous.roles).join(',') !== roles.join(',')) return now.toISOString();
  if (union(previous.inheritedRoles).join(',') !== inherited.join(',')) return parent.changedAt ?? now.toISOString();
  return previous.effectiveRolesChangedAt;
}

/** The DashUsers of the group's realm in its subtree: their status lists the group or one of its descendants. */
function members(group: DashGroup, path: string, deps: ControllerDeps): DashUser[] {
  return deps.cache.byIndex('DashUser', Index.byGroupPath, inNamespace(group.metadata.namespace, path))
    .filter((u) => u.spec.realmRef.name === group.spec.realmRef.name);
}

function pendingMembers(inSubtree: readonly DashUser[]): Pick<DashGroupStatus, 'logoutPending' | 'usersPendingLogout'> {
  const pending = inSubtree
    .filter((u) => u.status?.logoutPending)
    .map((u) => u.spec.username).sort();
  return { logoutPending: pending.length, usersPendingLogout: pending.slice(0, MAX_LISTED_PENDING_USERS) };
}

function union(...lists: (readonly string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))].sort();
}
