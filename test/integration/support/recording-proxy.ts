import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request that reached the proxy: when it arrived, its method and path (query dropped). */
export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
}

/**
 * A plain HTTP proxy in front of Keycloak for one operator process: it records every request
 * that reaches it (what the operator really sent, independent of the operator's own code) and
 * can hold admin reads until released, so a test can keep a pass in flight at a chosen moment.
 */
export class RecordingProxy {
  readonly requests: RecordedRequest[] = [];
  #server: Server | undefined;
  #holding = false;
  #waiting: (() => void)[] = [];

  constructor(private readonly target: string) {}

  /** Starts listening on a free loopback port and returns the proxy's base URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.#handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  /** From now on, admin API reads wait until `release`. */
  hold(): void {
    this.#holding = true;
  }

  /** Lets every held read go on, and stops holding. */
  release(): void {
    this.#holding = false;
    for (const go of this.#waiting.splice(0)) go();
  }

  /** Reads waiting for `release`. */
  get held(): number {
    return this.#waiting.length;
  }

  /** Admin API writes (anything but GET under /admin/) recorded at or after `since`. */
  adminWritesSince(since: number): RecordedRequest[] {
    return this.requests.filter((r) => r.at >= since && r.method !== 'GET' && r.path.includes('/admin/'));
  }

  async stop(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.#server?.closeAllConnections();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    this.requests.push({ at: Date.now(), method, path: path.split('?')[0] ?? path });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.#holding && method === 'GET' && path.includes('/admin/')) await new Promise<void>((go) => this.#waiting.push(go));
    try {
      const headers = Object.fromEntries(Object.entries(req.headers)
        .filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      const upstream = await fetch(`${this.target}${path}`, {
        method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined, redirect: 'manual',
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      const out: Record<string, string> = {};
      upstream.headers.forEach((value, key) => {
        if (!['content-encoding', 'transfer-encoding', 'content-length', 'connection'].includes(key)) out[key] = value;
      });
      res.writeHead(upstream.status, out).end(body);
    } catch {
      res.writeHead(502).end();
    }
  }
}
