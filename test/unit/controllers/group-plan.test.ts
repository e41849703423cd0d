import { childPath, classifyGroup, planGroup, planGroupDeletion, type DesiredGroup } from '../../../src/controllers/group/plan.js';

const desired: DesiredGroup = { name: 'platform', parentId: 'p1', owner: 'ns/platform' };

describe('classifyGroup', () => {
  it.each([
    ['nothing found', undefined, undefined, false, 'none'],
    ['the id status recorded, even renamed', { id: 'g1', name: 'renamed' }, 'g1', false, 'ours'],
    ['our owner mark (created, status not yet written)', { id: 'g1', name: 'platform', owner: 'ns/platform' }, undefined, false, 'ours'],
    ['another resource owner mark', { id: 'g1', name: 'platform', owner: 'other/platform' }, undefined, false, 'foreign'],
    ['another resource owner mark, adopt asked for', { id: 'g1', name: 'platform', owner: 'other/platform' }, undefined, true, 'foreign'],
    ['no mark: a group made by hand, adopt asked for', { id: 'g1', name: 'platform' }, undefined, true, 'adoptable'],
    ['no mark: a group made by hand, no adopt annotation', { id: 'g1', name: 'platform' }, undefined, false, 'adoptionRequired'],
  ] as const)('%s', (_name, found, knownId, adopt, expected) => {
    expect(classifyGroup(desired, found, knownId, adopt)).toBe(expected);
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
  it('never touches a group made by hand that the DashGroup does not ask to adopt', () => {
    expect(planGroup(desired, { id: 'g1', name: 'renamed' }, 'adoptionRequired')).toEqual([]);
  });
  it.each([[undefined, 'a', 'a'], ['/a/b/', 'c', 'a/b/c'], ['a', 'b', 'a/b']])('joins %j and %j as %j', (parent, name, path) => {
    expect(childPath(parent, name)).toBe(path);
  });
});

describe('planGroupDeletion', () => {
  const base = { owner: 'ns/platform', path: 'platform' };
  it.each([
    ['created by us, no policy', undefined, { owner: 'ns/platform', subGroupCount: 0 }, 'delete', false],
    ['created by us, Delete', 'Delete', { owner: 'ns/platform' }, 'delete', false],
    ['created by us, Retain', 'Retain', { owner: 'ns/platform' }, 'retain', false],
    ['adopted (no mark), no policy', undefined, {}, 'retain', false],
    ['adopted (no mark), Delete asked: kept with a warning', 'Delete', {}, 'retain', true],
    ["another resource's group, Delete asked: kept with a warning", 'Delete', { owner: 'other/platform' }, 'retain', true],
    ['ours with a subgroup left (not ours to delete): kept with a warning', undefined, { owner: 'ns/platform', subGroupCount: 1 }, 'retain', true],
    ['gone already', 'Delete', undefined, 'retain', false],
  ] as const)('%s', (_name, policy, found, kind, warns) => {
    const decision = planGroupDeletion({ ...base, policy, found });
    expect(decision.kind).toBe(kind);
    expect(decision.kind === 'retain' && decision.warning !== undefined).toBe(warns);
  });
  it('names the group and why in the warning', () => {
    const decision = planGroupDeletion({ ...base, policy: undefined, found: { owner: 'ns/platform', subGroupCount: 2 } });
    expect(decision).toEqual({ kind: 'retain', warning: expect.stringContaining('Keycloak group platform has 2 subgroup(s)') });
  });
});
