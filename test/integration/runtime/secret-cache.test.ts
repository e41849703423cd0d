// Secrets and ConfigMaps are cached as metadata only, against the real kube-apiserver: the
// content of a Secret nobody references never enters the operator's cache, and a referenced
// one is read by GET and still wakes its reader when its content changes.
import { randomUUID } from 'node:crypto';
import type { KubeRestClient } from '../../../src/kube/client.js';
import { metadataOnly } from '../../../src/kube/metadata.js';
import type { KubeObject } from '../../../src/kube/object.js';
import { ConfigMapKind, SecretKind } from '../../../src/kube/resource-kind.js';
import type { Manager, ObjectStore } from '../../../src/runtime/index.js';
import {
  Recorder, SecretMetadataKind, WidgetKind, adminClient, createNamespace, deleteNamespace, eventually, installWidgetCrd, isReady, startManager,
  type Widget,
} from './widgets.js';

let client: KubeRestClient;
let namespace: string;
let recorder: Recorder;
let manager: Manager | undefined;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A Secret as `kubectl apply` leaves it: the value in data, and the whole object again in an annotation. */
function appliedSecret(name: string, value: string): object {
  const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData: { token: value } };
  return { ...body, metadata: { name, annotations: { [LAST_APPLIED]: JSON.stringify(body) } }, data: { other: b64(value) }, stringData: { token: value } };
}

/** Everything the manager's cache holds, every kind, as one string. */
function everythingCached(): string {
  const store = manager?.cache as ObjectStore;
  return JSON.stringify(store.kinds().map((kind) => store.list(kind)));
}

async function cached(kind: typeof SecretKind | typeof ConfigMapKind, name: string, resourceVersion?: string): Promise<KubeObject> {
  return eventually(`${kind.kind} ${name}${resourceVersion ? ` at ${resourceVersion}` : ''} in the cache`, async () => {
    const obj = manager?.cache.get(kind, namespace, name);
    return obj && (!resourceVersion || obj.metadata.resourceVersion === resourceVersion) ? obj : undefined;
  });
}

function expectMetadataOnly(obj: KubeObject): void {
  expect(obj.kind).toBe('PartialObjectMetadata');
  expect(obj).not.toHaveProperty('data');
  expect(obj).not.toHaveProperty('stringData');
  expect(obj.metadata).not.toHaveProperty('annotations');
  expect(obj.metadata).not.toHaveProperty('managedFields');
}

beforeAll(async () => {
  client = adminClient().client;
  await installWidgetCrd(client);
});

beforeEach(async () => {
  namespace = await createNamespace(client, 'sc');
  recorder = new Recorder();
});

afterEach(async () => {
  await manager?.stop();
  manager = undefined;
  await deleteNamespace(namespace);
});

describe('Secrets and ConfigMaps in the operator cache', () => {
  it('never holds the content of an unrelated Secret or ConfigMap: listed, added or changed', async () => {
    const markers = [1, 2, 3, 4].map(() => `marker-${randomUUID()}`);
    await client.create(SecretKind, namespace, appliedSecret('listed', markers[0]));
    ({ manager } = await startManager(namespace, recorder, { kinds: [SecretMetadataKind, metadataOnly(ConfigMapKind)] }));
    const added = await client.create(SecretKind, namespace, appliedSecret('added', markers[1]));
    await client.create(ConfigMapKind, namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { key: markers[2] } });
    await cached(SecretKind, 'added', added.metadata.resourceVersion);
    const changed = await client.mergePatch(SecretKind, namespace, 'added', { data: { other: b64(markers[3]) }, metadata: { labels: { seen: 'yes' } } });

    expectMetadataOnly(await cached(SecretKind, 'listed'));
    expectMetadataOnly(await cached(ConfigMapKind, 'settings'));
    const latest = await cached(SecretKind, 'added', changed.metadata.resourceVersion);
    expectMetadataOnly(latest);
    expect(latest.metadata).toMatchObject({ name: 'added', namespace, uid: added.metadata.uid, labels: { seen: 'yes' } });
    const everything = everythingCached();
    for (const marker of markers) {
      expect(everything).not.toContain(marker);
      expect(everything).not.toContain(b64(marker));
    }
  });

  it('reads a referenced Secret by GET: its content changes the version, a label edit does not, and neither is cached', async () => {
    const first = `first-${randomUUID()}`;
    const second = `second-${randomUUID()}`;
    ({ manager } = await startManager(namespace, recorder));
    await client.create(SecretKind, namespace, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { value: b64(first) } });
    await client.create(WidgetKind, namespace, { apiVersion: 'runtime-test.dashops.dev/v1', kind: 'Widget', metadata: { name: 'reader' }, spec: { secret: 'creds' } });
    const ready = await eventually('the reader Ready', async () => {
      const w = await client.get(WidgetKind, namespace, 'reader') as Widget | undefined;
      return isReady(w) ? w : undefined;
    });
    const version = ready.status?.secretVersion;
    expect(version).toMatch(/^[0-9a-f]{32}$/);

    const passes = recorder.count('reader');
    const labelled = await client.mergePatch(SecretKind, namespace, 'creds', { metadata: { labels: { rotated: 'no' } } });
    await cached(SecretKind, 'creds', labelled.metadata.resourceVersion);
    await eventually('the reader to run again after the label edit', async () => recorder.count('reader') > passes);
    expect((await client.get(WidgetKind, namespace, 'reader') as Widget).status?.secretVersion).toBe(version);

    await client.mergePatch(SecretKind, namespace, 'creds', { data: { value: b64(second) } });
    await eventually('a new version in status', async () => {
      const w = await client.get(WidgetKind, namespace, 'reader') as Widget | undefined;
      return w?.status?.secretVersion !== version && isReady(w);
    });
    expect(everythingCached()).not.toContain(first);
    expect(everythingCached()).not.toContain(second);
    expect(everythingCached()).not.toContain(b64(second));
  });
});
