// Test doubles for the runtime: an in-memory API server behind the KubeClient port that
// feeds the ObjectStore the way the informers would, and builders for objects.
import { pino } from 'pino';
import type { KubeClient } from '../../../src/kube/client.js';
import { KubeApiError } from '../../../src/kube/errors.js';
import type { KubeList, KubeObject } from '../../../src/kube/object.js';
import { EventKind, type ResourceKind } from '../../../src/kube/resource-kind.js';
import { ObjectStore } from '../../../src/runtime/object-store.js';

export const WidgetKind: ResourceKind = { group: 'runtime-test.dashops.dev', version: 'v1', plural: 'widgets', kind: 'Widget', namespaced: true };
export const GadgetKind: ResourceKind = { group: 'runtime-test.dashops.dev', version: 'v1', plural: 'gadgets', kind: 'Gadget', namespaced: true };

export const silentLogger = pino({ level: 'silent' });

export type Widget = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

/** A widget in namespace `ns`, generation 1, resourceVersion 1. */
export function widget(name = 'w', spec: Record<string, unknown> = {}, meta: Partial<KubeObject['metadata']> = {}): Widget {
  return { apiVersion: 'runtime-test.dashops.dev/v1', kind: 'Widget', metadata: { name, namespace: 'ns', uid: `uid-${name}`, generation: 1, resourceVersion: '1', ...meta }, spec };
}
export const finalized = <T extends KubeObject>(o: T, f = 'test/finalizer'): T => ({ ...o, metadata: { ...o.metadata, finalizers: [...(o.metadata.finalizers ?? []), f] } });
export const deleting = <T extends KubeObject>(o: T): T => ({ ...o, metadata: { ...o.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });

/** RFC 7386. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

/**
 * An API server for one store: merge patches check the resourceVersion precondition, bump
 * it, and deliver the result to the store as an informer would; Events are created once per name.
 */
export class FakeKube implements KubeClient {
  readonly statusWrites: { name: string; patch: Record<string, unknown> }[] = [];
  readonly metadataWrites: { name: string; patch: Record<string, unknown> }[] = [];
  readonly events = new Map<string, { type: string; reason: string; note: string; eventTime: string }>();
  eventAttempts = 0;
  /** Make the next status patch fail with this error. */
  failNextStatus?: KubeApiError;

  constructor(readonly store: ObjectStore, readonly kind: ResourceKind = WidgetKind) {}

  /** Puts an object in the "server" and the cache. */
  seed(obj: KubeObject): void {
    this.store.apply('add', this.kind, obj);
  }

  async list(): Promise<KubeList> {
    throw new Error('not used');
  }

  async get(): Promise<KubeObject | undefined> {
    throw new Error('not used');
  }

  async create(kind: ResourceKind, _namespace: string | undefined, body: object): Promise<KubeObject> {
    if (kind !== EventKind) throw new Error('only events are created here');
    this.eventAttempts++;
    const event = body as KubeObject & { type: string; reason: string; note: string; eventTime: string };
    if (this.events.has(event.metadata.name)) throw new KubeApiError(409, 'AlreadyExists', 'exists');
    this.events.set(event.metadata.name, event);
    return event;
  }

  async replace(): Promise<KubeObject> {
    throw new Error('not used');
  }

  async mergePatch(kind: ResourceKind, namespace: string | undefined, name: string, patch: object, subresource?: string): Promise<KubeObject> {
    if (subresource === 'status' && this.failNextStatus) {
      const err = this.failNextStatus;
      this.failNextStatus = undefined;
      throw err;
    }
    const current = this.store.get<Widget>(kind, namespace, name);
    if (!current) throw new KubeApiError(404, 'NotFound', 'not found');
    const p = patch as { metadata?: { resourceVersion?: string }; status?: Record<string, unknown> };
    if (p.metadata?.resourceVersion && p.metadata.resourceVersion !== current.metadata.resourceVersion) throw new KubeApiError(409, 'Conflict', 'stale');
    const { resourceVersion: _rv, ...metaPatch } = p.metadata ?? {};
    const next = (subresource === 'status'
      ? { ...current, status: applyMergePatch(current.status, p.status) }
      : { ...current, metadata: applyMergePatch(current.metadata, metaPatch) }) as Widget;
    next.metadata = { ...next.metadata, resourceVersion: String(Number(current.metadata.resourceVersion) + 1) };
    (subresource === 'status' ? this.statusWrites : this.metadataWrites).push({ name, patch: patch as Record<string, unknown> });
    const gone = next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0;
    this.store.apply(gone ? 'delete' : 'update', kind, next);
    return next;
  }
}
