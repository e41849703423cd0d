// Secrets and ConfigMaps cached as metadata only: what the cache keeps of them, and how the
// values the reconcilers reference are read (GET by name, kept per resourceVersion).
import { describe, expect, it } from '@jest/globals';
import type { DataKind, DataSource, ObjectData } from '../../../src/kube/client.js';
import { metadataOnly, partialMetadata } from '../../../src/kube/metadata.js';
import { ConfigMapKind, SecretKind, kindId } from '../../../src/kube/resource-kind.js';
import { ReferencedDataReader, contentVersion } from '../../../src/kube/secrets.js';
import { ObjectStore } from '../../../src/runtime/object-store.js';

const SecretMeta = metadataOnly(SecretKind);
const ConfigMapMeta = metadataOnly(ConfigMapKind);

/** An API server holding Secrets and ConfigMaps by name, counting GETs; `cache` mirrors their metadata as the informer would. */
class FakeApi implements DataSource {
  readonly objects = new Map<string, ObjectData>();
  readonly cache = new ObjectStore();
  gets = 0;
  #rv = 0;

  constructor() {
    this.cache.addKind(SecretMeta);
    this.cache.addKind(ConfigMapMeta);
  }

  put(kind: DataKind, name: string, data: Record<string, string>, uid = `uid-${name}`): void {
    const resourceVersion = String(++this.#rv);
    this.objects.set(`${kind.kind}/${name}`, { uid, resourceVersion, data });
    this.cache.apply('add', kind.kind === 'Secret' ? SecretMeta : ConfigMapMeta, { metadata: { name, namespace: 'ns', uid, resourceVersion } });
  }

  /** A label edit: the resourceVersion moves, the content does not. */
  touch(kind: DataKind, name: string): void {
    const obj = this.objects.get(`${kind.kind}/${name}`);
    if (obj) this.put(kind, name, obj.data, obj.uid);
  }

  async readData(kind: DataKind, _namespace: string, name: string): Promise<ObjectData | undefined> {
    this.gets++;
    await Promise.resolve();
    const obj = this.objects.get(`${kind.kind}/${name}`);
    return obj && { ...obj, data: { ...obj.data } };
  }
}

describe('what the cache keeps of a metadata-only object', () => {
  it('keeps identity, resourceVersion, labels and owners; drops content, annotations and managedFields', () => {
    const secret = {
      apiVersion: 'v1', kind: 'Secret',
      metadata: {
        name: 's', namespace: 'ns', uid: 'u', resourceVersion: '7', labels: { team: 'a' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}' },
        managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:data': { 'f:password': {} } } }],
      },
      data: { password: 'aHVudGVyMg==' },
      stringData: { password: 'hunter2' },
    };
    expect(partialMetadata(secret)).toEqual({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns', uid: 'u', resourceVersion: '7', labels: { team: 'a' } },
    });
  });

  it('is the same kind to the cache, and the cache refuses the same kind in full next to it', () => {
    expect(kindId(SecretMeta)).toBe(kindId(SecretKind));
    const store = new ObjectStore();
    store.addKind(SecretMeta);
    store.addKind(SecretMeta);
    expect(store.resolve(SecretKind)).toBe(SecretMeta);
    expect(() => store.addKind(SecretKind)).toThrow('cached as metadata only already');
  });
});

describe('reading a referenced key', () => {
  it('GETs the value once per resourceVersion, and again only when the resourceVersion moves', async () => {
    const api = new FakeApi();
    api.put(SecretKind, 's', { password: 'hunter2' });
    const reader = new ReferencedDataReader(api);
    const first = await reader.readSecret(api.cache, 'ns', 's', 'password');
    expect(first).toEqual({ value: 'hunter2', version: contentVersion('uid-s', 'hunter2') });
    await reader.readSecret(api.cache, 'ns', 's', 'password');
    expect(api.gets).toBe(1);
    api.put(SecretKind, 's', { password: 'hunter3' });
    expect((await reader.readSecret(api.cache, 'ns', 's', 'password'))?.value).toBe('hunter3');
    expect(api.gets).toBe(2);
  });

  it('gives a version that follows the content, not metadata edits, and reveals nothing of the value', async () => {
    const api = new FakeApi();
    api.put(SecretKind, 's', { password: 'hunter2' });
    const reader = new ReferencedDataReader(api);
    const first = await reader.readSecret(api.cache, 'ns', 's', 'password');
    api.touch(SecretKind, 's');
    const afterLabel = await reader.readSecret(api.cache, 'ns', 's', 'password');
    api.put(SecretKind, 's', { password: 'hunter3' });
    const afterChange = await reader.readSecret(api.cache, 'ns', 's', 'password');
    expect(afterLabel?.version).toBe(first?.version);
    expect(afterChange?.version).not.toBe(first?.version);
    expect(first?.version).toMatch(/^[0-9a-f]{32}$/);
    expect(first?.version).not.toBe(contentVersion('', 'hunter2'));
  });

  it('sends no request for an object the cache does not hold, and none twice for a missing key', async () => {
    const api = new FakeApi();
    api.put(SecretKind, 's', { password: 'hunter2' });
    const reader = new ReferencedDataReader(api);
    expect(await reader.readSecret(api.cache, 'ns', 'nope', 'password')).toBeUndefined();
    expect(api.gets).toBe(0);
    expect(await reader.readSecret(api.cache, 'ns', 's', 'missing')).toBeUndefined();
    expect(await reader.readSecret(api.cache, 'ns', 's', 'missing')).toBeUndefined();
    expect(api.gets).toBe(1);
  });

  it('shares one GET between concurrent reads of one object (four credential keys)', async () => {
    const api = new FakeApi();
    api.put(SecretKind, 'creds', { clientId: 'id', clientSecret: 'sec' });
    const reader = new ReferencedDataReader(api);
    const read = (key: string) => reader.readSecret(api.cache, 'ns', 'creds', key).then((v) => v?.value);
    expect(await Promise.all(['clientId', 'clientSecret', 'username', 'password'].map(read))).toEqual(['id', 'sec', undefined, undefined]);
    expect(api.gets).toBe(1);
  });

  it('forgets a value when the object leaves the cache, when nobody read it for idleMs, and beyond maxEntries', async () => {
    const api = new FakeApi();
    let now = 0;
    const reader = new ReferencedDataReader(api, { idleMs: 1000, maxEntries: 2, now: () => now });
    for (const name of ['a', 'b', 'c']) api.put(SecretKind, name, { k: name });
    for (const name of ['a', 'b', 'c']) await reader.readSecret(api.cache, 'ns', name, 'k');
    expect(reader.size).toBe(2);
    api.cache.apply('delete', SecretMeta, { metadata: { name: 'c', namespace: 'ns' } });
    expect(await reader.readSecret(api.cache, 'ns', 'c', 'k')).toBeUndefined();
    expect(reader.size).toBe(1);
    now = 5000;
    api.put(ConfigMapKind, 'ca', { 'ca.crt': 'PEM' });
    expect(await reader.readConfigMap(api.cache, 'ns', 'ca', 'ca.crt')).toBe('PEM');
    expect(reader.size).toBe(1);
  });

  it('lets an API server failure through (the pass retries with backoff)', async () => {
    const api = new FakeApi();
    api.put(SecretKind, 's', { password: 'hunter2' });
    api.readData = async () => {
      throw new Error('GET failed');
    };
    await expect(new ReferencedDataReader(api).readSecret(api.cache, 'ns', 's', 'password')).rejects.toThrow('GET failed');
  });
});
