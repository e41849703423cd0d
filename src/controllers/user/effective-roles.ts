/** One effective `dash` client role of a user and where it comes from. */
export interface EffectiveRole {
  name: string;
  /** `direct`, `group:<path>` (a group the user is in, or one of its ancestors), `default`, or `composite`. */
  sources: string[];
}

/** What Keycloak holds for one user, reduced to names of the realm's `dash` client roles. */
export interface RoleSourcesInput {
  /** Effective client roles from `/users/{id}/role-mappings/clients/{client}/composite`: the truth. */
  effective: readonly string[];
  /** Client roles mapped to the user directly. */
  direct: readonly string[];
  /** Each group the user is in, with its direct client roles, keyed by path (`Parent/child`). */
  groupRoles: ReadonlyMap<string, readonly string[]>;
  /** Client roles in the realm's `default-roles-<realm>` composite. */
  defaultRoles: readonly string[];
}

/** The ancestors of a group path, nearest last, the path itself included: `a/b/c` -> a, a/b, a/b/c. */
export function pathChain(path: string): string[] {
  const parts = path.replace(/^\/+/, '').split('/').filter(Boolean);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * Attributes each effective role to its sources. A subgroup member also gets the roles of
 * every ancestor group (Keycloak's rule), so ancestors' mappings count as `group:<ancestor>`.
 * A role reached some other way (for example through a composite role) is marked `composite`.
 * Output is sorted by role name, sources in a fixed order (direct, groups by path, default).
 */
export function effectiveRolesWithSources(input: RoleSourcesInput): EffectiveRole[] {
  const byGroup = new Map<string, Set<string>>();
  for (const path of input.groupRoles.keys()) {
    for (const ancestor of pathChain(path)) {
      const roles = input.groupRoles.get(ancestor) ?? [];
      byGroup.set(ancestor, new Set(roles));
    }
  }
  const direct = new Set(input.direct);
  const defaults = new Set(input.defaultRoles);
  const groups = [...byGroup.keys()].sort();
  return [...new Set(input.effective)].sort().map((name) => {
    const sources: string[] = [];
    if (direct.has(name)) sources.push('direct');
    for (const path of groups) if (byGroup.get(path)?.has(name)) sources.push(`group:${path}`);
    if (defaults.has(name)) sources.push('default');
    if (sources.length === 0) sources.push('composite');
    return { name, sources };
  });
}
