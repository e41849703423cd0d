import { execFileSync } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, parseStatus, type Kind } from '../../../src/api/index.js';
import { uniqueName } from '../../env/test-env.js';
import { binding, group, realm, user, type Manifest } from './admission-cases.js';
import { useCrdNamespace } from './crd-fixture.js';

const { env, custom, namespace, target } = useCrdNamespace('api-serving');
const kubectl = (...args: string[]) => execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args], { encoding: 'utf8' });
const ready = { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'Keycloak matches the spec', lastTransitionTime: '2026-11-23T08:00:00Z', observedGeneration: 1 };

async function create(m: Manifest, name: string): Promise<void> {
  await custom.createNamespacedCustomObject({ ...target(m.kind), body: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: m.kind, metadata: { name }, spec: m.spec } });
}

function writeStatus(kind: Kind, name: string, status: object): Promise<{ status?: unknown }> {
  return custom.patchNamespacedCustomObjectStatus({ ...target(kind), name, body: [{ op: 'add', path: '/status', value: status }], fieldValidation: 'Strict' });
}

beforeAll(async () => {
  await create(realm(), 'dash');
  await create(group({ name: 'data-science' }), 'data-science');
  await create(user(), 'alice');
  await create(binding(), 'alice-licensed');
});

describe('the CRDs as served', () => {
  it('lists all four kinds under the category dash', () => {
    const names = kubectl('get', 'dash', '-n', namespace, '-o', 'name').trim().split('\n').sort();
    expect(names).toEqual([
      `dashgroup.${API_GROUP}/data-science`, `dashrealm.${API_GROUP}/dash`, `dashrolebinding.${API_GROUP}/alice-licensed`, `dashuser.${API_GROUP}/alice`,
    ]);
  });

  it('accepts status in the shape the runtime writes, through the status subresource, and parseStatus reads it back', async () => {
    const status = {
      observedGeneration: 1, conditions: [ready], keycloakId: '5f0c', adopted: false,
      assignedRoles: ['licensed_user'], effectiveRoles: [{ name: 'licensed_user', sources: ['direct'] }, { name: 'viewer', sources: ['default'] }],
      effectiveRoleNames: ['licensed_user', 'viewer'],
      groups: ['engineering/data-science'], sessions: 2, logoutPending: true, logoutPendingSince: '2026-11-23T08:01:00Z',
    };
    const written = await writeStatus('DashUser', 'alice', status);
    expect(written.status).toEqual(status);
    expect(parseStatus('DashUser', written)).toEqual({ ok: true, value: status });
  });

  it('shows Ready, the username, roles and logout pending in kubectl get', () => {
    const table = kubectl('get', 'dashusers', '-n', namespace);
    expect(table).toMatch(/^NAME\s+READY\s+REASON\s+USERNAME\s+ROLES\s+LOGOUT PENDING\s+LICENSE HELD\s+LOCKED OUT\s+AGE/);
    expect(table).toMatch(/alice\s+True\s+Reconciled\s+alice\s+\["licensed_user","viewer"\]\s+true/);
  });

  it('shows the group path and pending logouts of a group', async () => {
    await writeStatus('DashGroup', 'data-science', {
      observedGeneration: 1, conditions: [ready], path: 'engineering/data-science', roles: ['admin'], inheritedRoles: [], members: 3,
      logoutPending: 1, usersPendingLogout: ['alice'], effectiveRolesChangedAt: '2026-11-23T08:00:30Z',
    });
    expect(kubectl('get', 'dgroup', '-n', namespace)).toMatch(/data-science\s+True\s+Reconciled\s+engineering\/data-science\s+\["admin"\]\s+3\s+1/);
  });

  it('refuses a condition whose status is not True, False or Unknown', async () => {
    const error = await writeStatus('DashRealm', 'dash', { conditions: [{ ...ready, status: 'Maybe' }] }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(k8s.ApiException);
    expect(String((error as k8s.ApiException<unknown>).body)).toContain('status.conditions[0].status: Unsupported value: \\"Maybe\\"');
  });

  it('ignores status sent with the main resource (status is a subresource)', async () => {
    const name = uniqueName('bob');
    await custom.createNamespacedCustomObject({
      ...target('DashUser'), body: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: 'DashUser', metadata: { name }, spec: user({ username: 'bob' }).spec, status: { sessions: 1 } },
    });
    const got = await custom.getNamespacedCustomObject({ ...target('DashUser'), name }) as { status?: unknown };
    expect(got.status).toBeUndefined();
  });
});
