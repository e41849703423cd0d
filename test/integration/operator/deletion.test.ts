import { execFileSync } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { loadTestEnv } from '../../env/test-env.js';
import { eventually } from '../support/keycloak-fixtures.js';
import { KeycloakRest } from '../support/keycloak-rest.js';
import { isReady, startOperator, useOperator, type OperatorUnderTest } from './harness.js';

// Issue 13 item 2: deletion removes only what is ours, and deleting a namespace completes.
// Keycloak is read through raw REST (test/integration/support/keycloak-rest.ts), never
// through src/keycloak.

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const ADOPT = { 'identity.dashops.dev/adopt': 'true' };

type WithStatus = { status?: { keycloakId?: string } };

function kubectl(op: OperatorUnderTest, args: string[], input?: string): string {
  return execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, ...args], { encoding: 'utf8', input, timeout: 60_000, stdio: ['pipe', 'pipe', 'pipe'] });
}

function warnings(op: OperatorUnderTest, name: string): { reason: string; note: string }[] {
  const events = JSON.parse(kubectl(op, ['-n', op.namespace, 'get', 'events.events.k8s.io', '-o', 'json'])) as
    { items: { type: string; reason: string; note?: string; regarding: { name: string } }[] };
  return events.items.filter((e) => e.type === 'Warning' && e.regarding.name === name).map((e) => ({ reason: e.reason, note: e.note ?? '' }));
}

describe('deleting a DashGroup removes only a group the operator created, with nothing of others under it', () => {
  const { op, rest } = useOperator({ realm: {} });
  const gone = (kind: 'DashGroup', name: string) => eventually(`${kind} ${name} to be deleted`, async () => (await op.get(kind, name)) === undefined, 30_000);
  const group = (id: string) => rest.get<{ id: string; subGroupCount?: number }>(`/${op.realm}/groups/${id}`);

  it('deletes a group it created (the control case)', async () => {
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'temp' }, spec: { realmRef } });
    const id = (await op.waitReady<WithStatus>('DashGroup', 'temp')).status!.keycloakId!;
    op.delete('DashGroup', 'temp');
    await gone('DashGroup', 'temp');
    expect(await group(id)).toBeUndefined();
  });

  it('keeps an adopted group even with deletionPolicy Delete, and says why', async () => {
    const made = await rest.write('POST', `/${op.realm}/groups`, { name: 'legacy' });
    const id = made.location!.split('/').pop()!;
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'legacy', annotations: ADOPT }, spec: { realmRef, deletionPolicy: 'Delete' } });
    await op.waitReady('DashGroup', 'legacy');
    op.delete('DashGroup', 'legacy');
    await gone('DashGroup', 'legacy');
    expect(await group(id)).toMatchObject({ id });
    expect(warnings(op, 'legacy')).toContainEqual({ reason: 'DeletionRetained', note: expect.stringContaining('was not created by this operator') });
  });

  it('keeps a group it created when a subgroup nobody manages lives under it', async () => {
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'team' }, spec: { realmRef } });
    const id = (await op.waitReady<WithStatus>('DashGroup', 'team')).status!.keycloakId!;
    const child = await rest.write('POST', `/${op.realm}/groups/${id}/children`, { name: 'made-by-hand' });
    const childId = child.location!.split('/').pop()!;
    op.delete('DashGroup', 'team');
    await gone('DashGroup', 'team');
    expect(await group(id)).toMatchObject({ id, subGroupCount: 1 });
    expect(await group(childId)).toMatchObject({ id: childId });
    expect(warnings(op, 'team')).toContainEqual({ reason: 'DeletionRetained', note: expect.stringContaining('1 subgroup(s)') });
  });
});

describe('deleting a namespace (its Secrets and Dash resources at once)', () => {
  const env = loadTestEnv();
  const keycloak = new KeycloakRest(env);
  const rest = () => keycloak;
  const ops: OperatorUnderTest[] = [];
  const realms: string[] = [];
  afterAll(async () => {
    for (const op of ops) await op.stop();
    for (const realm of realms) await rest().deleteRealm(realm);
  });

  /** A DashRealm on `url` with its own credentials Secret, plus a group, a user and a binding, all Ready. */
  async function tenant(op: OperatorUnderTest, url: string): Promise<{ groupId: string; userId: string }> {
    realms.push(op.realm);
    kubectl(op, ['-n', op.namespace, 'create', 'secret', 'generic', 'keycloak-admin',
      `--from-literal=clientId=${op.env.KEYCLOAK_ADMIN_CLIENT_ID}`, `--from-literal=clientSecret=${op.env.KEYCLOAK_ADMIN_CLIENT_SECRET}`]);
    op.apply([
      { apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: op.realm, deletionPolicy: 'Delete', keycloak: { url, credentialsSecretRef: { name: 'keycloak-admin' } } } },
      { apiVersion: v, kind: 'DashGroup', metadata: { name: 'analysts' }, spec: { realmRef } },
      { apiVersion: v, kind: 'DashUser', metadata: { name: 'alice' }, spec: { realmRef, username: 'alice', groups: [{ name: 'analysts' }] } },
      { apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'viewers' }, spec: { realmRef, roles: ['admin'], subjects: [{ kind: 'User', name: 'alice' }] } },
    ]);
    await op.waitReady('DashRealm', 'dash');
    const group = await op.waitReady<WithStatus>('DashGroup', 'analysts');
    const user = await op.waitReady<WithStatus>('DashUser', 'alice');
    // A binding records a grant one pass before it maps it (Ready=False, Progressing): Ready with nothing pending.
    await op.waitFor<{ status?: { subjects?: { pending?: string[] }[] } }>('DashRoleBinding', 'viewers',
      (o) => isReady(o) && (o.status?.subjects ?? []).length > 0 && (o.status?.subjects ?? []).every((s) => (s.pending ?? []).length === 0));
    return { groupId: group.status!.keycloakId!, userId: user.status!.keycloakId! };
  }

  /**
   * Deletes the namespace's Secrets and Dash resources at once, as the namespace controller
   * does when a namespace is deleted, and waits until every Dash resource is gone. (This test
   * environment runs no kube-controller-manager, so a deleted namespace itself would stay
   * Terminating with its objects untouched; the operator's part is what is tested here.)
   */
  const deleteNamespaceContent = async (op: OperatorUnderTest, timeoutMs: number) => {
    kubectl(op, ['-n', op.namespace, 'delete', 'secrets,dashrealms,dashgroups,dashusers,dashrolebindings', '--all', '--wait=false']);
    await eventually(`every Dash resource in ${op.namespace} to be gone`,
      async () => kubectl(op, ['-n', op.namespace, 'get', 'dashrealms,dashgroups,dashusers,dashrolebindings', '-o', 'name']).trim() === '', timeoutMs);
  };

  it('completes with Keycloak reachable, cleaning Keycloak per policy although the credentials Secret goes at the same time', async () => {
    const lease = `lease-${Date.now().toString(36)}`;
    const op = await startOperator({ leaseNamespace: 'default', extraArgs: [`--leader-election-id=${lease}`] });
    ops.push(op);
    await tenant(op, op.env.KEYCLOAK_URL);
    await deleteNamespaceContent(op, 90_000);
    expect(await rest().realm(op.realm)).toBeUndefined();
    expect(['dash', 'analysts', 'alice', 'viewers'].flatMap((name) => warnings(op, name)).map((w) => w.reason)).not.toContain('CleanupAbandoned');
  }, 180_000);

  it('completes within the cleanup timeout with Keycloak down, leaving every Keycloak object in place', async () => {
    const proxy = await tcpProxy(new URL(env.KEYCLOAK_URL));
    const url = `http://127.0.0.1:${proxy.port}`;
    const lease = `lease-${Date.now().toString(36)}`;
    const op = await startOperator({ leaseNamespace: 'default', extraArgs: [`--leader-election-id=${lease}`, `--allowed-keycloak-urls=${url}`, '--cleanup-timeout=5s'] });
    ops.push(op);
    const { groupId, userId } = await tenant(op, url);
    const realmBefore = await rest().realm(op.realm);
    await proxy.close(); // Keycloak is unreachable for this DashRealm from now on
    const started = Date.now();
    await deleteNamespaceContent(op, 120_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    const realm = await rest().realm(op.realm);
    expect(realm?.id).toBe(realmBefore?.id);
    expect(realm?.attributes?.['identity.dashops.dev/owner']).toBe(realmBefore?.attributes?.['identity.dashops.dev/owner']);
    expect(await rest().get(`/${op.realm}/groups/${groupId}`)).toMatchObject({ id: groupId });
    expect(await rest().get(`/${op.realm}/users/${userId}`)).toMatchObject({ id: userId });
    const admin = await rest().userClientRoles(op.realm, userId, 'dash');
    expect(admin).toContain('admin');
    for (const name of ['dash', 'analysts', 'alice', 'viewers']) {
      expect(warnings(op, name)).toContainEqual({ reason: 'CleanupAbandoned', note: expect.stringContaining('stays in Keycloak') });
    }
  }, 240_000);
});

/** A TCP proxy to Keycloak on a free loopback port; close() stops it and cuts every connection. */
async function tcpProxy(target: URL): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
