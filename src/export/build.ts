import {
  ANNOTATIONS, API_GROUP_VERSION, DNS_SUBDOMAIN_PATTERN, KIND_NAMES, SCHEMAS, formatIssues, normalizeGroupPath, type Kind,
} from '../api/index.js';
import type { KeycloakGroup, KeycloakUser } from '../keycloak/port.js';
import { assignKubeNames, byCodePoint, toKubeName } from './names.js';
import type { RealmSnapshot } from './read.js';
import { exportRealmSpec } from './realm-spec.js';

/** One exported manifest, validated, with the comment that goes above it. */
export interface ExportedObject {
  kind: Kind;
  name: string;
  manifest: { apiVersion: string; kind: Kind; metadata: { name: string; namespace?: string; annotations: Record<string, string> }; spec: object };
  comment?: string;
}

/** The export of one realm: the objects in output order, and what was left out (for stderr). */
export interface RealmExport {
  objects: ExportedObject[];
  warnings: string[];
}

// A binding may name at most this many subjects (the CRD's bound).
const MAX_SUBJECTS = 256;

/**
 * Turns a realm snapshot into manifests: one DashRealm, a DashGroup per group (parentRef to
 * its parent's), a DashUser per user (profile, enabled, groups, required actions; never a
 * password), and per client role one DashRoleBinding for its users and one for its groups.
 * Every object is validated with the admission schemas; one that fails is left out with a
 * warning naming it and the field. Pure and deterministic: the same snapshot gives the same
 * objects in the same order (realm, groups, users, bindings; each sorted by name).
 */
export function buildRealmExport(snapshot: RealmSnapshot, namespace?: string): RealmExport {
  const warnings: string[] = [];
  const realmName = toKubeName(snapshot.realm.realm, 'dash');
  const realmRef = { name: realmName };
  const realm = exportRealmSpec(snapshot.realm, snapshot.requiredActions, snapshot.clientId);
  if (!snapshot.clientRoles) warnings.push(`the realm has no client ${snapshot.clientId}: no DashRoleBindings; the operator would create the client`);
  const groupNames = assignKubeNames(snapshot.groups.map((g) => groupPathOf(g)), (path) => toKubeName(path.replaceAll('/', '.'), 'group'));
  const userNames = assignKubeNames(snapshot.users.map((u) => u.username), (username) => toKubeName(username, 'user'));
  const objects: ExportedObject[] = [];
  const add = (kind: Kind, name: string, spec: object, comment?: string) => {
    const problem = invalid(kind, name, spec);
    if (problem) warnings.push(`${kind} ${name} is left out: ${problem}`);
    else objects.push(manifest(kind, name, spec, namespace, comment));
  };
  add('DashRealm', realmName, realm.spec, realm.notes.length > 0 ? realm.notes.map((n) => `not exported: ${n}`).join('\n') : undefined);
  warnings.push(...realm.notes.map((n) => `DashRealm ${realmName}: ${n}`));
  const byId = new Map(snapshot.groups.map((g) => [g.id, g]));
  const groupsByPath = new Map(snapshot.groups.map((g) => [groupPathOf(g), g]));
  for (const [path, name] of sortedByName(groupNames)) {
    const group = groupsByPath.get(path) as KeycloakGroup;
    const parent = group.parentId ? byId.get(group.parentId) : undefined;
    add('DashGroup', name, { realmRef, name: group.name, ...(parent ? { parentRef: { name: groupNames.get(groupPathOf(parent)) } } : {}) });
  }
  const groupsOfUser = membership(snapshot, groupNames);
  const usersById = new Map(snapshot.users.map((u) => [u.id, u]));
  const usersByName = new Map(snapshot.users.map((u) => [u.username, u]));
  for (const [username, name] of sortedByName(userNames)) {
    const user = usersByName.get(username) as KeycloakUser;
    add('DashUser', name, userSpec(user, realmRef, groupsOfUser.get(user.id) ?? []), federatedComment(user));
  }
  const roles = [...snapshot.roleHolders].sort(([a], [b]) => byCodePoint(a, b));
  // Role names may differ only where a Kubernetes name cannot (`a_b`, `a-b`): named together.
  const bindingNames = assignKubeNames(roles.flatMap(([role]) => [`${role}-users`, `${role}-groups`]), (raw) => toKubeName(raw, 'role'));
  for (const [role, holders] of roles) {
    const users = holders.users.map((id) => usersById.get(id)?.username).filter((u): u is string => u !== undefined).sort(byCodePoint);
    const groups = holders.groupPaths.map((p) => groupNames.get(normalizeGroupPath(p))).filter((g): g is string => g !== undefined).sort(byCodePoint);
    for (const [suffix, subjects] of [['users', users.map((name) => ({ kind: 'User', name }))], ['groups', groups.map((name) => ({ kind: 'Group', name }))]] as const) {
      for (const [name, chunk] of chunked(bindingNames.get(`${role}-${suffix}`) ?? '', subjects)) add('DashRoleBinding', name, { realmRef, roles: [role], subjects: chunk });
    }
  }
  const order = (o: ExportedObject) => KIND_NAMES.indexOf(o.kind);
  return { objects: objects.sort((a, b) => order(a) - order(b) || byCodePoint(a.name, b.name)), warnings };
}

function userSpec(user: KeycloakUser, realmRef: { name: string }, groups: string[]): object {
  return {
    realmRef,
    username: user.username,
    ...(user.email ? { email: user.email } : {}),
    ...(user.firstName ? { firstName: user.firstName } : {}),
    ...(user.lastName ? { lastName: user.lastName } : {}),
    enabled: user.enabled,
    emailVerified: user.emailVerified,
    requiredActions: [...user.requiredActions].sort(byCodePoint),
    groups: groups.map((name) => ({ name })),
  };
}

/** Group id -> sorted DashGroup names, inverted to user id -> DashGroup names. */
function membership(snapshot: RealmSnapshot, groupNames: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const group of snapshot.groups) {
    const name = groupNames.get(groupPathOf(group));
    if (!name) continue;
    for (const userId of snapshot.members.get(group.id) ?? []) out.set(userId, [...(out.get(userId) ?? []), name]);
  }
  for (const list of out.values()) list.sort(byCodePoint);
  return out;
}

/** The subjects of one binding, split into numbered bindings (`name-1`, `name-2`) beyond the CRD's bound on subjects. */
function chunked(name: string, subjects: readonly object[]): [string, object[]][] {
  if (subjects.length === 0) return [];
  if (subjects.length <= MAX_SUBJECTS) return [[name, [...subjects]]];
  const chunks: [string, object[]][] = [];
  for (let i = 0; i < subjects.length; i += MAX_SUBJECTS) chunks.push([`${name}-${i / MAX_SUBJECTS + 1}`, subjects.slice(i, i + MAX_SUBJECTS)]);
  return chunks;
}

function federatedComment(user: KeycloakUser): string | undefined {
  if (!user.federationLink) return undefined;
  // Keycloak's text on one line: a comment line can never end early and start YAML.
  return `federated user (federationLink ${user.federationLink.replace(/\s+/g, ' ')}): Keycloak reads it from a user federation provider, which may own its profile; the operator never deletes it`;
}

function invalid(kind: Kind, name: string, spec: object): string | undefined {
  if (name.length > 253 || !DNS_SUBDOMAIN_PATTERN.test(name)) return `metadata.name ${JSON.stringify(name)} is not a Kubernetes object name`;
  const result = SCHEMAS[kind].spec.safeParse(spec);
  return result.success ? undefined : formatIssues(result.error.issues, 'spec');
}

function manifest(kind: Kind, name: string, spec: object, namespace: string | undefined, comment: string | undefined): ExportedObject {
  const metadata = { name, ...(namespace ? { namespace } : {}), annotations: { [ANNOTATIONS.adopt]: 'true' } };
  return { kind, name, manifest: { apiVersion: API_GROUP_VERSION, kind, metadata, spec }, ...(comment ? { comment } : {}) };
}

function groupPathOf(group: KeycloakGroup): string {
  return normalizeGroupPath(group.path);
}

function sortedByName(names: Map<string, string>): [string, string][] {
  return [...names].sort(([, a], [, b]) => byCodePoint(a, b));
}
