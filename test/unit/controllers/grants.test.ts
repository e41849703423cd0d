import { grantsFor, ownedBy, planSubjectRoles, recordedByOthers, type BindingGrants } from '../../../src/controllers/rolebinding/grants.js';

const manageable = new Set(['viewer', 'licensed_user', 'admin']);
const binding = (name: string, roles: string[], over: Partial<BindingGrants> = {}): BindingGrants => ({
  binding: `ns/${name}`, roles, subjects: new Set(['User:alice']), deleting: false, owned: new Map(), ...over,
});
const set = (xs: string[]) => new Set(xs);
/** A plan where this binding grants `mine`, the ledger grants `granted`, and records are as given. */
const plan = (o: { granted?: string[]; mine?: string[]; present?: string[]; owned?: string[]; myRecord?: string[]; others?: string[]; exclusive?: boolean; addable?: boolean }) =>
  planSubjectRoles({
    granted: set(o.granted ?? o.mine ?? []), mine: set(o.mine ?? []), present: set(o.present ?? []),
    owned: set([...(o.owned ?? []), ...(o.myRecord ?? [])]), myRecord: set(o.myRecord ?? []), recordedByOthers: set(o.others ?? []),
    manageable, exclusive: o.exclusive ?? false, addable: o.addable ?? true,
  });

describe('role grant ledger', () => {
  it('counts every live binding that grants a role to a subject', () => {
    const grants = grantsFor('User:alice', [binding('b', ['licensed_user']), binding('a', ['licensed_user', 'admin']), binding('c', ['admin'], { deleting: true })]);
    expect([...grants]).toEqual([['licensed_user', ['ns/a', 'ns/b']], ['admin', ['ns/a']]]);
  });

  it('collects ownership recorded by any binding, deleting ones included', () => {
    const owned = ownedBy('User:alice', [binding('a', [], { deleting: true, owned: new Map([['User:alice', ['admin']]]) })]);
    expect([...owned]).toEqual(['admin']);
  });

  it('counts as recorded by others only what a live binding both grants and records', () => {
    const alice = (roles: string[]) => new Map([['User:alice' as const, roles]]);
    const ledger = [
      binding('self', ['admin'], { owned: alice(['admin']) }),
      binding('live', ['admin'], { owned: alice(['admin', 'licensed_user']) }),
      binding('gone', ['viewer'], { deleting: true, owned: alice(['viewer']) }),
    ];
    expect([...recordedByOthers('User:alice', 'ns/self', ledger)]).toEqual(['admin']);
  });
});

describe('planSubjectRoles', () => {
  it.each([
    ['observed equals desired gives an empty plan', { mine: ['admin'], present: ['admin'], myRecord: ['admin'] }, { add: [], remove: [], record: ['admin'], manual: [], handoff: [] }],
    ['adds a missing role it grants and records it', { mine: ['licensed_user'] }, { add: ['licensed_user'], remove: [], record: ['licensed_user'], manual: [], handoff: [] }],
    ['a role present before any record is manual', { mine: ['admin'], present: ['admin'] }, { add: [], remove: [], record: [], manual: ['admin'], handoff: [] }],
    ['a recorded role found present (written before a crash) is owned', { mine: ['admin'], present: ['admin'], myRecord: ['admin'] }, { add: [], remove: [], record: ['admin'], manual: [], handoff: [] }],
    ['removes an owned role nobody grants any more', { present: ['licensed_user'], myRecord: ['licensed_user'] }, { add: [], remove: ['licensed_user'], record: [], manual: [], handoff: [] }],
    ['drops the record of a role that is gone', { myRecord: ['admin'] }, { add: [], remove: [], record: [], manual: [], handoff: [] }],
    ['keeps a manual role nobody grants (Additive)', { present: ['admin'] }, { add: [], remove: [], record: [], manual: ['admin'], handoff: [] }],
    ['removes a manual role nobody grants (Exclusive)', { present: ['admin'], exclusive: true }, { add: [], remove: ['admin'], record: [], manual: [], handoff: [] }],
    ['never removes roles outside the manageable set', { present: ['offline_access'], myRecord: ['offline_access'], exclusive: true }, { add: [], remove: [], record: [], manual: [], handoff: [] }],
    ['never adds an unknown role', { mine: ['ghost'] }, { add: [], remove: [], record: [], manual: [], handoff: [] }],
    ['adds only what this binding grants', { granted: ['admin', 'licensed_user'], mine: ['admin'] }, { add: ['admin'], remove: [], record: ['admin'], manual: [], handoff: [] }],
    ['takes a share of a role another binding recorded', { mine: ['admin'], present: ['admin'], owned: ['admin'] }, { add: [], remove: [], record: ['admin'], manual: [], handoff: [] }],
    ['keeps its record while the only other granter has not recorded it', { granted: ['admin'], present: ['admin'], myRecord: ['admin'] }, { add: [], remove: [], record: ['admin'], manual: [], handoff: ['admin'] }],
    ['lets its record go once a live granter records it', { granted: ['admin'], present: ['admin'], myRecord: ['admin'], others: ['admin'] }, { add: [], remove: [], record: [], manual: [], handoff: [] }],
    ['a subject only the record knows gets nothing added', { mine: ['admin'], addable: false }, { add: [], remove: [], record: [], manual: [], handoff: [] }],
  ])('%s', (_name, input, expected) => {
    expect(plan(input)).toEqual(expected);
  });
});
