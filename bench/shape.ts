/**
 * The benchmark's target state, shared by the operator run and the floor run so both reach
 * the same Keycloak end state: 100 groups nested 3 levels (10 top, 30 middle, 60 leaves),
 * 1,000 users each in one leaf group, `admin` mapped to every top-level group (reaching the
 * users through inheritance) and `licensed_user` mapped to every user directly.
 */
export interface BenchShape {
  groups: { name: string; parent?: string; path: string }[];
  users: { username: string; group: string }[];
  groupRole: string;
  userRole: string;
}

/** Builds the shape for `userCount` users (default 1,000). Deterministic. */
export function benchShape(userCount = 1000): BenchShape {
  const groups: BenchShape['groups'] = [];
  for (let t = 0; t < 10; t++) {
    const top = `team-${t}`;
    groups.push({ name: top, path: top });
    for (let m = 0; m < 3; m++) {
      const mid = `${top}-unit-${m}`;
      groups.push({ name: mid, parent: top, path: `${top}/${mid}` });
      for (let l = 0; l < 2; l++) {
        const leaf = `${mid}-squad-${l}`;
        groups.push({ name: leaf, parent: mid, path: `${top}/${mid}/${leaf}` });
      }
    }
  }
  const leaves = groups.filter((g) => g.path.split('/').length === 3);
  const users = Array.from({ length: userCount }, (_, i) => ({
    username: `user-${String(i).padStart(4, '0')}`,
    group: leaves[i % leaves.length]?.path ?? '',
  }));
  return { groups, users, groupRole: 'admin', userRole: 'licensed_user' };
}
