import { useOperator, type OperatorUnderTest } from './harness.js';

// "Ready" is what `kubectl wait --for=condition=Ready` and Argo CD look at. Once every object
// of a realm reports Ready for its generation, a user's status must already show every grant:
// a pipeline that reads effectiveRoles right after the wait must not see the old roles.

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
type Obj = { metadata: { generation?: number }; status?: { observedGeneration?: number; effectiveRoleNames?: string[]; conditions?: { type: string; status: string; observedGeneration?: number }[] } };

const users = ['ann', 'ben', 'cal', 'dee', 'eve'];
// ann and cal in analysts (under data), ben and dee in data, eve in no group.
const groupOf = (i: number) => (i === 4 ? [] : [{ name: i % 2 ? 'data' : 'analysts' }]);
const manifests = (licensed: string[], groupRoles = ['admin']) => [
  { apiVersion: v, kind: 'DashGroup', metadata: { name: 'data' }, spec: { realmRef } },
  { apiVersion: v, kind: 'DashGroup', metadata: { name: 'analysts' }, spec: { realmRef, parentRef: { name: 'data' } } },
  ...users.map((name, i) => ({ apiVersion: v, kind: 'DashUser', metadata: { name }, spec: { realmRef, username: name, groups: groupOf(i) } })),
  { apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'data-admin' }, spec: { realmRef, roles: groupRoles, subjects: [{ kind: 'Group', name: 'data' }] } },
  { apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'licensed' }, spec: { realmRef, roles: ['licensed_user'], subjects: licensed.map((name) => ({ kind: 'User', name })) } },
];
const objects: [string, string][] = [
  ['DashRealm', 'dash'], ['DashGroup', 'data'], ['DashGroup', 'analysts'], ...users.map((u): [string, string] => ['DashUser', u]),
  ['DashRoleBinding', 'data-admin'], ['DashRoleBinding', 'licensed'],
];

const readyForGeneration = (o: Obj | undefined) => o !== undefined && o.status?.observedGeneration === o.metadata.generation
  && (o.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True' && c.observedGeneration === o.metadata.generation);

/** Polls every object until all are Ready for their generation; returns the users' effective roles read in that same sweep. */
async function effectiveRolesOnceAllReady(op: OperatorUnderTest, timeoutMs = 120_000): Promise<Record<string, string[]>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const read = await Promise.all(objects.map(async ([kind, name]) => [kind, name, await op.get<Obj>(kind as never, name)] as const));
    if (read.every(([, , o]) => readyForGeneration(o))) {
      return Object.fromEntries(read.filter(([kind]) => kind === 'DashUser').map(([, name, o]) => [name, [...(o?.status?.effectiveRoleNames ?? [])].sort()]));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the objects were not all Ready within ${timeoutMs} ms`);
}

describe('once every object is Ready for its generation', () => {
  const { op } = useOperator({ extraArgs: ['--resync-period=1h'], realm: {} });

  it('every user already shows its group grant and its direct grant', async () => {
    op.apply(manifests(['ann', 'ben', 'cal']));
    expect(await effectiveRolesOnceAllReady(op)).toEqual({
      ann: ['admin', 'licensed_user', 'viewer'], ben: ['admin', 'licensed_user', 'viewer'], cal: ['admin', 'licensed_user', 'viewer'],
      dee: ['admin', 'viewer'], eve: ['viewer'],
    });
  });

  it('a binding edited to name one more user: that user shows the grant as soon as everything is Ready again', async () => {
    await editAndWait('licensed', manifests(['ann', 'ben', 'cal', 'eve']));
    expect((await effectiveRolesOnceAllReady(op)).eve).toEqual(['licensed_user', 'viewer']);
  });

  it('a group binding given one more role: its members show it as soon as everything is Ready again', async () => {
    await editAndWait('data-admin', manifests(['ann', 'ben', 'cal', 'eve'], ['admin', 'licensed_user']));
    expect((await effectiveRolesOnceAllReady(op)).dee).toEqual(['admin', 'licensed_user', 'viewer']);
  });

  /** Applies `next` and waits until the API server holds the binding's new generation. */
  async function editAndWait(binding: string, next: object[]): Promise<void> {
    const before = (await op.get<Obj>('DashRoleBinding', binding))?.metadata.generation ?? 0;
    op.apply(next);
    await op.waitFor<Obj>('DashRoleBinding', binding, (o) => (o.metadata.generation ?? 0) > before);
  }
});
