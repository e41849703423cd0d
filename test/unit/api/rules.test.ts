import { effectiveDeletionPolicy, keycloakGroupName, normalizeGroupPath, parseSpec } from '../../../src/api/index.js';

describe('effectiveDeletionPolicy', () => {
  it.each([
    ['DashUser', undefined, false, 'Delete'],
    ['DashUser', undefined, true, 'Retain'],
    ['DashUser', 'Delete', true, 'Delete'],
    ['DashUser', 'Disable', false, 'Disable'],
    ['DashUser', 'Disable', true, 'Disable'],
    ['DashGroup', 'Retain', false, 'Retain'],
    ['DashGroup', undefined, true, 'Retain'],
    ['DashRealm', 'Delete', false, 'Delete'],
    ['DashRealm', 'Delete', true, 'Retain'],
    ['DashRealm', undefined, false, 'Retain'],
  ] as const)('%s with deletionPolicy %s, adopted %s: %s', (kind, deletionPolicy, adopted, expected) => {
    expect(effectiveDeletionPolicy(kind, deletionPolicy ? { deletionPolicy } : {}, adopted)).toBe(expected);
  });
});

describe('group names and paths', () => {
  it('uses metadata.name unless spec.name is set', () => {
    const parsed = parseSpec('DashGroup', { spec: { realmRef: { name: 'dash' } } });
    if (!parsed.ok) throw new Error(parsed.message);
    expect(keycloakGroupName({ metadata: { name: 'data-science' }, spec: parsed.spec })).toBe('data-science');
    expect(keycloakGroupName({ metadata: { name: 'ds' }, spec: { ...parsed.spec, name: 'Data Science' } })).toBe('Data Science');
  });

  it('accepts a leading slash and drops it', () => {
    expect(normalizeGroupPath('/engineering/platform')).toBe('engineering/platform');
    expect(normalizeGroupPath('engineering')).toBe('engineering');
  });
});
