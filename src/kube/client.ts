import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, errorFromStatus } from './errors.js';
import { PARTIAL_METADATA_LIST_ACCEPT } from './metadata.js';
import type { KubeList, KubeObject } from './object.js';
import { collectionPath, objectPath, type ConfigMapKind, type ResourceKind, type SecretKind } from './resource-kind.js';

/**
 * The narrow Kubernetes port the runtime uses: plain JSON in and out, any kind, merge patches
 * only (custom resources reject strategic merge). Every failure is a `KubeApiError`.
 */
export interface KubeClient {
  /** Lists a kind in one namespace or all of them (every page); only metadata for a `metadataOnly` kind. */
  list(kind: ResourceKind, namespace?: string): Promise<KubeList>;
  /** Reads one object; undefined when it does not exist. */
  get(kind: ResourceKind, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  create(kind: ResourceKind, namespace: string | undefined, body: object): Promise<KubeObject>;
  /** PUT: fails with 409 when `body.metadata.resourceVersion` is stale. */
  replace(kind: ResourceKind, namespace: string | undefined, name: string, body: object): Promise<KubeObject>;
  /** JSON merge patch (RFC 7386) of the object or a subresource (`status`); a `metadata.resourceVersion` in the patch is a precondition. */
  mergePatch(kind: ResourceKind, namespace: string | undefined, name: string, patch: object, subresource?: string): Promise<KubeObject>;
}

/** The kinds whose `data` `readData` reads. */
export type DataKind = typeof SecretKind | typeof ConfigMapKind;

/** The `data` of one Secret (decoded from base64) or ConfigMap, with what identifies that content. */
export interface ObjectData {
  uid: string;
  resourceVersion: string;
  data: Record<string, string>;
}

/** The one read of Secret and ConfigMap content: a GET of a named object, nothing listed or watched. */
export interface DataSource {
  /** GETs `namespace/name` and returns its `data` only; undefined when it does not exist. */
  readData(kind: DataKind, namespace: string, name: string): Promise<ObjectData | undefined>;
}

const PAGE_SIZE = 500;
/** How long one connection pool serves; then a new one picks up rotated client certificates or CA. */
const POOL_RENEW_MS = 5 * 60_000;

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * `KubeClient` over @kubernetes/client-node's own HTTP stack (its undici, its auth plugins:
 * client certs, tokens, exec), so no second HTTP client has to understand kubeconfigs.
 * Each request is bounded by `timeoutMs`: a hung API server turns into an error, not a stuck worker.
 */
export class KubeRestClient implements KubeClient, DataSource {
  readonly #http = new IsomorphicFetchHttpLibrary();
  #pool?: { dispatcher: Dispatcher; createdAt: number };

  constructor(private readonly kc: KubeConfig, private readonly timeoutMs = 30_000) {}

  async list(kind: ResourceKind, namespace?: string): Promise<KubeList> {
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let next: string | undefined;
    do {
      const query: Record<string, string> = { limit: String(PAGE_SIZE), ...(next ? { continue: next } : {}) };
      const page = await this.request<{ items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } }>(
        HttpMethod.GET, collectionPath(kind, namespace), { query, accept: kind.metadataOnly ? PARTIAL_METADATA_LIST_ACCEPT : undefined });
      items.push(...(page.items ?? []));
      // The first page's resourceVersion is the snapshot every later page belongs to.
      resourceVersion ||= page.metadata?.resourceVersion ?? '';
      next = page.metadata?.continue || undefined;
    } while (next);
    return { items, resourceVersion };
  }

  async get(kind: ResourceKind, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.request<KubeObject>(HttpMethod.GET, objectPath(kind, namespace, name));
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  async readData(kind: DataKind, namespace: string, name: string): Promise<ObjectData | undefined> {
    const obj = await this.get(kind, namespace, name) as (KubeObject & { data?: Record<string, string> }) | undefined;
    if (!obj) return undefined;
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(obj.data ?? {})) {
      data[key] = kind.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
    }
    return { uid: obj.metadata.uid ?? '', resourceVersion: obj.metadata.resourceVersion ?? '', data };
  }

  create(kind: ResourceKind, namespace: string | undefined, body: object): Promise<KubeObject> {
    return this.request(HttpMethod.POST, collectionPath(kind, kind.namespaced ? namespace : undefined), { body });
  }

  replace(kind: ResourceKind, namespace: string | undefined, name: string, body: object): Promise<KubeObject> {
    return this.request(HttpMethod.PUT, objectPath(kind, namespace, name), { body });
  }

  mergePatch(kind: ResourceKind, namespace: string | undefined, name: string, patch: object, subresource?: string): Promise<KubeObject> {
    return this.request(HttpMethod.PATCH, objectPath(kind, namespace, name, subresource), { body: patch, contentType: 'application/merge-patch+json' });
  }

  private async request<T>(method: HttpMethod, path: string, options: { query?: Record<string, string>; body?: object; contentType?: string; accept?: string } = {}): Promise<T> {
    const server = this.kc.getCurrentCluster()?.server;
    if (!server) throw new KubeApiError(0, 'NoCluster', 'the kubeconfig has no current cluster');
    const url = new URL(server.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    const ctx = new RequestContext(url.toString(), method);
    ctx.setHeaderParam('Accept', options.accept ?? 'application/json');
    if (options.body !== undefined) {
      ctx.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(options.body));
    }
    ctx.setSignal(AbortSignal.timeout(this.timeoutMs));
    let status: number;
    let text: string;
    try {
      await this.kc.applySecurityAuthentication(ctx);
      const dispatcher = this.#reuse(ctx.getDispatcher());
      if (dispatcher) ctx.setDispatcher(dispatcher);
      const response = await this.#http.send(ctx).toPromise();
      status = response.httpStatusCode;
      text = await response.body.text();
    } catch (cause) {
      throw new KubeApiError(0, 'Unreachable', `${method} ${path}: API server unreachable (${describe(cause)})`, { cause });
    }
    if (status < 200 || status > 299) throw errorFromStatus(method, path, status, text);
    return JSON.parse(text) as T;
  }

  /**
   * client-node hands every request a new connection pool (a new TLS handshake each, and pools
   * left open): with a thousand status writes that cost the API server and us more CPU and
   * memory than the work. Keep one pool, renewed every few minutes; a renewed pool's
   * predecessor closes once its requests are done.
   */
  #reuse(fresh: Dispatcher | undefined): Dispatcher | undefined {
    if (!fresh) return undefined;
    const now = Date.now();
    if (this.#pool && now - this.#pool.createdAt < POOL_RENEW_MS) {
      void fresh.close().catch(() => undefined);
      return this.#pool.dispatcher;
    }
    const previous = this.#pool;
    this.#pool = { dispatcher: fresh, createdAt: now };
    if (previous) void previous.dispatcher.close().catch(() => undefined);
    return fresh;
  }
}

// fetch() rejects with TypeError('fetch failed') and the socket error as its cause.
function describe(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const name = (current as { name?: unknown }).name;
    if (name === 'TimeoutError') return 'timed out';
    current = (current as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.message : String(err);
}
