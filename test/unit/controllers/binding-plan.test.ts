import type { BindingGrants, SubjectKey } from '../../../src/controllers/rolebinding/grants.js';
import { planBinding, type BindingPlanInput } from '../../../src/controllers/rolebinding/plan.js';

const alice: SubjectKey = 'User:alice';
const b = (name: string, roles: string[], over: Partial<BindingGrants> = {}): BindingGrants => ({
  binding: `ns/${name}`, roles, subjects: [alice], deleting: false, owned: new Map(), ...over,
});
const input = (over: Partial<BindingPlanInput>): BindingPlanInput => ({
  binding: 'ns/one', subjects: [{ key: alice, id: 'u1', present: [] }], ledger: [],
  manageable: new Set(['licensed_user', 'admin', 'viewer']), exclusive: false, licenseRevocation: 'Warn', confirmedUsers: new Set(), ...over,
});
const owns = (roles: string[]) => new Map([[alice, roles]]);

describe('planBinding', () => {
  it('observed equals desired gives an empty plan', () => {
    const plan = planBinding(input({ subjects: [{ key: alice, id: 'u1', present: ['licensed_user'] }], ledger: [b('one', ['licensed_user'], { owned: owns(['licensed_user']) })] }));
    expect(plan).toEqual({ steps: [], owned: owns(['licensed_user']), heldRevocations: [], revokedLicenses: [] });
  });

  it('grants a missing role and records it as its own', () => {
    const plan = planBinding(input({ ledger: [b('one', ['licensed_user'])] }));
    expect(plan.steps).toEqual([{ kind: 'addRoles', subject: alice, id: 'u1', roles: ['licensed_user'] }]);
    expect(plan.owned).toEqual(owns(['licensed_user']));
  });

  it('two bindings grant licensed_user: deleting one keeps it', () => {
    const plan = planBinding(input({
      subjects: [{ key: alice, id: 'u1', present: ['licensed_user'] }],
      ledger: [b('one', ['licensed_user'], { deleting: true, owned: owns(['licensed_user']) }), b('two', ['licensed_user'], { owned: owns(['licensed_user']) })],
    }));
    expect(plan.steps).toEqual([]);
  });

  it('deleting the last one removes it, with a license warning', () => {
    const plan = planBinding(input({
      subjects: [{ key: alice, id: 'u1', present: ['licensed_user'] }],
      ledger: [b('one', ['licensed_user'], { deleting: true, owned: owns(['licensed_user']) })],
    }));
    expect(plan.steps).toEqual([{ kind: 'removeRoles', subject: alice, id: 'u1', roles: ['licensed_user'] }]);
    expect(plan.revokedLicenses).toEqual(['alice']);
  });

  it('a manual grant survives the deletion of a binding that also granted it', () => {
    const plan = planBinding(input({
      subjects: [{ key: alice, id: 'u1', present: ['admin'] }],
      ledger: [b('one', ['admin'], { deleting: true })],
    }));
    expect(plan.steps).toEqual([]);
  });

  it('Protect holds a licensed_user removal until the user is confirmed', () => {
    const base = { subjects: [{ key: alice, id: 'u1', present: ['licensed_user'] }], ledger: [b('one', [], { owned: owns(['licensed_user']) })], licenseRevocation: 'Protect' as const };
    const held = planBinding(input(base));
    expect(held.steps).toEqual([]);
    expect(held.heldRevocations).toEqual(['alice']);
    expect(held.owned).toEqual(owns(['licensed_user']));
    const confirmed = planBinding(input({ ...base, confirmedUsers: new Set(['alice']) }));
    expect(confirmed.steps).toEqual([{ kind: 'removeRoles', subject: alice, id: 'u1', roles: ['licensed_user'] }]);
  });

  it('skips subjects not found in Keycloak yet', () => {
    expect(planBinding(input({ subjects: [{ key: alice, present: [] }], ledger: [b('one', ['admin'])] })).steps).toEqual([]);
  });
});
