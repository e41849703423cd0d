import { ANNOTATIONS, OWNER_ATTRIBUTE, REASONS, USER_OWNER_ATTRIBUTE, normalizeGroupPath, type GroupRef } from '../api/index.js';
import { classifyGroup, planGroup } from '../controllers/group/plan.js';
import { droppedAttributes, unmatchedAttributes } from '../controllers/user/attributes.js';
import { describeUserStep } from '../controllers/user/describe.js';
import { planUser } from '../controllers/user/plan.js';
import { shown } from '../controllers/realm/describe.js';
import type { DiffContext, ObjectDiff } from './context.js';
import type { ManifestObject } from './manifests.js';

type GroupManifest = Extract<ManifestObject, { kind: 'DashGroup' }>;
type UserManifest = Extract<ManifestObject, { kind: 'DashUser' }>;

/** Plans a DashGroup as the group reconciler would (classifyGroup, planGroup), reading only. */
export async function diffGroup(ctx: DiffContext, o: GroupManifest): Promise<ObjectDiff> {
  const realm = ctx.realmOf(o.namespace, o.spec.realmRef);
  const path = ctx.groupPath(o.namespace, o.name);
  const base = { kind: o.kind, namespace: o.namespace, name: o.name, target: `group ${typeof path === 'string' ? path : '?'}${realm ? ` in realm ${realm.realm}` : ''}`, notCompared: [] };
  if (!realm) return { ...base, action: 'refused', lines: [`spec.realmRef: DashRealm ${o.spec.realmRef.name} is not among the manifests`] };
  if (typeof path !== 'string') return { ...base, action: 'refused', lines: [`spec.parentRef: ${path.problem}`] };
  const owner = `${o.namespace}/${o.name}`;
  const found = await ctx.group(realm.realm, path);
  const name = path.slice(path.lastIndexOf('/') + 1);
  const observed = found && { id: found.id, name: found.name, owner: found.attributes[OWNER_ATTRIBUTE]?.[0] };
  const claim = classifyGroup({ name, owner }, observed, undefined, o.annotations[ANNOTATIONS.adopt] === 'true');
  if (claim === 'adoptionRequired') return { ...base, action: 'refused', lines: [`${REASONS.adoptionRequired}: the group exists; annotate the DashGroup ${ANNOTATIONS.adopt}: "true" to manage it`] };
  if (claim === 'foreign') return { ...base, action: 'refused', lines: [`Conflict: the group is managed by DashGroup ${observed?.owner}`] };
  const steps = planGroup({ name, owner }, observed, claim);
  if (steps.some((s) => s.kind === 'createGroup')) return { ...base, action: 'create', lines: [`group: created at ${path}`] };
  return { ...base, action: steps.length > 0 ? 'change' : 'none', lines: steps.map((s) => `name: ${shown(found?.name)} -> ${shown(s.name)}`) };
}

/**
 * Plans a DashUser as the user reconciler would (planUser), reading only. The initial password
 * and the execute-actions e-mail depend on a Secret and on status, which diff reads neither of:
 * reported as not compared.
 */
export async function diffUser(ctx: DiffContext, o: UserManifest): Promise<ObjectDiff> {
  const realm = ctx.realmOf(o.namespace, o.spec.realmRef);
  const base = { kind: o.kind, namespace: o.namespace, name: o.name, target: `user ${o.spec.username}${realm ? ` in realm ${realm.realm}` : ''}` };
  const notCompared = o.spec.initialPassword ? [`initialPassword: Secret ${o.spec.initialPassword.secretRef.name} is not compared: diff reads no Secret`] : [];
  if (!realm) return { ...base, action: 'refused', lines: [`spec.realmRef: DashRealm ${o.spec.realmRef.name} is not among the manifests`], notCompared };
  const groups = await desiredGroups(ctx, o, realm.realm);
  if (typeof groups === 'string') return { ...base, action: 'refused', lines: [groups], notCompared };
  const owner = `${o.namespace}/${o.name}`;
  const found = await ctx.user(realm.realm, o.spec.username);
  const mark = found?.attributes[USER_OWNER_ATTRIBUTE]?.[0];
  if (found && mark && mark !== owner) return { ...base, action: 'refused', lines: [`Conflict: the user is managed by DashUser ${mark}`], notCompared };
  if (found && !mark && o.annotations[ANNOTATIONS.adopt] !== 'true') {
    return { ...base, action: 'refused', lines: [`${REASONS.adoptionRequired}: the user exists; annotate the DashUser ${ANNOTATIONS.adopt}: "true" to manage it`], notCompared };
  }
  const observed = found && { id: found.id, fields: found, groups: new Map((await ctx.kc.listUserGroups(realm.realm, found.id)).map((g) => [normalizeGroupPath(g.path), g.id])) };
  const dropped = found && o.spec.attributes ? droppedAttributes(unmatchedAttributes(o.spec, found), await ctx.kc.readUserProfilePolicy(realm.realm)) : [];
  // Without status, what the operator gave once (password, e-mail) counts as given: only Keycloak's state is compared.
  const steps = planUser(o.spec, observed, { groupIds: groups, owner, owned: mark === owner, hasPassword: true, appliedPasswordVersion: 'unknown', passwordVersion: 'unknown', actionsEmailSent: found !== undefined, droppedAttributes: new Set(dropped) });
  const lines = steps.flatMap((s) => describeUserStep(s, found));
  if (dropped.length > 0) lines.push(`attributes: Keycloak drops ${dropped.join(', ')} (not in the user profile)`);
  const action = steps.some((s) => s.kind === 'createUser') ? 'create' : lines.length > 0 ? 'change' : 'none';
  return { ...base, action, lines, notCompared };
}

/** spec.groups as path -> Keycloak id (`(new)` for a group the manifests would create); a message when one cannot be resolved. */
async function desiredGroups(ctx: DiffContext, o: UserManifest, realm: string): Promise<Map<string, string> | string> {
  const out = new Map<string, string>();
  for (const [i, ref] of (o.spec.groups ?? []).entries()) {
    const path = refPath(ctx, o.namespace, ref);
    if (typeof path !== 'string') return `spec.groups[${i}]: ${path.problem}`;
    const found = await ctx.group(realm, path);
    if (!found && ref.path !== undefined) return `spec.groups[${i}]: group ${path} does not exist in Keycloak (the operator would wait for it)`;
    out.set(path, found?.id ?? '(new)');
  }
  return out;
}

function refPath(ctx: DiffContext, namespace: string, ref: GroupRef): string | { problem: string } {
  return ref.path !== undefined ? normalizeGroupPath(ref.path) : ctx.groupPath(namespace, ref.name ?? '');
}
