import * as k8s from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type Kind } from '../../../src/api/index.js';
import { uniqueName } from '../../env/test-env.js';
import { binding, group, realm, user, type Manifest } from './admission-cases.js';
import { useCrdNamespace } from './crd-fixture.js';

const { custom, target } = useCrdNamespace('api-immutable');

async function created(m: Manifest): Promise<string> {
  const name = uniqueName(m.kind.toLowerCase());
  await custom.createNamespacedCustomObject({ ...target(m.kind), body: { apiVersion: `${API_GROUP}/${API_VERSION}`, kind: m.kind, metadata: { name }, spec: m.spec } });
  return name;
}

type Op = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown };
const patch = (kind: Kind, name: string, ops: Op[]) => custom.patchNamespacedCustomObject({ ...target(kind), name, body: ops, fieldValidation: 'Strict' });

describe('natural keys are immutable after creation', () => {
  it.each<[string, Manifest, Op, string, string]>([
    ['DashRealm spec.realm', realm(), { op: 'replace', path: '/spec/realm', value: 'other' }, 'spec.realm', 'spec.realm is immutable'],
    ['DashRealm spec.clientId', realm(), { op: 'replace', path: '/spec/clientId', value: 'other' }, 'spec.clientId', 'spec.clientId is immutable'],
    ['DashGroup spec.name, added later', group(), { op: 'add', path: '/spec/name', value: 'other' }, 'spec.name', 'spec.name is immutable'],
    ['DashGroup spec.name, changed', group({ name: 'eng' }), { op: 'replace', path: '/spec/name', value: 'other' }, 'spec.name', 'spec.name is immutable'],
    ['DashGroup spec.name, removed', group({ name: 'eng' }), { op: 'remove', path: '/spec/name' }, 'spec.name', 'spec.name is immutable'],
    ['DashGroup spec.parentRef', group({ parentRef: { name: 'a' } }), { op: 'replace', path: '/spec/parentRef', value: { name: 'b' } }, 'spec.parentRef', 'spec.parentRef is immutable'],
    ['DashGroup spec.parentPath, added later', group(), { op: 'add', path: '/spec/parentPath', value: 'eng' }, 'spec.parentPath', 'spec.parentPath is immutable'],
    ['DashGroup spec.realmRef', group(), { op: 'replace', path: '/spec/realmRef', value: { name: 'other' } }, 'spec.realmRef', 'spec.realmRef is immutable'],
    ['DashUser spec.username', user(), { op: 'replace', path: '/spec/username', value: 'bob' }, 'spec.username', 'spec.username is immutable'],
    ['DashUser spec.realmRef', user(), { op: 'replace', path: '/spec/realmRef', value: { name: 'other' } }, 'spec.realmRef', 'spec.realmRef is immutable'],
    ['DashRoleBinding spec.realmRef', binding(), { op: 'replace', path: '/spec/realmRef', value: { name: 'other' } }, 'spec.realmRef', 'spec.realmRef is immutable'],
  ])('refuses a change of %s', async (_title, manifest, op, field, says) => {
    const name = await created(manifest);
    const error = await patch(manifest.kind, name, [op]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(k8s.ApiException);
    const message = (JSON.parse(String((error as k8s.ApiException<unknown>).body)) as { message: string }).message;
    expect(message).toContain(`${field}: `);
    expect(message).toContain(says);
  });

  it.each<[string, Manifest, Op]>([
    ['DashRealm login settings', realm(), { op: 'add', path: '/spec/login', value: { rememberMe: true } }],
    ['DashGroup deletionPolicy', group({ name: 'eng' }), { op: 'add', path: '/spec/deletionPolicy', value: 'Retain' }],
    ['DashUser e-mail and groups', user(), { op: 'add', path: '/spec/groups', value: [{ path: 'finance/audit' }] }],
    ['DashRoleBinding roles and subjects', binding(), { op: 'replace', path: '/spec/roles', value: ['admin', 'licensed_user'] }],
  ])('accepts a change of %s', async (_title, manifest, op) => {
    const name = await created(manifest);
    await expect(patch(manifest.kind, name, [op])).resolves.toBeDefined();
  });
});
