import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** What the probes report: readiness with a short reason when not ready. */
export interface Probes {
  ready(): { ok: boolean; detail: string };
}

/** Where to listen; port 0 picks a free port (tests). An empty host listens on every interface. */
export interface HttpOptions {
  host?: string;
  healthPort: number;
  metricsPort: number;
}

/** The running endpoints and the ports they got. */
export interface HttpEndpoints {
  healthPort: number;
  metricsPort: number;
  close(): Promise<void>;
}

/**
 * Serves `/healthz` and `/readyz` on the health port and `/metrics` on the metrics port (one
 * server when both ports are the same non-zero number). `/healthz` answers while the process
 * serves requests; `/readyz` is 200 only when `probes.ready()` says so.
 */
export async function startHttpServers(options: HttpOptions, probes: Probes, registry: Registry): Promise<HttpEndpoints> {
  const health = (req: IncomingMessage, res: ServerResponse) => routeHealth(req, res, probes);
  const metrics = (req: IncomingMessage, res: ServerResponse) => routeMetrics(req, res, registry);
  if (options.healthPort !== 0 && options.healthPort === options.metricsPort) {
    const both = await listen((req, res) => (path(req) === '/metrics' ? metrics(req, res) : health(req, res)), options.healthPort, options.host);
    const port = (both.address() as AddressInfo).port;
    return { healthPort: port, metricsPort: port, close: () => close(both) };
  }
  const healthServer = await listen(health, options.healthPort, options.host);
  const metricsServer = await listen(metrics, options.metricsPort, options.host).catch(async (err: unknown) => {
    await close(healthServer);
    throw err;
  });
  return {
    healthPort: (healthServer.address() as AddressInfo).port,
    metricsPort: (metricsServer.address() as AddressInfo).port,
    close: async () => {
      await Promise.all([close(healthServer), close(metricsServer)]);
    },
  };
}

function routeHealth(req: IncomingMessage, res: ServerResponse, probes: Probes): void {
  switch (path(req)) {
    case '/healthz':
      return reply(res, 200, 'ok');
    case '/readyz': {
      const { ok, detail } = probes.ready();
      return reply(res, ok ? 200 : 503, ok ? 'ok' : detail);
    }
    default:
      return reply(res, 404, 'not found');
  }
}

function routeMetrics(req: IncomingMessage, res: ServerResponse, registry: Registry): void {
  if (path(req) !== '/metrics') return reply(res, 404, 'not found');
  registry.metrics().then(
    (text) => {
      res.writeHead(200, { 'Content-Type': registry.contentType });
      res.end(text);
    },
    (err: unknown) => reply(res, 500, err instanceof Error ? err.message : String(err)),
  );
}

function path(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${body}\n`);
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.once('error', reject);
    server.listen({ port, host: host || undefined }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections from a scraper would hold close() open.
    server.closeAllConnections();
  });
}
