import { createHash } from 'node:crypto';
import type { KubeObject } from './object.js';
import { ConfigMapKind, SecretKind, type ResourceKind } from './resource-kind.js';

/** One key of a Secret, decoded, and a marker that changes whenever that value changes. */
export interface SecretValue {
  value: string;
  /** Opaque and safe to store in status: a truncated hash salted with the Secret's uid, never the value. */
  version: string;
}

/** Anything that can get an object from a cache (a `CacheReader` or a reconcile's tracking one). */
export interface ObjectGetter {
  get<T extends KubeObject = KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string): T | undefined;
}

type Secret = KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
type ConfigMap = KubeObject & { data?: Record<string, string> };

/**
 * Reads `key` of Secret `namespace/name` from the cache; undefined when the Secret or the key
 * is missing. Read it through the reconcile context's cache and the Secret becomes a
 * dependency: a change to it runs the reader again.
 */
export function readSecretKey(cache: ObjectGetter, namespace: string, name: string, key: string): SecretValue | undefined {
  const secret = cache.get<Secret>(SecretKind, namespace, name);
  const encoded = secret?.data?.[key];
  if (encoded === undefined || !secret) return undefined;
  const value = Buffer.from(encoded, 'base64').toString('utf8');
  const version = createHash('sha256').update(`${secret.metadata.uid ?? ''}\0${value}`).digest('hex').slice(0, 16);
  return { value, version };
}

/** Reads `key` of ConfigMap `namespace/name` from the cache; undefined when missing. */
export function readConfigMapKey(cache: ObjectGetter, namespace: string, name: string, key: string): string | undefined {
  return cache.get<ConfigMap>(ConfigMapKind, namespace, name)?.data?.[key];
}
