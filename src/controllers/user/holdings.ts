import { normalizeGroupPath, type DashUser } from '../../api/index.js';
import type { UserGroup } from '../../keycloak/port.js';
import type { ControllerDeps } from '../context.js';
import type { RealmRef } from '../realm-ref.js';
import { roleSubject, userSubject } from '../subject-id.js';
import type { AppliedUser } from './apply.js';
import { readUserGroups } from './observe.js';
import { pathChain } from './effective-roles.js';
import type { SessionFacts } from './plan-logout.js';
import { Index, inNamespace } from '../wake-ups.js';

/** How far Keycloak's clock may run ahead of the operator's for a creation time to be trusted. */
const CLOCK_SKEW_MARGIN_MS = 5_000;

/** What the reconcile observed before its plan, reused after it. */
export interface ObservedForStatus {
  /** The user's groups as read before the plan (undefined: the user did not exist). */
  groups?: readonly UserGroup[];
  /** When Keycloak created the user (ms). */
  createdMs?: number;
}

/** What Keycloak holds for the user once the plan is applied: what status reports and a logout is planned on. */
export interface UserHoldings extends SessionFacts {
  /** When these were read (the pass's clock): stamps what this pass did. */
  readAt: Date;
  /** Paths of the user's groups, sorted. */
  groups: string[];
  /** Dash roles mapped to the user directly, sorted. */
  direct: string[];
  /** Effective dash roles (Keycloak's `.../composite` answer, or the view's equal computation). */
  effective: string[];
  defaults: string[];
  /** Direct dash roles of each group the user is in and of its ancestors, by path. */
  groupRoles: Map<string, string[]>;
  /** When the user last joined or left a group that carries roles. */
  membershipChangedAt?: string;
}

/**
 * Reads what Keycloak holds for the user: effective `dash` roles and where they come from,
 * groups, sessions. Everything but the groups comes from the realm view (a few pages per realm,
 * shared); groups are the ones observed before the plan unless the plan changed them. Effective
 * roles are Keycloak's own `.../composite` answer whenever the view may not know the user or
 * its memberships yet. Sessions are listed after the latest group change that reaches the user.
 */
export async function observeHoldings(ref: RealmRef, user: DashUser, applied: AppliedUser, observed: ObservedForStatus, deps: ControllerDeps): Promise<UserHoldings> {
  const subject = { ...userSubject(user.spec.username), id: applied.id };
  const groups = applied.groups ?? (observed.groups && !applied.groupsChanged ? observed.groups : await readUserGroups(ref, applied.id));
  const paths = groups.map((g) => normalizeGroupPath(g.path)).sort();
  const chain = [...new Set(paths.flatMap(pathChain))];
  // Group sources come from the same realm view as the effective roles (it replays this
  // process's own mapping writes at once), not from DashGroup status, which a binding's new
  // group grant reaches only a pass later: the role would read as `composite` meanwhile.
  const [direct, computed, defaults, groupRoles] = await Promise.all([
    ref.view.directRoles(subject),
    ref.view.effectiveRoles(applied.id, chain, viewMustKnowSince(applied, observed)),
    ref.view.defaultRoles(),
    Promise.all(chain.map(async (path) => [path, await ref.view.directRoles({ kind: 'Group', path })] as const)),
  ]);
  const effective = computed ?? (await ref.kc.listClientRoleMappings(ref.name, roleSubject(subject), ref.clientUuid, 'effective')).map((r) => r.name);
  const managed = new Map(deps.cache.byIndex('DashGroup', Index.byRealm, inNamespace(user.metadata.namespace, user.spec.realmRef.name))
    .filter((g) => g.status?.path)
    .map((g) => [g.status?.path ?? '', g.status ?? {}]));
  const readAt = deps.now();
  const membershipChangedAt = applied.membershipChanged ? readAt.toISOString() : user.status?.membershipChangedAt;
  const groupChangesMs = [membershipChangedAt, ...chain.map((p) => managed.get(p)?.effectiveRolesChangedAt)]
    .filter((t): t is string => t !== undefined).map((t) => Date.parse(t));
  // Sessions listed before the latest change could miss one that predates it: read after it.
  const sessionStartsMs = await ref.view.sessionStarts(applied.id, Math.max(0, ...groupChangesMs));
  return { readAt, groups: paths, direct, effective, defaults, groupRoles: new Map(groupRoles), membershipChangedAt, sessionStartsMs, groupChangesMs };
}

/**
 * How recent the realm view must be to compute the user's effective roles: read after the user
 * existed (Keycloak maps its default roles at creation, and Keycloak's clock may run ahead of
 * ours, hence the margin); never after this pass changed its groups; and a user this pass
 * created holds exactly the default roles, whatever the view knew.
 */
function viewMustKnowSince(applied: AppliedUser, observed: ObservedForStatus): number | 'created now' {
  if (applied.created) return 'created now';
  if (applied.groupsChanged || observed.createdMs === undefined) return Number.POSITIVE_INFINITY;
  return observed.createdMs + CLOCK_SKEW_MARGIN_MS;
}
