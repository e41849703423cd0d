import type { DashResource, Kind } from '../../../src/api/index.js';
import type { ControllerDeps } from '../../../src/controllers/context.js';
import type { RealmRef } from '../../../src/controllers/realm-ref.js';
import { grantLedger, ledgerKey, recordedGrants } from '../../../src/controllers/rolebinding/subjects.js';
import { objectCache } from './object-cache.js';

type Obj = DashResource<Kind>;
const realm = (namespace: string, name: string, realmName: string, url?: string) =>
  ({ kind: 'DashRealm', metadata: { namespace, name }, spec: { realm: realmName }, status: url ? { keycloakUrl: url } : undefined }) as unknown as Obj;
const binding = (namespace: string, name: string, realmRef: string, status?: object) =>
  ({ kind: 'DashRoleBinding', metadata: { namespace, name }, spec: { realmRef: { name: realmRef }, roles: ['admin'], subjects: [{ kind: 'User', name: 'Alice' }, { kind: 'Group', name: 'ops' }] }, status }) as unknown as DashResource<'DashRoleBinding'>;
const group = (namespace: string, name: string, path: string) => ({ kind: 'DashGroup', metadata: { namespace, name }, spec: {}, status: { path } }) as unknown as Obj;
const depsOf = (objects: Obj[]): ControllerDeps => ({
  cache: objectCache(objects),
} as ControllerDeps);
const ref = { name: 'dash', kc: { url: 'https://kc.example.com/' } } as unknown as RealmRef;

describe('the grant ledger', () => {
  it('is keyed by Keycloak URL and realm: bindings of another namespace on the same realm share it, others do not', () => {
    const self = binding('a', 'mine', 'dash');
    const deps = depsOf([
      realm('a', 'dash', 'dash', 'https://kc.example.com'), self,
      realm('b', 'same', 'dash', 'https://KC.example.com/'), binding('b', 'shared', 'same'),
      realm('c', 'other-server', 'dash', 'https://elsewhere.example.com'), binding('c', 'apart', 'other-server'),
      realm('d', 'other-realm', 'dash2', 'https://kc.example.com'), binding('d', 'apart-too', 'other-realm'),
      binding('a', 'same-realmref', 'dash'),
    ]);
    expect(grantLedger(self, ref, false, deps).map((b) => b.binding).sort()).toEqual(['a/mine', 'a/same-realmref', 'b/shared']);
  });

  it('normalizes the URL (case of the origin, trailing slash)', () => {
    expect(ledgerKey('https://KC.example.com/auth/', 'dash')).toBe(ledgerKey('https://kc.example.com/auth', 'dash'));
    expect(ledgerKey('https://kc.example.com/auth', 'dash')).not.toBe(ledgerKey('https://kc.example.com', 'dash'));
  });

  it('keys users lowercase and files a DashGroup record under its current path, or the recorded one when the DashGroup is gone', () => {
    const status = { subjects: [{ kind: 'User', name: 'Alice', resolved: true, grants: ['admin'] }, { kind: 'Group', name: 'ops', path: 'old/ops', resolved: true, grants: ['admin'] }] };
    const b = binding('a', 'mine', 'dash', status);
    expect([...recordedGrants(b, depsOf([group('a', 'ops', 'new/ops')]))]).toEqual([['User:alice', ['admin']], ['Group:new/ops', ['admin']]]);
    expect([...recordedGrants(b, depsOf([]))]).toEqual([['User:alice', ['admin']], ['Group:old/ops', ['admin']]]);
    expect(grantLedger(b, ref, false, depsOf([b]))[0]?.subjects).toEqual(new Set(['User:alice', 'Group:old/ops']));
  });
});
