import type { DashUser } from '../../api/index.js';
import type { UserGroup } from '../../keycloak/port.js';
import type { EventRequest } from '../../runtime/index.js';
import type { ControllerDeps } from '../context.js';
import type { RealmRef } from '../realm-ref.js';
import { setUserPassword } from './credentials.js';
import type { UserStep } from './plan.js';

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
  events: EventRequest[];
}

/** Executes the plan in order; the only state carried is the id a create returns. */
export async function applyUserSteps(
  ref: RealmRef, user: DashUser, knownId: string | undefined, steps: UserStep[], password: string | undefined, deps: ControllerDeps,
): Promise<AppliedUser> {
  const out: AppliedUser = { id: knownId ?? '', created: false, passwordSet: false, actionsEmailSent: false, membershipChanged: false, groupsChanged: false, events: [] };
  for (const step of steps) {
    switch (step.kind) {
      case 'createUser':
        out.id = await ref.kc.createUser(ref.name, { username: step.username, ...step.fields, groups: step.groups.map((g) => `/${g.path}`) });
        ref.view.recordUserWrite(out.id);
        out.groups = step.groups.map((g) => ({ id: g.groupId, name: g.path.slice(g.path.lastIndexOf('/') + 1), path: `/${g.path}` }));
        out.created = true;
        out.events.push({ type: 'Normal', reason: 'Created', message: `created Keycloak user ${step.username}` });
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
    }
  }
  return out;
}

// A group not managed as a DashGroup is assumed to carry roles: reporting a logout that was
// not needed is safer than missing one that was.
function groupCarriesRoles(user: DashUser, path: string, deps: ControllerDeps): boolean {
  const group = deps.cache.list('DashGroup', user.metadata.namespace).find((g) => g.status?.path === path);
  if (!group?.status) return true;
  return (group.status.roles?.length ?? 0) + (group.status.inheritedRoles?.length ?? 0) > 0;
}
