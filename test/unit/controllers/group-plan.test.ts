import { childPath, classifyGroup, planGroup, type DesiredGroup } from '../../../src/controllers/group/plan.js';

const desired: DesiredGroup = { name: 'platform', parentId: 'p1', owner: 'ns/platform' };

describe('classifyGroup', () => {
  it.each([
    ['nothing found', undefined, undefined, 'none'],
    ['the id status recorded, even renamed', { id: 'g1', name: 'renamed' }, 'g1', 'ours'],
    ['our owner mark (created, status not yet written)', { id: 'g1', name: 'platform', owner: 'ns/platform' }, undefined, 'ours'],
    ['another resource owner mark', { id: 'g1', name: 'platform', owner: 'other/platform' }, undefined, 'foreign'],
    ['no mark: a group made by hand', { id: 'g1', name: 'platform' }, undefined, 'adoptable'],
  ] as const)('%s', (_name, found, knownId, expected) => {
    expect(classifyGroup(desired, found, knownId)).toBe(expected);
  });
});

describe('planGroup', () => {
  it('observed equals desired gives an empty plan', () => {
    expect(planGroup(desired, { id: 'g1', name: 'platform', owner: 'ns/platform' }, 'ours')).toEqual([]);
  });
  it('creates a missing group under its parent with the owner mark', () => {
    expect(planGroup(desired, undefined, 'none')).toEqual([{ kind: 'createGroup', name: 'platform', parentId: 'p1', owner: 'ns/platform' }]);
  });
  it('renames a group that drifted', () => {
    expect(planGroup(desired, { id: 'g1', name: 'renamed' }, 'ours')).toEqual([{ kind: 'renameGroup', id: 'g1', name: 'platform' }]);
  });
  it('adopts without writing anything', () => {
    expect(planGroup(desired, { id: 'g1', name: 'platform' }, 'adoptable')).toEqual([]);
  });
  it('never touches a group another resource owns', () => {
    expect(planGroup(desired, { id: 'g1', name: 'renamed', owner: 'x/y' }, 'foreign')).toEqual([]);
  });
  it.each([[undefined, 'a', 'a'], ['/a/b/', 'c', 'a/b/c'], ['a', 'b', 'a/b']])('joins %j and %j as %j', (parent, name, path) => {
    expect(childPath(parent, name)).toBe(path);
  });
});
