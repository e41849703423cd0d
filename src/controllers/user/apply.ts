import type { DashUser } from '../../api/index.js';
import type { UserGroup } from '../../keycloak/port.js';
import type { EventRequest } from '../../runtime/index.js';
import type { ControllerDeps } from '../context.js';
import type { RealmRef } from '../realm-ref.js';
import { setUserPassword } from './credentials.js';
import type { GrantsAtCreation } from './grants-at-creation.js';
import type { UserStep } from './plan.js';
import { roleSubject, userSubject, type MappingTarget } from '../subject-id.js';
import { Index, inNamespace } from '../wake-ups.js';

/** What applying a user plan did: the id, and facts status must remember. */
export interface AppliedUser {
  id: string;
  created: boolean;
  passwordSet: boolean;
  actionsEmailSent: boolean;
  /** Joined or left a group that carries roles: sessions started before now are stale. */
  membershipChanged: boolean;
  /** Joined or left any group (what was observed before is outdated). */
  groupsChanged: boolean;
  /** The user's groups when this pass knows them without a read: it created the user in them. */
  groups?: UserGroup[];
  /** Ended the user's sessions. */
  loggedOut: boolean;
  events: EventRequest[];
}

/** The record of a pass that has applied nothing yet to the user with this id (none: not created yet). */
export function nothingApplied(knownId: string | undefined): AppliedUser {
  return { id: knownId ?? '', created: false, passwordSet: false, actionsEmailSent: false, membershipChanged: false, groupsChanged: false, loggedOut: false, events: [] };
}

/**
 * Executes the plan in order, adding to what the pass applied so far (`before`); the only state
 * carried between steps is the id a create returns. `password` is the Secret's, for setPassword.
 */
export async function applyUserSteps(
  ref: RealmRef, user: DashUser, steps: readonly UserStep[], before: AppliedUser, password: string | undefined, deps: ControllerDeps,
): Promise<AppliedUser> {
  const out: AppliedUser = { ...before, events: [...before.events] };
  for (const step of steps) {
    switch (step.kind) {
      case 'createUser':
        await ref.view.ensureUserOwnerAttribute();
        out.id = await ref.kc.createUser(ref.name, { username: step.username, ...step.fields, groups: step.groups.map((g) => `/${g.path}`) });
        ref.view.recordUserWrite(out.id);
        ref.view.recordMembership({ kind: 'userGroups', userId: out.id, paths: step.groups.map((g) => g.path) });
        out.groups = step.groups.map((g) => ({ id: g.groupId, name: g.path.slice(g.path.lastIndexOf('/') + 1), path: `/${g.path}` }));
        out.created = true;
        out.events.push({ type: 'Normal', reason: 'Created', message: `created Keycloak user ${step.username}` });
        if (step.grants.roles.length > 0) out.events.push(await grantAtCreation(ref, { ...userSubject(step.username), id: out.id }, step.grants));
        break;
      case 'updateUser':
        await ref.kc.updateUser(ref.name, out.id, step.fields);
        ref.view.recordUserWrite(out.id);
        out.events.push({ type: 'Normal', reason: 'Updated', message: `updated user ${user.spec.username}: ${step.changed.join(', ')}` });
        break;
      case 'joinGroup':
      case 'leaveGroup':
        if (step.kind === 'joinGroup') await ref.kc.addUserToGroup(ref.name, out.id, step.groupId);
        else await ref.kc.removeUserFromGroup(ref.name, out.id, step.groupId);
        ref.view.recordMembership({ kind: step.kind === 'joinGroup' ? 'join' : 'leave', userId: out.id, path: step.path });
        out.groupsChanged = true;
        out.membershipChanged ||= !out.created && groupCarriesRoles(user, step.path, deps);
        break;
      case 'setPassword':
        await setUserPassword(ref, user, out.id, password ?? '', step.temporary);
        out.passwordSet = true;
        break;
      case 'sendActionsEmail':
        await ref.kc.executeActionsEmail(ref.name, out.id, step.actions, step.lifespanSeconds);
        out.actionsEmailSent = true;
        out.events.push({ type: 'Normal', reason: 'ActionsEmailSent', message: `sent the execute-actions e-mail (${step.actions.join(', ')}) to ${user.spec.username}` });
        break;
      case 'logout':
        await ref.kc.logoutUser(ref.name, out.id);
        ref.view.recordLogout(out.id);
        out.loggedOut = true;
        out.events.push(step.cause === 'disabled'
          ? { type: 'Normal', reason: 'SessionsRevoked', message: `ended ${step.sessions} session(s) of ${user.spec.username}: spec.enabled is false` }
          : { type: 'Normal', reason: 'LoggedOut', message: `logged out ${user.spec.username} (${step.sessions} session(s) predate a group role change)` });
        break;
    }
  }
  return out;
}

/** Maps the roles bindings recorded for the new user (see grants-at-creation.ts); the realm view learns them at once. */
async function grantAtCreation(ref: RealmRef, target: MappingTarget, grants: GrantsAtCreation): Promise<EventRequest> {
  await ref.kc.addClientRoleMappings(ref.name, roleSubject(target), ref.clientUuid, grants.roles);
  const names = grants.roles.map((r) => r.name);
  ref.view.recordMappings(target, names, 'add');
  return { type: 'Normal', reason: 'Granted', message: `granted ${names.join(', ')} to the new user, as recorded by DashRoleBinding ${grants.bindings.join(', ')}` };
}

// A group not managed as a DashGroup is assumed to carry roles: reporting a logout that was
// not needed is safer than missing one that was.
function groupCarriesRoles(user: DashUser, path: string, deps: ControllerDeps): boolean {
  const [group] = deps.cache.byIndex('DashGroup', Index.byPath, inNamespace(user.metadata.namespace, path));
  if (!group?.status) return true;
  return (group.status.roles?.length ?? 0) + (group.status.inheritedRoles?.length ?? 0) > 0;
}
