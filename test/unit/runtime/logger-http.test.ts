import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../../../src/logger.js';
import { startHttpServers } from '../../../src/runtime/http-server.js';
import { keycloakRequestMetrics } from '../../../src/keycloak/metrics.js';
import { METRICS_PREFIX, createMetrics } from '../../../src/runtime/metrics.js';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('the logger', () => {
  it('writes JSON with the level as a word and redacts secret-bearing fields at any usual depth', () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    logger.info({ password: 'p1', keycloak: { clientSecret: 'p2', url: 'https://kc' }, req: { headers: { authorization: 'Bearer p3' } }, secret: { data: { key: 'cDQ=' } }, token: 'p5' }, 'hello');
    const [line] = out.lines();
    expect(line.level).toBe('info');
    expect(JSON.stringify(line)).not.toMatch(/p1|p2|p3|cDQ=|p5/);
    expect((line.keycloak as Record<string, unknown>).url).toBe('https://kc');
  });

  it('gives each reconcile a child logger carrying kind, namespace and name (once each)', () => {
    const out = capture();
    createLogger('debug', out.stream).child({ kind: 'DashUser', namespace: 'ns', name: 'alice' }).debug('reconciled');
    const raw = JSON.stringify(out.lines()[0]);
    expect(out.lines()[0]).toMatchObject({ kind: 'DashUser', namespace: 'ns', name: 'alice', level: 'debug' });
    expect(raw.match(/"name"/g)).toHaveLength(1);
  });
});

describe('the HTTP endpoints', () => {
  it("answer /healthz always, /readyz by the probe, and /metrics with the operator metrics (the Keycloak port's too)", async () => {
    const metrics = createMetrics({ collectDefaults: false });
    keycloakRequestMetrics(metrics.registry, METRICS_PREFIX)('get', 200, 0.02, '/admin/realms/*/users');
    metrics.recordReconcile('DashUser', 'Reconciled', 0.1);
    metrics.registerQueue('DashUser', () => 3);
    metrics.setLeader(true);
    let ready = false;
    const http = await startHttpServers({ host: '127.0.0.1', healthPort: 0, metricsPort: 0 }, { ready: () => ({ ok: ready, detail: 'caches not synced: DashUser' }) }, metrics.registry);
    try {
      const get = (port: number, path: string) => fetch(`http://127.0.0.1:${port}${path}`).then(async (r) => ({ status: r.status, body: await r.text() }));
      expect(await get(http.healthPort, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
      expect(await get(http.healthPort, '/readyz')).toEqual({ status: 503, body: 'caches not synced: DashUser\n' });
      ready = true;
      expect((await get(http.healthPort, '/readyz')).status).toBe(200);
      const scraped = await get(http.metricsPort, '/metrics');
      expect(scraped.status).toBe(200);
      for (const line of [
        'dash_keycloak_operator_keycloak_requests_total{method="GET",status="200",route="/admin/realms/*/users"} 1',
        'dash_keycloak_operator_reconcile_total{kind="DashUser",result="Reconciled"} 1',
        'dash_keycloak_operator_workqueue_depth{kind="DashUser"} 3',
        'dash_keycloak_operator_leader 1',
      ]) expect(scraped.body).toContain(line);
      expect(scraped.body).toContain('dash_keycloak_operator_reconcile_duration_seconds_bucket');
      expect(scraped.body).toContain('dash_keycloak_operator_keycloak_request_duration_seconds_bucket');
      expect((await get(http.metricsPort, '/healthz')).status).toBe(404);
    } finally {
      await http.close();
    }
  });

  it('serve everything on one port when both ports are the same', async () => {
    const metrics = createMetrics({ collectDefaults: false });
    const port = await freePort();
    const http = await startHttpServers({ host: '127.0.0.1', healthPort: port, metricsPort: port }, { ready: () => ({ ok: true, detail: '' }) }, metrics.registry);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      await http.close();
    }
  });
});
