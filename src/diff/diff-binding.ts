import type { Subject } from '../api/index.js';
import type { BindingGrants } from '../controllers/rolebinding/grants.js';
import { planBinding, type ObservedSubject } from '../controllers/rolebinding/plan.js';
import { describeBindingPlan } from '../controllers/rolebinding/describe.js';
import { groupSubject, subjectKey, userSubject, type SubjectId } from '../controllers/subject-id.js';
import type { DiffContext, ObjectDiff } from './context.js';
import type { ManifestObject } from './manifests.js';

type BindingManifest = Extract<ManifestObject, { kind: 'DashRoleBinding' }>;

/**
 * Plans a DashRoleBinding as the binding reconciler would (planBinding, with every binding of
 * the manifests on the same realm as the ledger), reading only. Without status no grant is
 * recorded yet: what the operator would add is listed whether it adds it now or next pass.
 */
export async function diffBinding(ctx: DiffContext, o: BindingManifest): Promise<ObjectDiff> {
  const realm = ctx.realmOf(o.namespace, o.spec.realmRef);
  const base = { kind: o.kind, namespace: o.namespace, name: o.name, target: `roles ${o.spec.roles.join(', ')}${realm ? ` of client ${realm.clientId} in realm ${realm.realm}` : ''}`, notCompared: [] };
  if (!realm) return { ...base, action: 'refused', lines: [`spec.realmRef: DashRealm ${o.spec.realmRef.name} is not among the manifests`] };
  const client = (await ctx.kc.getRealm(realm.realm)) ? await ctx.kc.findClient(realm.realm, realm.clientId) : undefined;
  const roles = client ? ((await ctx.kc.listClientRoles(realm.realm, client.id)) ?? []).map((r) => r.name) : [];
  const lines: string[] = [];
  const missing = o.spec.roles.filter((r) => !roles.includes(r));
  if (client && missing.length > 0) lines.push(`roles: ${missing.join(', ')} not on client ${realm.clientId} (the binding would wait for them)`);
  const subjects: ObservedSubject[] = [];
  for (const [i, s] of o.spec.subjects.entries()) {
    const id = subjectIdOf(ctx, o.namespace, s);
    if (typeof id === 'string') {
      lines.push(`subjects[${i}]: ${id}`);
      continue;
    }
    const found = id.kind === 'User' ? await ctx.user(realm.realm, id.name) : await ctx.group(realm.realm, id.path);
    if (!found) {
      lines.push(`${subjectKey(id)}: + ${o.spec.roles.join(', ')} (once it exists in Keycloak)`);
      continue;
    }
    const present = client ? await ctx.kc.listClientRoleMappings(realm.realm, { kind: id.kind === 'User' ? 'user' : 'group', id: found.id }, client.id, 'direct') : [];
    subjects.push({ subject: id, id: found.id, present: present.map((r) => r.name) });
  }
  const plan = planBinding({
    binding: `${o.namespace}/${o.name}`, subjects, ledger: ledgerOf(ctx, realm.realm), manageable: new Set(roles),
    exclusive: realm.exclusive, licenseRevocation: realm.licenseRevocation, confirmedUsers: new Set(),
  });
  lines.push(...describeBindingPlan(plan));
  return { ...base, action: lines.length > 0 ? 'change' : 'none', lines };
}

function subjectIdOf(ctx: DiffContext, namespace: string, s: Subject): SubjectId | string {
  if (s.kind === 'User') return userSubject(s.name ?? '');
  if (s.path !== undefined) return groupSubject(s.path);
  const path = ctx.groupPath(namespace, s.name ?? '');
  return typeof path === 'string' ? groupSubject(path) : path.problem;
}

/** Every binding of the manifests on the same Keycloak realm, granting as its spec says (nothing recorded: no status). */
function ledgerOf(ctx: DiffContext, realm: string): BindingGrants[] {
  return ctx.objects.flatMap((o) => {
    if (o.kind !== 'DashRoleBinding' || ctx.realmOf(o.namespace, o.spec.realmRef)?.realm !== realm) return [];
    const subjects = o.spec.subjects.map((s) => subjectIdOf(ctx, o.namespace, s)).filter((s): s is SubjectId => typeof s !== 'string').map(subjectKey);
    return [{ binding: `${o.namespace}/${o.name}`, roles: o.spec.roles, subjects: new Set(subjects), deleting: false, owned: new Map() }];
  });
}
