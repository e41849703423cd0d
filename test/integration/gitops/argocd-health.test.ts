import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LuaFactory, type LuaEngine } from 'wasmoon';
import { parse } from 'yaml';
import { KIND_NAMES } from '../../../src/api/index.js';
import { repoRoot } from '../../env/test-env.js';
import { readyCondition, useOperator } from '../operator/harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const healthLua = readFileSync(join(repoRoot, 'deploy', 'argocd', 'health.lua'), 'utf8');

/** What Argo CD's health assessment returns for a resource. */
interface Health { status: string; message: string }

/** Runs deploy/argocd/health.lua as Argo CD does: the object as the global `obj`, the script's return value as the health. */
async function argoHealth(lua: LuaEngine, obj: unknown): Promise<Health> {
  lua.global.set('obj', obj);
  return await lua.doString(healthLua) as Health;
}

describe('Argo CD health checks (deploy/argocd) on real objects of the running operator', () => {
  const { op } = useOperator({ realm: {} });
  let lua: LuaEngine;
  beforeAll(async () => {
    lua = await new LuaFactory().createEngine();
  });
  afterAll(() => lua?.global.close());

  it('ships the same Lua for the four kinds in the argocd-cm snippet', () => {
    const cm = parse(readFileSync(join(repoRoot, 'deploy', 'argocd', 'argocd-cm.yaml'), 'utf8')) as { data: Record<string, string> };
    for (const kind of KIND_NAMES) {
      expect(cm.data[`resource.customizations.health.identity.dashops.dev_${kind}`]?.trim()).toBe(healthLua.trim());
    }
  });

  it('is Healthy when Ready is True for the current generation', async () => {
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'healthy' }, spec: { realmRef: { name: 'dash' } } });
    const group = await op.waitReady('DashGroup', 'healthy');
    expect(await argoHealth(lua, group)).toMatchObject({ status: 'Healthy' });
    expect(await argoHealth(lua, await op.waitReady('DashRealm', 'dash'))).toMatchObject({ status: 'Healthy' });
  });

  it('is Progressing while an object waits for another (WaitingForGroup)', async () => {
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'waiting' }, spec: { realmRef: { name: 'dash' }, username: 'waiting', groups: [{ name: 'not-yet' }] } });
    const user = await op.waitFor('DashUser', 'waiting', (u) => readyCondition(u)?.reason === 'WaitingForGroup');
    expect(await argoHealth(lua, user)).toEqual({ status: 'Progressing', message: expect.stringContaining('WaitingForGroup') as string });
  });

  it('is Degraded when an object cannot reconcile until someone acts (Conflict)', async () => {
    op.apply([
      { apiVersion: v, kind: 'DashGroup', metadata: { name: 'first' }, spec: { realmRef: { name: 'dash' }, name: 'shared' } },
    ]);
    await op.waitReady('DashGroup', 'first');
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'second' }, spec: { realmRef: { name: 'dash' }, name: 'shared' } });
    const second = await op.waitFor('DashGroup', 'second', (g) => readyCondition(g)?.reason === 'Conflict');
    expect(await argoHealth(lua, second)).toEqual({ status: 'Degraded', message: expect.stringContaining('Conflict') as string });
  });

  it('is Progressing while an object is being deleted and its cleanup waits', async () => {
    op.apply([
      { apiVersion: v, kind: 'DashGroup', metadata: { name: 'parent' }, spec: { realmRef: { name: 'dash' } } },
      { apiVersion: v, kind: 'DashGroup', metadata: { name: 'child' }, spec: { realmRef: { name: 'dash' }, parentRef: { name: 'parent' } } },
    ]);
    await op.waitReady('DashGroup', 'child');
    op.delete('DashGroup', 'parent');
    // Keycloak deletes subgroups with their parent, so the parent waits for its child DashGroup.
    const parent = await op.waitFor('DashGroup', 'parent', (g) => readyCondition(g)?.reason === 'Deleting');
    expect((parent as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp).toBeDefined();
    expect(await argoHealth(lua, parent)).toEqual({ status: 'Progressing', message: expect.stringContaining('child DashGroups') as string });
  });

  it('is Progressing when the spec changed and the operator has not reconciled it yet (observedGeneration behind)', async () => {
    await op.waitReady('DashGroup', 'healthy');
    await op.stop(); // nobody reconciles from here on: status keeps the old generation
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'healthy' }, spec: { realmRef: { name: 'dash' }, deletionPolicy: 'Retain' } });
    const group = await op.waitFor<{ metadata: { generation: number }; status: { observedGeneration: number } }>(
      'DashGroup', 'healthy', (g) => g.metadata.generation > g.status.observedGeneration,
    );
    expect(readyCondition(group)?.status).toBe('True');
    expect(await argoHealth(lua, group)).toEqual({ status: 'Progressing', message: `Waiting for the operator to reconcile generation ${group.metadata.generation}` });
  });
});
