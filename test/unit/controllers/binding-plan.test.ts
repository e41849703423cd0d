import type { BindingGrants } from '../../../src/controllers/rolebinding/grants.js';
import { subjectKey, type SubjectId } from '../../../src/controllers/subject-id.js';
import { planBinding, type BindingPlanInput } from '../../../src/controllers/rolebinding/plan.js';

const aliceId: SubjectId = { kind: 'User', name: 'alice' };
const alice = subjectKey(aliceId);
const b = (name: string, roles: string[], over: Partial<BindingGrants> = {}): BindingGrants => ({
  binding: `ns/${name}`, roles, subjects: new Set([alice]), deleting: false, owned: new Map(), ...over,
});
const input = (over: Partial<BindingPlanInput>): BindingPlanInput => ({
  binding: 'ns/one', subjects: [{ subject: aliceId, id: 'u1', present: [] }], ledger: [],
  manageable: new Set(['licensed_user', 'admin', 'viewer']), exclusive: false, licenseRevocation: 'Warn', confirmedUsers: new Set(), ...over,
});
const owns = (roles: string[]) => new Map([[alice, roles]]);
const has = (present: string[]) => [{ subject: aliceId, id: 'u1', present }];

describe('planBinding', () => {
  it('records its grants for a user its DashUser will create, writes nothing, and does not wait on a next pass', () => {
    const plan = planBinding(input({ subjects: [{ subject: aliceId, present: [], awaitingCreation: true }], ledger: [b('one', ['licensed_user', 'not-a-role'])] }));
    expect(plan.steps).toEqual([]);
    expect(plan.owned).toEqual(owns(['licensed_user']));
    expect(plan.awaitingCreation).toEqual(owns(['licensed_user']));
    expect(plan.pending).toEqual(new Map());
  });

  it('a user without an id that its DashUser will not create gets no new record', () => {
    const plan = planBinding(input({ subjects: [{ subject: aliceId, present: [] }], ledger: [b('one', ['licensed_user'])] }));
    expect(plan.owned).toEqual(new Map());
  });

  it('does not own a role recorded before the user existed when the user, adopted, already holds it', () => {
    const ledger = [b('one', ['licensed_user', 'admin'], { owned: owns(['admin', 'licensed_user']) })];
    const subjects = [{ subject: aliceId, id: 'u1', present: ['admin'], unconfirmed: ['admin', 'licensed_user'] }];
    const plan = planBinding(input({ subjects, ledger }));
    // admin was there by hand: kept, not recorded; licensed_user is missing: recorded already, written now.
    expect(plan.owned).toEqual(owns(['licensed_user']));
    expect(plan.steps).toEqual([{ kind: 'addRoles', subject: alice, id: 'u1', roles: ['licensed_user'] }]);
    // Seen missing on the view: added only after a fresh read (it may be held by hand after all).
    const onView = planBinding(input({ subjects: [{ ...subjects[0]!, present: [] }], ledger }));
    expect(onView.touched).toEqual(new Set([alice]));
    const gone = planBinding(input({ subjects, ledger: [b('one', ['licensed_user'], { owned: owns(['admin', 'licensed_user']) })] }));
    expect(gone.steps.filter((s) => s.kind === 'removeRoles')).toEqual([]);
  });
  it('observed equals desired gives an empty plan', () => {
    const plan = planBinding(input({ subjects: has(['licensed_user']), ledger: [b('one', ['licensed_user'], { owned: owns(['licensed_user']) })] }));
    expect(plan).toEqual({ steps: [], owned: owns(['licensed_user']), pending: new Map(), awaitingCreation: new Map(), touched: new Set(), handoff: new Map(), heldRevocations: [], revokedLicenses: [] });
  });

  it('records a missing role first and writes nothing: intent before effect', () => {
    const plan = planBinding(input({ ledger: [b('one', ['licensed_user'])] }));
    expect(plan.steps).toEqual([]);
    expect(plan.pending).toEqual(owns(['licensed_user']));
    expect(plan.owned).toEqual(owns(['licensed_user']));
    expect(plan.touched).toEqual(new Set([alice]));
  });

  it('writes a missing role once status records it', () => {
    const plan = planBinding(input({ ledger: [b('one', ['licensed_user'], { owned: owns(['licensed_user']) })] }));
    expect(plan.steps).toEqual([{ kind: 'addRoles', subject: alice, id: 'u1', roles: ['licensed_user'] }]);
    expect(plan.pending).toEqual(new Map());
    expect(plan.owned).toEqual(owns(['licensed_user']));
    // Adding what status records already needs no fresh read: Keycloak ignores adding a held role.
    expect(plan.touched).toEqual(new Set());
  });

  it('a recorded grant found present after a crash is ours: deleting the binding removes it', () => {
    const plan = planBinding(input({ subjects: has(['admin']), ledger: [b('one', ['admin'], { deleting: true, owned: owns(['admin']) })] }));
    expect(plan.steps).toEqual([{ kind: 'removeRoles', subject: alice, id: 'u1', roles: ['admin'] }]);
  });

  it('two bindings grant licensed_user: deleting one keeps it', () => {
    const plan = planBinding(input({
      subjects: has(['licensed_user']),
      ledger: [b('one', ['licensed_user'], { deleting: true, owned: owns(['licensed_user']) }), b('two', ['licensed_user'], { owned: owns(['licensed_user']) })],
    }));
    expect(plan.steps).toEqual([]);
    expect(plan.handoff).toEqual(new Map());
  });

  it('a deleting binding waits while the other granter has not recorded the role yet', () => {
    const plan = planBinding(input({
      subjects: has(['licensed_user']),
      ledger: [b('one', ['licensed_user'], { deleting: true, owned: owns(['licensed_user']) }), b('two', ['licensed_user'])],
    }));
    expect(plan.steps).toEqual([]);
    expect(plan.handoff).toEqual(owns(['licensed_user']));
  });

  it('a binding that grants a role another one recorded records it too', () => {
    const plan = planBinding(input({
      binding: 'ns/two', subjects: has(['licensed_user']),
      ledger: [b('one', ['licensed_user'], { deleting: true, owned: owns(['licensed_user']) }), b('two', ['licensed_user'])],
    }));
    expect(plan.owned).toEqual(owns(['licensed_user']));
  });

  it('deleting the last one removes it, with a license warning', () => {
    const plan = planBinding(input({
      subjects: has(['licensed_user']),
      ledger: [b('one', ['licensed_user'], { deleting: true, owned: owns(['licensed_user']) })],
    }));
    expect(plan.steps).toEqual([{ kind: 'removeRoles', subject: alice, id: 'u1', roles: ['licensed_user'] }]);
    expect(plan.revokedLicenses).toEqual(['alice']);
  });

  it('a manual grant survives the deletion of a binding that also granted it', () => {
    const plan = planBinding(input({ subjects: has(['admin']), ledger: [b('one', ['admin'], { deleting: true })] }));
    expect(plan.steps).toEqual([]);
  });

  it('Protect holds a licensed_user removal until the user is confirmed', () => {
    const base = { subjects: has(['licensed_user']), ledger: [b('one', [], { owned: owns(['licensed_user']) })], licenseRevocation: 'Protect' as const };
    const held = planBinding(input(base));
    expect(held.steps).toEqual([]);
    expect(held.heldRevocations).toEqual(['alice']);
    expect(held.owned).toEqual(owns(['licensed_user']));
    const confirmed = planBinding(input({ ...base, confirmedUsers: new Set(['alice']) }));
    expect(confirmed.steps).toEqual([{ kind: 'removeRoles', subject: alice, id: 'u1', roles: ['licensed_user'] }]);
  });

  it('skips subjects not found in Keycloak yet, keeping what it recorded for them unless they are missing', () => {
    const ledger = [b('one', ['admin'], { owned: owns(['admin']) })];
    const unobserved = planBinding(input({ subjects: [{ subject: aliceId, present: [] }], ledger }));
    expect(unobserved.steps).toEqual([]);
    expect(unobserved.owned).toEqual(owns(['admin']));
    expect(planBinding(input({ subjects: [{ subject: aliceId, present: [], missing: true }], ledger })).owned).toEqual(new Map());
  });

  it('a group whose DashGroup is gone keeps its recorded grants while the binding names it, and loses them with the binding', () => {
    const groupId: SubjectId = { kind: 'Group', path: 'eng' };
    const group = subjectKey(groupId);
    const rec = new Map([[group, ['admin']]]);
    const subjects = [{ subject: groupId, id: 'g1', present: ['admin'], addable: false }];
    const live = planBinding(input({ subjects, ledger: [b('one', ['admin'], { subjects: new Set([group]), owned: rec })] }));
    expect(live).toMatchObject({ steps: [], owned: rec });
    const gone = planBinding(input({ subjects, ledger: [b('one', ['admin'], { subjects: new Set([group]), owned: rec, deleting: true })] }));
    expect(gone.steps).toEqual([{ kind: 'removeRoles', subject: group, id: 'g1', roles: ['admin'] }]);
    expect(planBinding(input({ subjects: [{ ...subjects[0]!, present: [] }], ledger: [b('one', ['admin'], { subjects: new Set([group]), owned: rec })] })).steps).toEqual([]);
  });
});
