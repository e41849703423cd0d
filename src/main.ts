#!/usr/bin/env node
import './require-node.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError, type OperatorConfig } from './config.js';
import { usage } from './config-options.js';
import { runDiff } from './diff/command.js';
import { runExport } from './export/command.js';
import { commandUsage, loadCommand } from './tool-config.js';
import { CorrectionLedger, classifyFailure, controllers, driftMetrics, driftPoller, logoutPendingMetrics, seatMetrics } from './controllers/index.js';
import { KeycloakConnectionRegistry, keycloakRequestMetrics } from './keycloak/index.js';
import { KubeRestClient } from './kube/client.js';
import { loadKubeConfig } from './kube/kubeconfig.js';
import { metadataOnly } from './kube/metadata.js';
import { ConfigMapKind, SecretKind } from './kube/resource-kind.js';
import { ReferencedDataReader } from './kube/secrets.js';
import { createLogger } from './logger.js';
import { METRICS_PREFIX, Manager, createMetrics, type ManagerOptions } from './runtime/index.js';
import { shutdownSignal } from './runtime/signals.js';

/** `reportingController` of the operator's Events. */
const REPORTING_CONTROLLER = 'dashops.dev/dash-keycloak-operator';

// Wiring only: config -> logger -> clients -> controllers -> start; then wait for a signal.
async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = loadCommand(argv);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`dash-keycloak-operator: ${err.message}\n`);
    return 2;
  }
  if (command.command === 'help') {
    const topic = command.topic;
    process.stdout.write(`${topic === 'export' || topic === 'diff' ? commandUsage(topic) : usage()}\n`);
    return 0;
  }
  const io = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };
  if (command.command === 'export') return runExport(command.config, io);
  if (command.command === 'diff') return runDiff(command.config, io);
  return runOperator(command.config);
}

async function runOperator(config: OperatorConfig): Promise<number> {
  const logger = createLogger(config.logLevel);
  const identity = `${hostname()}_${randomUUID()}`;
  const kubeConfig = loadKubeConfig(config.kubeconfig);
  const metrics = createMetrics();
  const registry = new KeycloakConnectionRegistry({
    timeoutMs: config.keycloakTimeoutMs, maxConcurrency: config.keycloakMaxConcurrency, onRequest: keycloakRequestMetrics(metrics.registry, METRICS_PREFIX),
  });
  const client = new KubeRestClient(kubeConfig);
  const manager = new Manager(managerOptions(config, identity), { kubeConfig, logger, metrics, client });
  const drift = driftMetrics(metrics.registry, METRICS_PREFIX);
  logoutPendingMetrics(metrics.registry, METRICS_PREFIX, manager.cache);
  const options = {
    registry, secretData: new ReferencedDataReader(client), defaultKeycloak: config.keycloak, allowedKeycloakUrls: config.allowedKeycloakUrls, allowedSmtpHosts: config.allowedSmtpHosts,
    cleanupTimeoutMs: config.cleanupTimeoutMs, driftMetrics: drift, driftCorrections: new CorrectionLedger(), seatMetrics: seatMetrics(metrics.registry, METRICS_PREFIX),
  };
  const registrations = controllers(options);
  for (const registration of registrations) manager.register(registration);
  manager.runWhileLeading(driftPoller(options, manager, { intervalMs: config.driftPollIntervalMs, metrics: drift, logger }));
  await manager.start();
  logger.info({ identity, namespaces: config.namespaces, endpoints: manager.endpoints, controllers: registrations.map((r) => r.kind.kind) }, 'started');
  const signal = await shutdownSignal();
  logger.info({ signal }, 'shutting down: draining reconciles in flight');
  await manager.stop();
  await registry.close();
  logger.info('stopped');
  return 0;
}

function managerOptions(config: OperatorConfig, identity: string): ManagerOptions {
  const election = config.leaderElection;
  return {
    namespaces: config.namespaces,
    concurrency: config.concurrency,
    resyncPeriodMs: config.resyncPeriodMs,
    dependencyWaitMs: config.dependencyWaitMs,
    drainTimeoutMs: config.shutdownTimeoutMs,
    leaderElection: election.enabled
      ? { namespace: election.namespace, name: election.id, identity, leaseDurationMs: election.leaseDurationMs, renewDeadlineMs: election.renewDeadlineMs, retryPeriodMs: election.retryPeriodMs }
      : undefined,
    http: { host: config.bindAddress, healthPort: config.healthPort, metricsPort: config.metricsPort },
    events: { controller: REPORTING_CONTROLLER, instance: identity },
    // Watched for changes only: the values reconcilers read (credentials, passwords, CA bundles)
    // come from a GET of the referenced object, so no other Secret's content enters the process.
    kinds: [metadataOnly(SecretKind), metadataOnly(ConfigMapKind)],
    classifiers: [classifyFailure],
  };
}

main(process.argv.slice(2)).then(
  // An empty write calls back once everything written before it is flushed: a piped export is not cut short.
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    process.stderr.write(`dash-keycloak-operator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
