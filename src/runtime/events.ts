import { createHash } from 'node:crypto';
import { V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.js';
import { isConflict } from '../kube/errors.js';
import type { KubeObject } from '../kube/object.js';
import { EventKind, apiVersionOf, type ResourceKind } from '../kube/resource-kind.js';

/** A Kubernetes Event a reconcile asks for. */
export interface EventRequest {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /**
   * Tells apart occurrences of the same event about the same object version, e.g. a drift
   * corrected a second time while nothing of the object changed in between (its writes are
   * the occurrence: a retry finds nothing left to write). Without it: one per version.
   */
  occurrence?: string;
}

/** Who reports events: `reportingController` (e.g. `dashops.dev/dash-keycloak-operator`) and this replica. */
export interface EventSource {
  controller: string;
  instance: string;
}

// events.k8s.io/v1 validation limits.
const MAX_NOTE = 1024;
const MAX_FIELD = 128;

/**
 * Records events.k8s.io/v1 Events about objects. Each Event's name is derived from the object's
 * uid and a dedupe key that the caller makes identical for a retry of the same occurrence (a
 * condition transition's time, the resourceVersion a reconcile read), so a retry, or a replica
 * restarted mid-reconcile, finds the Event already there (409) instead of recording it twice.
 * Recording never throws: an Event is worth less than the reconcile that reports it.
 */
export class EventRecorder {
  constructor(
    private readonly client: KubeClient,
    private readonly source: EventSource,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records `event` about `obj` of `kind` once per `dedupeKey`. */
  async record(kind: ResourceKind, obj: KubeObject, event: EventRequest, dedupeKey: string): Promise<void> {
    const occurrenceKey = event.occurrence === undefined ? dedupeKey : `${dedupeKey}\0${event.occurrence}`;
    const namespace = kind.namespaced ? obj.metadata.namespace ?? 'default' : 'default';
    const body = this.eventBody(kind, obj, event, namespace, occurrenceKey);
    try {
      await this.client.create(EventKind, namespace, body);
    } catch (err) {
      if (isConflict(err)) return;
      this.logger.warn({ err, reason: event.reason }, 'could not record event');
    }
  }

  private eventBody(kind: ResourceKind, obj: KubeObject, event: EventRequest, namespace: string, dedupeKey: string): object {
    const digest = createHash('sha256').update(`${obj.metadata.uid ?? ''}\0${dedupeKey}\0${event.type}\0${event.reason}\0${event.message}`).digest('hex');
    return {
      apiVersion: apiVersionOf(EventKind),
      kind: EventKind.kind,
      metadata: { name: `${obj.metadata.name.slice(0, 200)}.${digest.slice(0, 16)}`, namespace },
      // A plain Date would serialise with milliseconds; MicroTime wants microseconds.
      eventTime: new V1MicroTime(this.now().getTime()).toISOString(),
      reportingController: this.source.controller.slice(0, MAX_FIELD),
      reportingInstance: this.source.instance.slice(0, MAX_FIELD),
      action: 'Reconcile',
      type: event.type,
      reason: event.reason.slice(0, MAX_FIELD),
      note: event.message.slice(0, MAX_NOTE),
      regarding: {
        apiVersion: obj.apiVersion ?? apiVersionOf(kind),
        kind: obj.kind ?? kind.kind,
        name: obj.metadata.name,
        namespace: kind.namespaced ? obj.metadata.namespace : undefined,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
    };
  }
}
