import { USER_OWNER_ATTRIBUTE } from '../api/constants.js';
import { normalizeGroupPath } from '../api/rules.js';
import { defaultRolesName } from '../keycloak/clients.js';
import type { KeycloakGroup, KeycloakPort, KeycloakUser, RealmSession, RoleGraph, RoleRef, UserLockout } from '../keycloak/port.js';
import type { MappingTarget, SubjectId } from './subject-id.js';

/**
 * How long realm-wide reads are reused. A resync of 1,000 users then costs a few pages per
 * realm instead of several reads per user; drift made directly in Keycloak shows within this
 * long (plus the next reconcile), and writes are always decided on fresh per-subject reads.
 */
export const REALM_VIEW_TTL_MS = 10_000;

/** The display name of the user owner mark in the user profile. */
export const USER_OWNER_DISPLAY_NAME = 'Dash operator owner';

/**
 * How long the realm's group memberships are reused. Reading them costs a request per group,
 * so they are kept longer than the rest: this process's own membership writes and what its
 * user passes read of a user's groups are applied to them as they happen, and a change seen
 * in the admin events makes the next use read them again; only a change made outside the
 * operator in a realm without admin events waits this long.
 */
export const MEMBERSHIP_TTL_MS = 60_000;

/**
 * How long group reads and memberships are reused while the drift poller reads the realm's
 * admin events (recordFeedRead): a change made outside the operator then reaches the view
 * through its event (recordExternalChange) within a poll interval, and a gap in the feed drops
 * everything, so age alone is no reason to read 500 groups again. At 5,000 users, the groups
 * waiting for their members' reports re-read themselves every 10 s and the memberships every
 * 60 s: 2.4 and 0.6 requests per object of the converge.
 */
export const FOLLOWED_TTL_MS = 5 * 60_000;

/** How long our own mapping writes are kept to replay onto a load that started before them (far beyond any load). */
const WRITE_LOG_MS = 10 * 60_000;

/**
 * Whose direct roles the view answers for: a user found in Keycloak (held by its id, the only
 * thing Keycloak's role-holder lists give), or a group (held by its path; no id needed).
 */
export type RoleHolder = MappingTarget | Extract<SubjectId, { kind: 'Group' }>;

/** Ids of the reaching roles mapped directly to each user (by Keycloak id) and group (by path). */
interface Held {
  users: Map<string, Set<string>>;
  groups: Map<string, Set<string>>;
}

/** The direct members (user ids) of every group of the realm, by path (no leading slash). */
type Membership = Map<string, Set<string>>;

/**
 * A change to group memberships this process made or saw: a user joined or left a group; a
 * user's groups as a read (or its deletion, `paths` empty) showed them; a group was created
 * (no members yet) or deleted (with its subgroups); groups were renamed (paths unknown: read again).
 */
export type MembershipChange =
  | { kind: 'join' | 'leave'; userId: string; path: string }
  | { kind: 'userGroups'; userId: string; paths: readonly string[] }
  | { kind: 'groupCreated'; group: KeycloakGroup }
  | { kind: 'groupDeleted'; path: string }
  | { kind: 'groupsRenamed' };

/**
 * The realm's roles as far as they reach the `dash` client's roles, and who holds them.
 * A role "reaches" the dash roles it is or contains through composition (default-roles-<realm>
 * reaches viewer); only such roles matter for effective dash roles.
 */
interface RoleSnapshot {
  /** The `dash` client's roles (names and ids). */
  roles: RoleRef[];
  /** Dash role id -> name. */
  dashNames: Map<string, string>;
  /** Role id -> dash role names it reaches; only roles that reach at least one. */
  reach: Map<string, Set<string>>;
  /** Who holds reaching roles directly. */
  held: Held;
  /** Dash role names reached through default-roles-<realm>. */
  defaults: string[];
  /** The default-roles-<realm> role's id. */
  defaultRoleId?: string;
  /** Dash role name -> names of the roles of other clients or of the realm it contains (through composites); only non-empty entries. */
  foreign: Map<string, string[]>;
}

/**
 * A read-only view of one realm shared by all reconciles: the `dash` client's roles, who holds
 * them directly, the default roles, and the active sessions. Each part is loaded at most once
 * per TTL by one request wave (concurrent callers share it); a caller that must see everything
 * up to some moment (a change it reacts to) passes `notBefore`. Role mappings this process
 * writes are applied to the view as they happen, also to a load already in flight, so the view
 * never lags our own writes.
 */
export class RealmView {
  readonly #roles: Snapshot<RoleSnapshot>;
  readonly #sessions: Snapshot<RealmSession[]>;
  readonly #users: Snapshot<{ lockouts: boolean; byId: Map<string, KeycloakUser> }>;
  /** Whether some pass asked for lockouts: the realm's user list is then read with them. */
  #lockoutsAsked = false;
  /** When we last cleared a user's lockout: its lockout must be read after that. */
  readonly #unlocked = new Map<string, number>();
  /** When this process last wrote each user: the view knows a user only if read after that. */
  readonly #userWrites = new Map<string, number>();
  /** Our own mapping writes, replayed onto a load that started before them. */
  readonly #writes: { atMs: number; subject: MappingTarget; roles: string[]; op: 'add' | 'remove' }[] = [];
  /** When we last ended a user's sessions: their sessions must be read after that. */
  readonly #loggedOut = new Map<string, number>();
  /** When a change made outside this process to role mappings was last seen: role reads must be newer. */
  #rolesChangedAt = 0;
  /** When changes made outside this process to users were last seen without knowing which: the user list must be newer. */
  #usersChangedAt = 0;
  #ownerDeclared?: Snapshot<boolean>;
  readonly #members: Snapshot<Membership>;
  /** Our own membership changes, replayed onto a load that started before them. */
  readonly #memberChanges: { atMs: number; change: MembershipChange }[] = [];
  /** When memberships were last changed in a way the view cannot apply: the next read must be newer. */
  #membershipChangedAt = 0;
  /** Groups as passes of this process last read or created them, by id. */
  readonly #groupReads = new Map<string, { group: KeycloakGroup; atMs: number }>();
  /** The admin events read without a break (recordFeedRead): from when, and when the last read started. */
  #feed = { fromMs: 0, readAtMs: Number.NEGATIVE_INFINITY };

  constructor(private readonly kc: KeycloakPort, private readonly realm: string, clientUuid: string, private readonly nowMs: () => number, private readonly ttlMs = REALM_VIEW_TTL_MS) {
    this.#roles = new Snapshot(() => loadRoles(kc, realm, clientUuid), ttlMs, nowMs, (snapshot, startedAt) => {
      for (const w of this.#writes) if (w.atMs >= startedAt) applyWrite(snapshot, w.subject, w.roles, w.op);
    });
    this.#sessions = new Snapshot(() => kc.listRealmSessions(realm), ttlMs, nowMs);
    this.#users = new Snapshot(async () => {
      const lockouts = this.#lockoutsAsked;
      return { lockouts, byId: new Map((await kc.listUsers(realm, { lockouts })).map((u) => [u.id, u])) };
    }, ttlMs, nowMs);
    this.#members = new Snapshot(() => loadMembership(kc, realm), Math.max(ttlMs, FOLLOWED_TTL_MS), nowMs, (membership, startedAt) => {
      for (const c of this.#memberChanges) if (c.atMs >= startedAt) applyMembershipChange(membership, c.change);
    });
  }

  /** The `dash` client's roles (names and ids). */
  async roles(): Promise<RoleRef[]> {
    return (await this.#roles.get(this.#rolesChangedAt)).roles;
  }

  /**
   * The roles of other clients (or realm roles) that granting the dash role `name` would also
   * grant through composites, sorted; empty for a plain dash role. A dash role that contains
   * realm-management's roles would make a binding a way to Keycloak administration.
   */
  async foreignComposites(name: string): Promise<string[]> {
    return (await this.#roles.get(this.#rolesChangedAt)).foreign.get(name) ?? [];
  }

  /** Names of the `dash` roles mapped directly to the subject, sorted. */
  async directRoles(holder: RoleHolder): Promise<string[]> {
    return directDashRoles(await this.#roles.get(this.#rolesChangedAt), holder);
  }

  /**
   * `directRoles` on a load of the view that starts now (or one started since): as fresh as a
   * read of each holder's mappings, for many holders at the cost of one load (a few pages).
   */
  async freshDirectRoles(): Promise<(holder: RoleHolder) => string[]> {
    const snapshot = await this.#roles.get(this.nowMs());
    return (holder) => directDashRoles(snapshot, holder);
  }

  /**
   * Who holds the dash role `name` directly or through a composite: users (by id) and groups (by
   * path; their members and subgroups' members hold it too), and whether every user does
   * (a default role). Read at or after `notBeforeMs`.
   */
  async holders(name: string, notBeforeMs = 0): Promise<{ userIds: string[]; groupPaths: string[]; everyone: boolean }> {
    const snapshot = await this.#roles.get(Math.max(notBeforeMs, this.#rolesChangedAt));
    const reaches = (ids: Set<string>) => [...ids].some((id) => snapshot.reach.get(id)?.has(name));
    return {
      userIds: [...snapshot.held.users].filter(([, ids]) => reaches(ids)).map(([id]) => id).sort(),
      groupPaths: [...snapshot.held.groups].filter(([, ids]) => reaches(ids)).map(([path]) => path).sort(),
      everyone: snapshot.defaults.includes(name),
    };
  }

  /** Ids of every user of the realm (the realm's user list), read at or after `notBeforeMs`. */
  async userIds(notBeforeMs = 0): Promise<string[]> {
    return [...(await this.#users.get(notBeforeMs)).byId.keys()];
  }

  /**
   * Ids of the direct members of the group at `path` (no leading slash) and, with `subtree`, of
   * its subgroups at every depth (Keycloak gives a subgroup's members the ancestors' roles).
   * Read at or after `notBeforeMs`; a group the view does not know makes it read them again
   * once (a group created outside this process), then counts as empty (gone).
   */
  async members(path: string, options: { subtree?: boolean; notBeforeMs?: number; resync?: boolean } = {}): Promise<Set<string>> {
    let membership = await this.#members.get(Math.max(options.notBeforeMs ?? 0, this.#membershipChangedAt, this.#oldestReusable(MEMBERSHIP_TTL_MS, options.resync)));
    if (!membership.has(path)) membership = await this.#members.get(this.nowMs());
    const below = `${path}/`;
    const ids = new Set<string>();
    for (const [p, members] of membership) {
      if (p === path || (options.subtree && p.startsWith(below))) members.forEach((id) => ids.add(id));
    }
    return ids;
  }

  /**
   * The group as a pass of this process read or created it less than the view's TTL ago
   * (FOLLOWED_TTL_MS while the admin events are read), unless a change to groups or memberships
   * made outside this process was seen since: a group woken again and again while its members
   * are created needs no read of its own each time, and a rename by hand is still seen within
   * the TTL (or at once, from the admin events).
   */
  group(id: string, options: { resync?: boolean } = {}): KeycloakGroup | undefined {
    const read = this.#groupReads.get(id);
    if (!read || read.atMs < this.#oldestReusable(this.ttlMs, options.resync) || read.atMs < this.#membershipChangedAt) return undefined;
    return read.group;
  }

  /**
   * Records a complete read of the realm's admin events from `fromMs`, started at `startedAtMs`
   * (the drift poller's, after it reported what they changed through recordExternalChange).
   */
  recordFeedRead(read: { fromMs: number; startedAtMs: number }): void {
    if (this.#followedSince() === undefined) this.#feed = { fromMs: read.fromMs, readAtMs: read.startedAtMs };
    else this.#feed.readAtMs = Math.max(this.#feed.readAtMs, read.startedAtMs);
  }

  /**
   * The oldest moment a group read or the memberships may come from: `ttlMs` ago, or
   * FOLLOWED_TTL_MS ago while followed, except for a resync pass (ControllerDeps.resync).
   */
  #oldestReusable(ttlMs: number, resync = false): number {
    const since = resync ? undefined : this.#followedSince();
    const now = this.nowMs();
    const byTtl = now - Math.max(this.ttlMs, ttlMs);
    if (since === undefined) return byTtl;
    // Followed: also anything read since the feed began, up to FOLLOWED_TTL_MS old.
    return Math.min(byTtl, Math.max(since, now - FOLLOWED_TTL_MS));
  }

  /**
   * Since when changes made outside this process reach the view through the admin events:
   * the start of the feed the poller has read without a break, if a read of it started within
   * the TTL; undefined otherwise (a poller that stopped or fails: the TTLs apply). Only what the
   * view read since then may be kept for FOLLOWED_TTL_MS.
   */
  #followedSince(): number | undefined {
    return this.#feed.readAtMs >= this.nowMs() - this.ttlMs ? this.#feed.fromMs : undefined;
  }

  /** Records a group a pass just read from Keycloak. */
  recordGroupRead(group: KeycloakGroup): void {
    this.#groupReads.set(group.id, { group, atMs: this.nowMs() });
  }

  /** Records a membership change this process made or read (call after Keycloak answered). */
  recordMembership(change: MembershipChange): void {
    const atMs = this.nowMs();
    this.#recordGroupChange(change, atMs);
    if (change.kind === 'groupsRenamed') {
      this.#membershipChangedAt = atMs;
      return;
    }
    appendToLog(this.#memberChanges, { atMs, change });
    const current = this.#members.peek();
    if (current) applyMembershipChange(current, change);
  }

  #recordGroupChange(change: MembershipChange, atMs: number): void {
    if (change.kind === 'groupCreated') this.#groupReads.set(change.group.id, { group: change.group, atMs });
    if (change.kind !== 'groupDeleted') return;
    for (const [id, { group }] of this.#groupReads) {
      const path = normalizeGroupPath(group.path);
      if (path === change.path || path.startsWith(`${change.path}/`)) this.#groupReads.delete(id);
    }
  }

  /** Names of the `dash` roles every user gets through default-roles-<realm>, sorted. */
  async defaultRoles(): Promise<string[]> {
    return (await this.#roles.get(this.#rolesChangedAt)).defaults;
  }

  /**
   * The user's effective `dash` roles computed from the view (what Keycloak's `.../composite`
   * read answers): roles reached from the user's own mappings and those of its groups and
   * their ancestors (`groupPaths` with ancestors). `knownSince`: the view must have been read
   * after that moment (a user or membership newer than the view), else undefined: read
   * Keycloak instead; `created now`: the caller just created the user, which then holds the
   * default roles and what this process mapped to it since (recordMappings), nothing else.
   */
  async effectiveRoles(userId: string, groupPaths: readonly string[], knownSince: number | 'created now'): Promise<string[] | undefined> {
    const snapshot = await this.#roles.get(this.#rolesChangedAt);
    if (knownSince !== 'created now' && (this.#roles.takenAt() ?? 0) < knownSince) return undefined;
    // A user created now holds its default roles and what this process mapped to it since (recorded writes).
    const mapped = [...(snapshot.held.users.get(userId) ?? [])];
    const own = knownSince === 'created now' ? [snapshot.defaultRoleId ?? '', ...mapped] : mapped;
    const names = new Set<string>();
    const reached = (roleId: string) => snapshot.reach.get(roleId)?.forEach((n) => names.add(n));
    own.forEach(reached);
    for (const path of groupPaths) snapshot.held.groups.get(path)?.forEach(reached);
    return [...names].sort();
  }

  /** Start times (ms) of the user's active sessions, from a list read at or after `notBeforeMs`. */
  async sessionStarts(userId: string, notBeforeMs = 0): Promise<number[]> {
    const sessions = await this.#sessions.get(Math.max(notBeforeMs, this.#loggedOut.get(userId) ?? 0));
    return sessions.filter((s) => s.userId === userId).map((s) => s.startMs);
  }

  /** Records a mapping write this process made (call after Keycloak accepted it). */
  recordMappings(subject: MappingTarget, roles: readonly string[], op: 'add' | 'remove'): void {
    const atMs = this.nowMs();
    appendToLog(this.#writes, { atMs, subject, roles: [...roles], op });
    const current = this.#roles.peek();
    if (current) applyWrite(current, subject, roles, op);
  }

  /**
   * The user as the realm's user list showed it, when that list was read after our last write
   * to the user; undefined otherwise (read the user itself). For planning only: a plan with
   * steps is made again on a fresh read before anything is written.
   */
  async user(id: string): Promise<KeycloakUser | undefined> {
    const users = await this.#users.get(this.#usersChangedAt);
    return (this.#users.takenAt() ?? 0) > (this.#userWrites.get(id) ?? -1) ? users.byId.get(id) : undefined;
  }

  /**
   * The user's brute-force status from the realm's user list (the same pages `user` reads: no
   * request per user); from the first call on, that list is read with lockouts. Undefined: the
   * user is not in the list, or the server gives no lockouts.
   */
  async lockout(id: string): Promise<UserLockout | undefined> {
    this.#lockoutsAsked = true;
    let users = await this.#users.get(this.#unlocked.get(id) ?? 0);
    if (!users.lockouts) users = await this.#users.get(this.nowMs()); // read before lockouts were asked for
    return users.byId.get(id)?.lockout;
  }

  /** Records that the user's lockout was cleared: the next read of it waits for a fresh list. */
  recordUnlock(id: string): void {
    this.#unlocked.set(id, this.nowMs() + 1);
  }

  /** Records a write to a user (call after Keycloak accepted it). */
  recordUserWrite(id: string): void {
    this.#userWrites.set(id, this.nowMs());
  }

  /**
   * Records changes made outside this process that were just seen (admin events): the users
   * named are read afresh, and with `roles` so is every role mapping, before a pass plans on them.
   */
  recordExternalChange(change: { userIds: readonly string[]; roles: boolean; memberships?: boolean; anyUser?: boolean }): void {
    for (const id of change.userIds) this.recordUserWrite(id);
    if (change.roles) this.#rolesChangedAt = this.nowMs();
    if (change.memberships || change.anyUser) this.#membershipChangedAt = this.nowMs();
    // Changes not known one by one (a gap in the admin events): the user list must be read again.
    if (change.anyUser) this.#usersChangedAt = this.nowMs();
  }

  /** Records that the user's sessions were ended: the next read of them waits for a fresh list. */
  recordLogout(userId: string): void {
    this.#loggedOut.set(userId, this.nowMs() + 1);
  }

  /**
   * Makes sure the realm's user profile declares the user owner mark before a user is created
   * (Keycloak drops an undeclared attribute from the create request). Checked at most once per
   * TTL (one read; a write only when missing): an adopted realm gets the declaration only once
   * the operator creates its first user, so adopting it writes nothing else.
   */
  async ensureUserOwnerAttribute(): Promise<void> {
    this.#ownerDeclared ??= new Snapshot(async () => {
      await this.kc.declareAdminOnlyUserAttribute(this.realm, USER_OWNER_ATTRIBUTE, USER_OWNER_DISPLAY_NAME);
      return true;
    }, this.ttlMs, this.nowMs);
    await this.#ownerDeclared.get();
  }
}

/** The view of each (connection, realm, client), created on first use. */
const views = new WeakMap<KeycloakPort, Map<string, RealmView>>();

export function realmView(kc: KeycloakPort, realm: string, clientUuid: string, nowMs: () => number): RealmView {
  let byRealm = views.get(kc);
  if (!byRealm) views.set(kc, (byRealm = new Map()));
  const key = `${realm}/${clientUuid}`;
  let view = byRealm.get(key);
  if (!view) byRealm.set(key, (view = new RealmView(kc, realm, clientUuid, nowMs)));
  return view;
}

/** The view of (connection, realm, client) if one exists: only it can hold what an outside change made stale. */
export function existingRealmView(kc: KeycloakPort, realm: string, clientUuid: string): RealmView | undefined {
  return views.get(kc)?.get(`${realm}/${clientUuid}`);
}

async function loadRoles(kc: KeycloakPort, realm: string, clientUuid: string): Promise<RoleSnapshot> {
  const graph = await kc.listRoleGraph(realm);
  const roles = graph.roles.filter((r) => r.clientUuid === clientUuid).map((r) => ({ id: r.id, name: r.name }));
  const dashNames = new Map(roles.map((r) => [r.id, r.name]));
  const reach = reachOf(graph.composites, dashNames);
  const byId = new Map(graph.roles.map((r) => [r.id, r]));
  const held: Held = { users: new Map(), groups: new Map() };
  await Promise.all([...reach.keys()].map(async (roleId) => {
    const role = byId.get(roleId);
    if (!role) return;
    const holders = await kc.listRoleHolders(realm, { clientUuid: role.clientUuid, name: role.name });
    for (const id of holders.users) addHeld(held.users, id, roleId);
    for (const path of holders.groupPaths) addHeld(held.groups, path, roleId);
  }));
  const defaultRoleId = graph.roles.find((r) => !r.clientUuid && r.name === defaultRolesName(realm))?.id;
  return { roles, dashNames, reach, held, defaults: [...(reach.get(defaultRoleId ?? '') ?? [])].sort(), defaultRoleId, foreign: foreignOf(graph, roles) };
}

/** Every group (one paged list, level by level) and the direct members of each: one read per group. */
async function loadMembership(kc: KeycloakPort, realm: string): Promise<Membership> {
  const groups = await kc.listGroups(realm);
  return new Map(await Promise.all(groups.map(async (g) =>
    [normalizeGroupPath(g.path), new Set((await kc.listGroupMembers(realm, g.id)).map((m) => m.id))] as const)));
}

/**
 * Appends to a time-ordered log of our own writes and drops entries older than WRITE_LOG_MS
 * from its front: filtering the whole log on every write made thousands of user passes
 * quadratic (4.3 s of operator CPU in a 2,500-user converge).
 */
function appendToLog<E extends { atMs: number }>(log: E[], entry: E): void {
  const fresh = log.findIndex((e) => e.atMs >= entry.atMs - WRITE_LOG_MS);
  log.splice(0, fresh === -1 ? log.length : fresh);
  log.push(entry);
}

function applyMembershipChange(membership: Membership, change: MembershipChange): void {
  switch (change.kind) {
    case 'join':
      membership.set(change.path, (membership.get(change.path) ?? new Set()).add(change.userId));
      break;
    case 'leave':
      membership.get(change.path)?.delete(change.userId);
      break;
    case 'userGroups':
      for (const members of membership.values()) members.delete(change.userId);
      for (const path of change.paths) membership.set(path, (membership.get(path) ?? new Set()).add(change.userId));
      break;
    case 'groupCreated': {
      const path = normalizeGroupPath(change.group.path);
      if (!membership.has(path)) membership.set(path, new Set());
      break;
    }
    case 'groupDeleted':
      for (const path of [...membership.keys()]) if (path === change.path || path.startsWith(`${change.path}/`)) membership.delete(path);
      break;
    case 'groupsRenamed':
      break;
  }
}

/**
 * For each dash role that contains roles outside the dash client (transitively): their names,
 * nearest first (level by level, each level sorted), so a message names what the role
 * contains directly before what that contains in turn.
 */
function foreignOf(graph: RoleGraph, dashRoles: readonly RoleRef[]): Map<string, string[]> {
  const dashIds = new Set(dashRoles.map((r) => r.id));
  const names = new Map(graph.roles.map((r) => [r.id, r.name]));
  const foreign = new Map<string, string[]>();
  for (const role of dashRoles) {
    const seen = new Set<string>([role.id]); // composite cycles are possible in Keycloak
    const found: string[] = [];
    let level = graph.composites.get(role.id) ?? [];
    while (level.length > 0) {
      const fresh = [...new Set(level)].filter((id) => !seen.has(id));
      fresh.forEach((id) => seen.add(id));
      found.push(...fresh.filter((id) => !dashIds.has(id)).map((id) => names.get(id) ?? id).sort());
      level = fresh.flatMap((id) => graph.composites.get(id) ?? []);
    }
    if (found.length > 0) foreign.set(role.name, found);
  }
  return foreign;
}

/** For every role that reaches a dash role (itself one, or containing one through composites): the dash role names. */
function reachOf(composites: ReadonlyMap<string, readonly string[]>, dashNames: ReadonlyMap<string, string>): Map<string, Set<string>> {
  const memo = new Map<string, Set<string>>();
  const visit = (id: string, path: Set<string>): Set<string> => {
    const known = memo.get(id);
    if (known) return known;
    const out = new Set<string>();
    const own = dashNames.get(id);
    if (own) out.add(own);
    for (const part of composites.get(id) ?? []) {
      if (path.has(part)) continue; // composite cycles are possible in Keycloak
      for (const n of visit(part, new Set([...path, part]))) out.add(n);
    }
    memo.set(id, out);
    return out;
  };
  const reach = new Map<string, Set<string>>();
  for (const id of new Set([...composites.keys(), ...dashNames.keys()])) {
    const names = visit(id, new Set([id]));
    if (names.size > 0) reach.set(id, names);
  }
  return reach;
}

function addHeld(held: Map<string, Set<string>>, key: string, roleId: string): void {
  const set = held.get(key) ?? new Set<string>();
  set.add(roleId);
  held.set(key, set);
}

function applyWrite(snapshot: RoleSnapshot, subject: MappingTarget, roles: readonly string[], op: 'add' | 'remove'): void {
  const byHolder = heldBy(snapshot.held, subject);
  const key = holderKey(subject);
  const ids = [...snapshot.dashNames].filter(([, name]) => roles.includes(name)).map(([id]) => id);
  const held = byHolder.get(key) ?? new Set<string>();
  for (const id of ids) {
    if (op === 'add') held.add(id);
    else held.delete(id);
  }
  byHolder.set(key, held);
}

function directDashRoles(snapshot: RoleSnapshot, holder: RoleHolder): string[] {
  return [...(heldBy(snapshot.held, holder).get(holderKey(holder)) ?? [])].flatMap((id) => snapshot.dashNames.get(id) ?? []).sort();
}

function heldBy(held: Held, holder: RoleHolder): Map<string, Set<string>> {
  return holder.kind === 'User' ? held.users : held.groups;
}

function holderKey(holder: RoleHolder): string {
  return holder.kind === 'User' ? holder.id : holder.path;
}

/**
 * A value loaded on demand and reused while younger than the TTL. `takenAt` is when its load
 * started, so it holds everything that happened before that moment. One load runs at a time
 * per freshness need: callers whose need the running load meets wait for it.
 */
class Snapshot<T> {
  #value?: { data: T; takenAt: number };
  #inflight?: { promise: Promise<T>; startedAt: number };

  /** `settle` adjusts a loaded value before it is used (synchronously, so nothing slips in between). */
  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly nowMs: () => number,
    private readonly settle: (data: T, startedAt: number) => void = () => undefined,
  ) {}

  peek(): T | undefined {
    return this.#value?.data;
  }

  /** When the current value's load started; undefined before the first load. */
  takenAt(): number | undefined {
    return this.#value?.takenAt;
  }

  async get(notBeforeMs = 0): Promise<T> {
    const need = Math.max(notBeforeMs, this.nowMs() - this.ttlMs);
    if (this.#value && this.#value.takenAt >= need) return this.#value.data;
    if (this.#inflight && this.#inflight.startedAt >= need) return this.#inflight.promise;
    const startedAt = this.nowMs();
    const promise = this.load().then((data) => {
      this.settle(data, startedAt);
      if (!this.#value || this.#value.takenAt <= startedAt) this.#value = { data, takenAt: startedAt };
      return data;
    }).finally(() => {
      if (this.#inflight?.promise === promise) this.#inflight = undefined;
    });
    this.#inflight = { promise, startedAt };
    return promise;
  }
}
