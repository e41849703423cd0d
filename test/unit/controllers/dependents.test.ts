import type { DashResource, Kind } from '../../../src/api/index.js';
import { kindId } from '../../../src/kube/resource-kind.js';
import type { Controller } from '../../../src/runtime/controller.js';
import { parseKey } from '../../../src/runtime/keys.js';
import { ReferenceIndex } from '../../../src/runtime/references.js';
import { WakeRouter } from '../../../src/runtime/wake-router.js';
import { silentLogger } from '../runtime/fakes.js';
import type { BindingStep } from '../../../src/controllers/rolebinding/plan.js';
import { reportersOfRemade } from '../../../src/controllers/rolebinding/reconcile.js';
import { groupSubject, userSubject } from '../../../src/controllers/subject-id.js';
import { objectCache, objectStore, registrations } from './object-cache.js';

const ns = 'dash';
const meta = (name: string) => ({ name, namespace: ns, uid: name, generation: 1 });
const realmRef = { name: 'dash' };

// A realm, a two-level group tree, two users in the leaf, one binding naming both users.
const objects = {
  DashRealm: [{ metadata: meta('dash'), spec: { realm: 'dash' }, status: { clientUuid: 'c1' } }],
  DashGroup: [
    { metadata: meta('eng'), spec: { realmRef }, status: { keycloakId: 'g1', path: 'eng', roles: ['admin'], inheritedRoles: [], members: 0 } },
    { metadata: meta('ops'), spec: { realmRef, parentRef: { name: 'eng' } }, status: { keycloakId: 'g2', path: 'eng/ops', roles: [], inheritedRoles: ['admin'], members: 2 } },
  ],
  DashUser: [
    { metadata: meta('ann'), spec: { realmRef, username: 'ann', groups: [{ name: 'ops' }] }, status: { keycloakId: 'u1', groups: ['eng/ops'], logoutPending: false } },
    { metadata: meta('bob'), spec: { realmRef, username: 'bob', groups: [{ name: 'ops' }] }, status: { keycloakId: 'u2', groups: ['eng/ops'], logoutPending: false } },
  ],
  DashRoleBinding: [{
    metadata: meta('licensed'), spec: { realmRef, roles: ['licensed_user'], subjects: [{ kind: 'User', name: 'ann' }, { kind: 'User', name: 'bob' }] },
    status: { subjects: [{ kind: 'User', name: 'ann', resolved: true, grants: ['licensed_user'] }, { kind: 'User', name: 'bob', resolved: false }] },
  }],
} as unknown as { [K in Kind]: DashResource<K>[] };

/**
 * The keys woken when `obj` changed from `old` (undefined: added), as `Kind/name`, besides the
 * object itself: through the production path, the four registrations' watch rules and indexes
 * over the runtime's object store, routed by the runtime's WakeRouter.
 */
function woken<K extends Kind>(kind: K, obj: DashResource<K>, old?: DashResource<K>, world: typeof objects = objects): string[] {
  const store = objectStore(world);
  const router = new WakeRouter(store, new ReferenceIndex(), silentLogger);
  const keys = new Set<string>();
  for (const registration of registrations()) {
    const enqueue = (key: string) => keys.add(`${registration.kind.kind}/${parseKey(key).name}`);
    const controller = { id: kindId(registration.kind), enqueue, enqueueUrgent: enqueue };
    router.add(controller as unknown as Controller, registration);
  }
  const resource = store.resolve(kind);
  router.handle({ type: old ? 'update' : 'add', kind: resource, obj: { ...obj, kind }, old: old && { ...old, kind } });
  keys.delete(`${kind}/${obj.metadata.name}`);
  return [...keys].sort();
}
const first = <K extends Kind>(kind: K) => objects[kind][0] as DashResource<K>;
const withStatus = <K extends Kind>(obj: DashResource<K>, status: object): DashResource<K> => ({ ...obj, status: { ...obj.status, ...status } });

describe('who a change wakes', () => {
  it('an added or deleted object wakes every dependent', () => {
    expect(woken('DashRealm', first('DashRealm'))).toEqual(['DashGroup/eng', 'DashGroup/ops', 'DashRoleBinding/licensed', 'DashUser/ann', 'DashUser/bob']);
    expect(woken('DashGroup', first('DashGroup'))).toEqual(['DashGroup/ops', 'DashUser/ann', 'DashUser/bob']);
  });

  it('a realm status change that no dependent reads wakes nobody; the client appearing wakes all', () => {
    const realm = first('DashRealm');
    expect(woken('DashRealm', withStatus(realm, { conditions: [{ type: 'Ready', status: 'True' }] }), realm)).toEqual([]);
    expect(woken('DashRealm', realm, withStatus(realm, { clientUuid: undefined }))).toHaveLength(5);
  });

  it("a group's member count moving wakes nobody; its roles changing wakes its subtree's users and child groups", () => {
    const eng = first('DashGroup');
    expect(woken('DashGroup', withStatus(eng, { members: 7, logoutPending: 1 }), eng)).toEqual([]);
    expect(woken('DashGroup', withStatus(eng, { roles: ['admin', 'viewer'] }), eng)).toEqual(['DashGroup/ops', 'DashUser/ann', 'DashUser/bob']);
  });

  it("a user's session count moving wakes nobody; its id appearing wakes its bindings; a pending logout wakes its groups and their ancestors", () => {
    const ann = first('DashUser');
    expect(woken('DashUser', withStatus(ann, { sessions: 3 }), ann)).toEqual([]);
    expect(woken('DashUser', ann, withStatus(ann, { keycloakId: undefined }))).toEqual(['DashRealm/dash', 'DashRoleBinding/licensed']);
    expect(woken('DashUser', withStatus(ann, { logoutPending: true }), ann)).toEqual(['DashGroup/eng', 'DashGroup/ops']);
  });

  it("a user's effective roles changing wakes its realm (seats) and what waits for its status to show a grant (Progressing): among its bindings, its groups and their ancestors", () => {
    const ann = first('DashUser');
    const reported = withStatus(ann, { effectiveRoleNames: ['viewer'] });
    expect(woken('DashUser', reported, ann)).toEqual(['DashRealm/dash']); // its seat count
    const waiting = { type: 'Ready', status: 'False', reason: 'Progressing' };
    const world = {
      ...objects,
      DashGroup: objects.DashGroup.map((g) => (g.metadata.name === 'eng' ? withStatus(g, { conditions: [waiting] }) : g)),
      DashRoleBinding: objects.DashRoleBinding.map((b) => withStatus(b, { conditions: [waiting] })),
    } as typeof objects;
    expect(woken('DashUser', reported, ann, world)).toEqual(['DashGroup/eng', 'DashRealm/dash', 'DashRoleBinding/licensed']);
  });

  it('a binding wakes only the users whose grants moved, and all of them when its spec changed', () => {
    const binding = first('DashRoleBinding');
    const bobResolved = withStatus(binding, { subjects: [binding.status!.subjects![0], { kind: 'User', name: 'bob', resolved: true, grants: ['licensed_user'] }] });
    expect(woken('DashRoleBinding', bobResolved, binding)).toEqual(['DashUser/bob']);
    expect(woken('DashRoleBinding', withStatus(binding, { warnings: [] }), binding)).toEqual([]);
    // Recorded but not mapped yet: Keycloak holds nothing new, bob has nothing to report; mapped: it does.
    const bobRecorded = withStatus(binding, { subjects: [binding.status!.subjects![0], { kind: 'User', name: 'bob', resolved: true, grants: ['licensed_user'], pending: ['licensed_user'] }] });
    // Unmapped again while bob's status never showed it: bob's status is right as it is.
    expect(woken('DashRoleBinding', bobRecorded, bobResolved)).toEqual([]);
    const bobWasRecorded = withStatus(binding, { subjects: [binding.status!.subjects![0], { kind: 'User', name: 'bob', resolved: true }] });
    expect(woken('DashRoleBinding', bobRecorded, bobWasRecorded)).toEqual([]);
    expect(woken('DashRoleBinding', bobResolved, bobRecorded)).toEqual(['DashUser/bob']);
    const moreRoles = { ...binding, spec: { ...binding.spec, roles: ['licensed_user', 'viewer'] } };
    expect(woken('DashRoleBinding', moreRoles, binding)).toEqual(['DashUser/ann', 'DashUser/bob']);
  });

  it('a group gaining a role does not wake a member whose status shows it already and has no session', () => {
    const ops = objects.DashGroup[1]!;
    const gained = withStatus(ops, { roles: ['licensed_user'] });
    const members = (status: object) => ({
      ...objects,
      DashUser: objects.DashUser.map((u) => (u.metadata.name === 'ann' ? withStatus(u, status) : u)),
    } as typeof objects);
    const shows = { sessions: 0, effectiveRoleNames: ['admin', 'licensed_user'], effectiveRoles: [{ name: 'admin', sources: ['group:eng'] }, { name: 'licensed_user', sources: ['group:eng/ops'] }] };
    expect(woken('DashGroup', gained, ops, members(shows))).toEqual(['DashUser/bob']);
    // Shown from another source only, with a session, or a role taken away: ann runs.
    expect(woken('DashGroup', gained, ops, members({ ...shows, effectiveRoles: [{ name: 'licensed_user', sources: ['direct'] }] }))).toContain('DashUser/ann');
    expect(woken('DashGroup', gained, ops, members({ ...shows, sessions: 1 }))).toContain('DashUser/ann');
    expect(woken('DashGroup', withStatus(gained, { inheritedRoles: [] }), ops, members(shows))).toContain('DashUser/ann');
    expect(woken('DashGroup', withStatus(gained, { path: 'eng/ops2' }), ops, members(shows))).toContain('DashUser/ann');
  });

  it('a binding does not wake a user whose status shows the change already', () => {
    const binding = first('DashRoleBinding');
    const bobShows = (roles: string[]) => ({
      ...objects,
      DashUser: objects.DashUser.map((u) => (u.metadata.name === 'bob' ? withStatus(u, { assignedRoles: roles }) : u)),
    } as typeof objects);
    const entry = (extra: object) => withStatus(binding, { subjects: [binding.status!.subjects![0], { kind: 'User', name: 'bob', resolved: true, ...extra }] });
    const recorded = entry({ grants: ['licensed_user'], pending: ['licensed_user'] });
    const mapped = entry({ grants: ['licensed_user'] });
    // Created holding the grant (user/grants-at-creation.ts): the binding's confirmation changes nothing bob reports.
    expect(woken('DashRoleBinding', mapped, recorded, bobShows(['licensed_user']))).toEqual([]);
    expect(woken('DashRoleBinding', mapped, recorded, bobShows([]))).toEqual(['DashUser/bob']);
    // Taken back while bob's status still shows it: bob must report the loss.
    expect(woken('DashRoleBinding', entry({}), mapped, bobShows(['licensed_user']))).toEqual(['DashUser/bob']);
    expect(woken('DashRoleBinding', entry({}), mapped, bobShows([]))).toEqual([]);
  });

  it('a user that re-reads its roles without a grant its binding mapped wakes the binding, Ready or not; the binding then waiting wakes the user', () => {
    const ready = { type: 'Ready', status: 'True', reason: 'Reconciled' };
    const ann = withStatus(first('DashUser'), { conditions: [ready], effectiveRoleNames: ['admin', 'licensed_user', 'viewer'] });
    const annLost = withStatus(ann, { effectiveRoleNames: ['admin', 'viewer'] });
    const world = { ...objects, DashUser: [annLost, objects.DashUser[1]!] } as typeof objects;
    // A second administrator took licensed_user away and ann re-read its roles before the binding mapped it again.
    expect(woken('DashUser', annLost, ann, world)).toEqual(['DashRealm/dash', 'DashRoleBinding/licensed']);
    // Losing a role the binding does not map for it wakes only the seat count.
    expect(woken('DashUser', withStatus(ann, { effectiveRoleNames: ['admin', 'licensed_user'] }), ann, world)).toEqual(['DashRealm/dash']);
    const binding = first('DashRoleBinding');
    const waiting = withStatus(binding, { conditions: [{ type: 'Ready', status: 'False', reason: 'Progressing', message: 'waiting for the status of DashUser ann to show it' }] });
    expect(woken('DashRoleBinding', waiting, binding, world)).toEqual(['DashUser/ann']);
    expect(woken('DashRoleBinding', withStatus(waiting, { warnings: [] }), waiting, world)).toEqual([]);
    // A user whose status shows the grant, or that does not report yet, has nothing to read again.
    expect(woken('DashRoleBinding', waiting, binding, { ...world, DashUser: [ann, objects.DashUser[1]!] } as typeof objects)).toEqual([]);
    expect(woken('DashRoleBinding', waiting, binding, { ...world, DashUser: [withStatus(annLost, { conditions: [] }), objects.DashUser[1]!] } as typeof objects)).toEqual([]);
  });

  it('a member that re-reads its roles without one its groups give wakes those groups; a group then waiting wakes the members behind', () => {
    const ready = { type: 'Ready', status: 'True', reason: 'Reconciled' };
    const ann = withStatus(first('DashUser'), { conditions: [ready], effectiveRoleNames: ['admin', 'licensed_user', 'viewer'] });
    const annLost = withStatus(ann, { effectiveRoleNames: ['licensed_user', 'viewer'] });
    const world = { ...objects, DashUser: [annLost, objects.DashUser[1]!] } as typeof objects;
    // eng gives admin, ops inherits it: both must look again.
    expect(woken('DashUser', annLost, ann, world)).toEqual(['DashGroup/eng', 'DashGroup/ops', 'DashRealm/dash']);
    const eng = first('DashGroup');
    const waiting = withStatus(eng, { conditions: [{ type: 'Ready', status: 'False', reason: 'Progressing', message: 'waiting for the status of DashUser ann to show it' }] });
    // bob does not report (no Ready): only ann.
    expect(woken('DashGroup', waiting, eng, world)).toEqual(['DashUser/ann']);
    expect(woken('DashGroup', withStatus(waiting, { members: 3 }), waiting, world)).toEqual([]);
  });

  it('a binding that starts waiting for reports wakes a group subject whose status does not show its mapped grants, once', () => {
    const granted = { kind: 'Group', name: 'ops', path: 'eng/ops', resolved: true, grants: ['admin'] };
    const groupBinding = {
      metadata: meta('ops-admin'), spec: { realmRef, roles: ['admin'], subjects: [{ kind: 'Group', name: 'ops' }] }, status: { subjects: [granted] },
    } as unknown as DashResource<'DashRoleBinding'>;
    const waiting = withStatus(groupBinding, { conditions: [{ type: 'Ready', status: 'False', reason: 'Progressing', message: 'waiting for the status of DashGroup ops to show it' }] });
    const world = { ...objects, DashRoleBinding: [groupBinding] } as typeof objects;
    // ops (created again, say) shows no roles yet: it read them before the mapping.
    expect(woken('DashRoleBinding', waiting, groupBinding, world)).toEqual(['DashGroup/ops']);
    expect(woken('DashRoleBinding', withStatus(waiting, { warnings: [] }), waiting, world)).toEqual([]);
    // A group whose status already shows the grant has nothing to read again.
    const showing = { ...world, DashGroup: world.DashGroup.map((g) => withStatus(g, { roles: ['admin'] })) } as typeof objects;
    expect(woken('DashRoleBinding', waiting, groupBinding, showing)).toEqual([]);
  });
});

describe('a binding pass that maps a recorded grant again (someone removed it in Keycloak)', () => {
  const [licensed] = objects.DashRoleBinding;
  const cache = objectCache(objects);
  const keys = (wake: ReturnType<typeof reportersOfRemade>) => (wake ?? []).flatMap((w) => w.keys.map((k) => `${typeof w.kind === 'string' ? w.kind : w.kind.kind}/${k.name}`));

  it('wakes the DashUser reporting it: the binding\'s status does not move, so no watch rule would', () => {
    const steps = [{ kind: 'addRoles', subject: 'User:ann', id: 'u1', roles: ['licensed_user'] }] satisfies BindingStep[];
    expect(keys(reportersOfRemade(licensed!, steps, [userSubject('ann'), userSubject('bob')], cache))).toEqual(['DashUser/ann']);
  });

  it('wakes nobody for a grant its status did not record yet: recording it moves the status, and its rules wake the user', () => {
    const steps = [{ kind: 'addRoles', subject: 'User:bob', id: 'u2', roles: ['licensed_user'] }] satisfies BindingStep[];
    expect(keys(reportersOfRemade(licensed!, steps, [userSubject('ann'), userSubject('bob')], cache))).toEqual([]);
  });

  it('wakes nobody for a grant its status recorded as pending (never mapped): mapping it moves the status', () => {
    const binding = { ...licensed!, status: { subjects: [{ kind: 'User', name: 'ann', resolved: true, grants: ['licensed_user'], pending: ['licensed_user'] }] } } as typeof licensed;
    const steps = [{ kind: 'addRoles', subject: 'User:ann', id: 'u1', roles: ['licensed_user'] }] satisfies BindingStep[];
    expect(keys(reportersOfRemade(binding!, steps, [userSubject('ann')], cache))).toEqual([]);
  });

  it('wakes the DashGroup of a group subject by its path', () => {
    const binding = { ...licensed!, status: { subjects: [{ kind: 'Group', path: 'eng/ops', resolved: true, grants: ['admin'] }] } } as typeof licensed;
    const steps = [{ kind: 'addRoles', subject: 'Group:eng/ops', id: 'g2', roles: ['admin'] }] satisfies BindingStep[];
    expect(keys(reportersOfRemade(binding!, steps, [groupSubject('eng/ops')], cache))).toEqual(['DashGroup/ops']);
  });
});
