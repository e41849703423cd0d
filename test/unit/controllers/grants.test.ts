import { grantsFor, ownedBy, planSubjectRoles, type BindingGrants } from '../../../src/controllers/rolebinding/grants.js';

const manageable = new Set(['viewer', 'licensed_user', 'admin']);
const binding = (name: string, roles: string[], over: Partial<BindingGrants> = {}): BindingGrants => ({
  binding: `ns/${name}`, roles, subjects: ['User:alice'], deleting: false, owned: new Map(), ...over,
});
const plan = (granted: string[], present: string[], owned: string[], exclusive = false) =>
  planSubjectRoles({ granted: new Set(granted), present: new Set(present), owned: new Set(owned), manageable, exclusive });

describe('role grant ledger', () => {
  it('counts every live binding that grants a role to a subject', () => {
    const grants = grantsFor('User:alice', [binding('b', ['licensed_user']), binding('a', ['licensed_user', 'admin']), binding('c', ['admin'], { deleting: true })]);
    expect([...grants]).toEqual([['licensed_user', ['ns/a', 'ns/b']], ['admin', ['ns/a']]]);
  });

  it('collects ownership recorded by any binding, deleting ones included', () => {
    const owned = ownedBy('User:alice', [binding('a', [], { deleting: true, owned: new Map([['User:alice', ['admin']]]) })]);
    expect([...owned]).toEqual(['admin']);
  });
});

describe('planSubjectRoles', () => {
  it.each([
    ['observed equals desired gives an empty plan', ['admin'], ['admin'], ['admin'], false, { add: [], remove: [], owned: ['admin'], manual: [] }],
    ['adds a missing granted role and owns it', ['licensed_user'], [], [], false, { add: ['licensed_user'], remove: [], owned: ['licensed_user'], manual: [] }],
    ['a role present before any grant is manual', ['admin'], ['admin'], [], false, { add: [], remove: [], owned: [], manual: ['admin'] }],
    ['removes an owned role nobody grants any more', [], ['licensed_user'], ['licensed_user'], false, { add: [], remove: ['licensed_user'], owned: [], manual: [] }],
    ['keeps a manual role nobody grants (Additive)', [], ['admin'], [], false, { add: [], remove: [], owned: [], manual: ['admin'] }],
    ['removes a manual role nobody grants (Exclusive)', [], ['admin'], [], true, { add: [], remove: ['admin'], owned: [], manual: [] }],
    ['never removes roles outside the manageable set', [], ['offline_access'], ['offline_access'], true, { add: [], remove: [], owned: [], manual: [] }],
    ['never adds an unknown role', ['ghost'], [], [], false, { add: [], remove: [], owned: [], manual: [] }],
  ])('%s', (_name, granted, present, owned, exclusive, expected) => {
    expect(plan(granted, present, owned, exclusive)).toEqual(expected);
  });

  it('keeps a role while a second binding still grants it', () => {
    // Two bindings grant licensed_user; the first is deleted: still granted by the second.
    expect(plan(['licensed_user'], ['licensed_user'], ['licensed_user']).remove).toEqual([]);
  });
});
