// Every query of the Grafana dashboard and every alert of the PrometheusRule is parsed with
// the Prometheus project's PromQL grammar, and every metric and label it reads is looked up in
// the /metrics of the operator running against the real servers once example objects have
// converged (a user waiting for a logout and a drift corrected included), so a renamed metric
// or label cannot leave a panel empty or an alert silent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logoutPendingMetrics } from '../../../src/controllers/user/logout-metrics.js';
import { driftMetrics } from '../../../src/controllers/drift/metrics.js';
import { keycloakRequestMetrics } from '../../../src/keycloak/metrics.js';
import { METRICS_PREFIX, createMetrics, type CacheReader } from '../../../src/runtime/index.js';
import { repoRoot } from '../../env/test-env.js';
import { render, type Manifest } from '../helm/chart.js';
import { readyCondition, useOperator } from '../operator/harness.js';
import { createLoginClient, login, secondAdmin } from '../support/keycloak-fixtures.js';
import { parseExposition, type Scrape } from './exposition.js';
import { analyse, expandGrafanaVariables } from './promql.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const dashboardFile = join(repoRoot, 'deploy', 'grafana', 'dash-keycloak-operator.json');
const chartDashboardFile = join(repoRoot, 'helm', 'dash-keycloak-operator', 'dashboards', 'dash-keycloak-operator.json');
const ON = { grafana: { dashboard: { enabled: true } }, prometheus: { rules: { enabled: true, licenseSeats: { limit: 100 } } } };
/** Labels Prometheus adds to every series it scrapes (the target's), never in /metrics itself. */
const TARGET_LABELS = new Set(['namespace', 'pod', 'instance', 'job', 'service', 'container', 'endpoint']);
/**
 * Counters that only move on a fault this test does not cause (a status write the API server
 * refuses, an informer that fails): the scrape declares them (`# TYPE`) without a sample, so
 * their labels are checked against the ones the operator's code declares.
 */
const FAULT_ONLY = new Set([`${METRICS_PREFIX}status_rejected_total`, `${METRICS_PREFIX}informer_restarts_total`]);

type Dashboard = { panels: { title: string; targets?: { expr: string }[] }[]; templating: { list: { name: string; definition?: string }[] } };
type Rule = { alert: string; expr: string; annotations: Record<string, string> };

const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard;
const dashboardQueries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: expandGrafanaVariables(t.expr) })));
const rulesOf = (ms: Manifest[]) => ms.filter((m) => m.kind === 'PrometheusRule').flatMap((m) => (m as unknown as { spec: { groups: { rules: Rule[] }[] } }).spec.groups.flatMap((g) => g.rules));

/** The label names each metric of the operator's code declares, for the FAULT_ONLY ones. */
function declaredLabels(metric: string): string[] {
  const metrics = createMetrics({ collectDefaults: false });
  keycloakRequestMetrics(metrics.registry, METRICS_PREFIX);
  driftMetrics(metrics.registry, METRICS_PREFIX);
  logoutPendingMetrics(metrics.registry, METRICS_PREFIX, { list: () => [] } as unknown as CacheReader);
  return (metrics.registry.getSingleMetric(metric) as unknown as { labelNames?: string[] } | undefined)?.labelNames ?? [];
}

/** What is wrong with `expr` against the scrape: syntax errors, unknown metrics, labels the metrics do not carry. */
function problems(expr: string, scrape: Scrape): string[] {
  const use = analyse(expr);
  const labelsOf = (metric: string): Set<string> | undefined =>
    scrape.samples.get(metric) ?? (FAULT_ONLY.has(metric) && scrape.families.has(metric) ? new Set(declaredLabels(metric)) : undefined);
  const found: string[] = [...use.errors];
  for (const { metric, labels } of use.selectors) {
    const have = labelsOf(metric);
    if (!have) { found.push(`metric ${metric} is not in /metrics`); continue; }
    for (const label of labels) if (!TARGET_LABELS.has(label) && !have.has(label)) found.push(`${metric} has no label ${label}`);
  }
  for (const { labels, metrics } of use.groupings) {
    for (const label of labels) {
      for (const metric of metrics) if (!TARGET_LABELS.has(label) && !labelsOf(metric)?.has(label)) found.push(`grouping label ${label} is not on ${metric}`);
    }
  }
  return found;
}

describe('the chart renders the dashboard and the alerts only when asked', () => {
  it('renders the seats alert only with a seat limit', () => {
    expect(rulesOf(render({ prometheus: { rules: { enabled: true } } })).map((r) => r.alert)).not.toContain('DashKeycloakLicenseSeatsHigh');
  });

  it('renders neither by default', () => {
    expect(render().map((m) => m.kind)).not.toEqual(expect.arrayContaining(['PrometheusRule']));
    expect(render().filter((m) => m.kind === 'ConfigMap')).toEqual([]);
  });

  it('renders the dashboard ConfigMap for the Grafana sidecar, byte for byte the JSON of deploy/grafana', () => {
    const cms = render(ON).filter((m) => m.kind === 'ConfigMap') as (Manifest & { data: Record<string, string> })[];
    expect(cms).toHaveLength(1);
    expect(cms[0]?.metadata).toMatchObject({ namespace: 'dko-system', labels: { grafana_dashboard: '1' } });
    expect(cms[0]?.data['dash-keycloak-operator.json']).toBe(readFileSync(dashboardFile, 'utf8').trimEnd());
    expect(readFileSync(chartDashboardFile, 'utf8')).toBe(readFileSync(dashboardFile, 'utf8'));
  });

  it('renders a PrometheusRule whose alerts each have a summary, a description naming what fired, and a runbook section', () => {
    const rules = rulesOf(render({ prometheus: { rules: { enabled: true, labels: { release: 'kps' }, licenseSeats: { limit: 100 } } } }));
    const runbook = readFileSync(join(repoRoot, 'docs', 'runbook.md'), 'utf8');
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'DashKeycloakLogoutPending', 'DashKeycloakOperatorDown', 'DashKeycloakOperatorNoLeader', 'DashKeycloakOperatorObjectsNotReady',
      'DashKeycloakOperatorReconcileErrors', 'DashKeycloakOperatorStatusRejected', 'DashKeycloakUnauthorized', 'DashKeycloakUnavailable',
      'DashKeycloakLicenseSeatsHigh', 'DashKeycloakSeatLimitReached',
    ].sort());
    for (const rule of rules) {
      expect({ alert: rule.alert, summary: Boolean(rule.annotations.summary) }).toEqual({ alert: rule.alert, summary: true });
      // The namespace-wide alerts name the release's namespace; the others the kind or object from their labels.
      expect({ alert: rule.alert, names: /\$labels\.(kind|object_name|realm)|dko-system/.test(rule.annotations.description ?? '') }).toEqual({ alert: rule.alert, names: true });
      expect(rule.annotations.runbook_url).toBe(`docs/runbook.md#${rule.alert.toLowerCase()}`);
      expect(runbook).toContain(`\n## ${rule.alert}\n`);
    }
  });
});

describe('every dashboard and alert query reads metrics and labels the running operator exports', () => {
  const { op, rest } = useOperator({
    extraArgs: ['--drift-poll-interval=500ms'],
    realm: {},
    apply: [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pw' }, stringData: { password: 'Initial-pass-1' } },
      { apiVersion: v, kind: 'DashGroup', metadata: { name: 'data' }, spec: { realmRef } },
      { apiVersion: v, kind: 'DashUser', metadata: { name: 'alice' }, spec: { realmRef, username: 'alice', email: 'alice@example.com', firstName: 'Alice', lastName: 'Liddell', groups: [{ name: 'data' }], initialPassword: { secretRef: { name: 'pw', key: 'password' }, temporary: false } } },
      { apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'data-admin' }, spec: { realmRef, roles: ['admin'], subjects: [{ kind: 'Group', name: 'data' }] } },
      { apiVersion: v, kind: 'DashUser', metadata: { name: 'bob' }, spec: { realmRef, username: 'bob', groups: [{ name: 'not-yet' }] } },
    ],
  });
  let scrape: Scrape;

  beforeAll(async () => {
    for (const [kind, name] of [['DashGroup', 'data'], ['DashUser', 'alice'], ['DashRoleBinding', 'data-admin']] as const) await op.waitReady(kind, name, 90_000);
    await op.waitFor('DashUser', 'bob', (u) => readyCondition(u)?.reason === 'WaitingForGroup');
    // A second DashGroup for the same Keycloak group: Conflict, retried with backoff.
    op.apply({ apiVersion: v, kind: 'DashGroup', metadata: { name: 'data-again' }, spec: { realmRef, name: 'data' } });
    await op.waitFor('DashGroup', 'data-again', (g) => readyCondition(g)?.reason === 'Conflict');
    // A session, then a role change through the group: alice waits for a logout.
    expect((await login(op.env, op.realm, await createLoginClient(rest, op.realm), 'alice', 'Initial-pass-1')).status).toBe(200);
    op.apply({ apiVersion: v, kind: 'DashRoleBinding', metadata: { name: 'data-admin' }, spec: { realmRef, roles: ['admin', 'viewer'], subjects: [{ kind: 'Group', name: 'data' }] } });
    await op.waitFor<{ status?: { logoutPending?: boolean } }>('DashUser', 'alice', (u) => u.status?.logoutPending === true, 90_000);
    // An administrator renames alice in Keycloak: the operator changes her back (a drift correction).
    const outsider = await secondAdmin(rest, op.env, op.realm);
    const id = (await op.get<{ status: { keycloakId: string } }>('DashUser', 'alice'))?.status.keycloakId ?? '';
    const path = `/${encodeURIComponent(op.realm)}/users/${id}`;
    await outsider.write('PUT', path, { ...await outsider.get<Record<string, unknown>>(path), firstName: 'Mallory' });
    const deadline = Date.now() + 60_000;
    do {
      scrape = parseExposition(await (await fetch(op.metricsUrl)).text());
      if (scrape.samples.has(`${METRICS_PREFIX}drift_corrections_total`) && scrape.samples.has(`${METRICS_PREFIX}workqueue_retries_total`)) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
  }, 240_000);

  it('exports the objects, logout and drift series the example produced', () => {
    expect(scrape.samples.get(`${METRICS_PREFIX}objects`)).toEqual(new Set(['kind', 'ready', 'reason']));
    expect(scrape.samples.get(`${METRICS_PREFIX}logout_pending_since_seconds`)).toEqual(new Set(['object_namespace', 'object_name']));
    expect(scrape.samples.get(`${METRICS_PREFIX}drift_corrections_total`)).toEqual(new Set(['kind']));
  });

  it.each(dashboardQueries.map((q) => [q.where, q.expr]))('dashboard %s: %s', (_, expr) => {
    expect(problems(expr, scrape)).toEqual([]);
  });

  it('dashboard variables read a metric the operator exports', () => {
    for (const variable of dashboard.templating.list.filter((t) => t.definition)) {
      const [, metric, label] = /^label_values\((\w+), (\w+)\)$/.exec(variable.definition ?? '') ?? [];
      expect({ variable: variable.name, exported: scrape.samples.has(metric ?? ''), label: TARGET_LABELS.has(label ?? '') || scrape.samples.get(metric ?? '')?.has(label ?? '') })
        .toEqual({ variable: variable.name, exported: true, label: true });
    }
  });

  it.each(rulesOf(render(ON)).map((r) => [r.alert, r.expr]))('alert %s: %s', (_, expr) => {
    expect(problems(expr, scrape)).toEqual([]);
  });
});
