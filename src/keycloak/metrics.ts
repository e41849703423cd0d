import { Counter, Histogram, type Registry } from 'prom-client';
import type { RequestObserver } from './dispatcher.js';

/**
 * The Keycloak request metrics, registered on the operator's registry: hand the returned
 * observer to the connection registry (`onRequest`). The runtime's metrics know nothing of Keycloak.
 */
export function keycloakRequestMetrics(registry: Registry, prefix: string): RequestObserver {
  // The route (ids and names as `*`) only on the counter: which admin API calls a workload costs.
  const requests = new Counter({
    name: `${prefix}keycloak_requests_total`, help: 'Requests to Keycloak by method, status and route (ids and names as *)', labelNames: ['method', 'status', 'route'], registers: [registry],
  });
  const latency = new Histogram({
    name: `${prefix}keycloak_request_duration_seconds`, help: 'Latency of requests to Keycloak', labelNames: ['method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  // status 0: no answer (timeout, connection refused).
  return (method, status, seconds, route) => {
    const labels = { method: method.toUpperCase(), status: String(status) };
    requests.inc({ ...labels, route });
    latency.observe(labels, seconds);
  };
}
