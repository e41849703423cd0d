/**
 * The benchmark's target state, shared by the operator run and the floor run so both reach
 * the same Keycloak end state: groups nested 3 levels in teams of 10 (1 top, 3 middle, 6
 * leaves), users spread over the leaf groups, `admin` mapped to every top-level group
 * (reaching the users through inheritance), `licensed_user` mapped to every user directly,
 * and `admin` mapped directly to the users in `directAdmins` (the binding the one-change
 * latency edits).
 */
export interface BenchShape {
  groups: { name: string; parent?: string; path: string }[];
  users: { username: string; group: string }[];
  groupRole: string;
  userRole: string;
  directAdmins: string[];
}

/** Builds the shape for `userCount` users and `groupCount` groups (default 1,000 / 100). Deterministic. */
export function benchShape(userCount = 1000, groupCount = Math.max(10, Math.ceil(userCount / 10))): BenchShape {
  if (userCount < 1 || groupCount < 1) throw new Error(`the bench needs at least one user and one group, not ${userCount}/${groupCount}`);
  const groups: BenchShape['groups'] = [];
  const add = (name: string, parent?: string) => {
    if (groups.length < groupCount) groups.push({ name, parent, path: parent ? `${parent}/${name}` : name });
  };
  for (let t = 0; groups.length < groupCount; t++) {
    const top = `team-${t}`;
    add(top);
    for (let m = 0; m < 3; m++) {
      const mid = `${top}-unit-${m}`;
      add(mid, top);
      for (let l = 0; l < 2; l++) add(`${mid}-squad-${l}`, `${top}/${mid}`);
    }
  }
  const deepest = Math.max(...groups.map((g) => depth(g.path)));
  const leaves = groups.filter((g) => depth(g.path) === deepest);
  const users = Array.from({ length: userCount }, (_, i) => ({
    username: `user-${String(i).padStart(5, '0')}`,
    group: leaves[i % leaves.length]?.path ?? '',
  }));
  return { groups, users, groupRole: 'admin', userRole: 'licensed_user', directAdmins: users.slice(0, 1).map((u) => u.username) };
}

/** How many levels deep a group path is (`a` is 1, `a/b` is 2). */
export function depth(path: string): number {
  return path.split('/').length;
}
