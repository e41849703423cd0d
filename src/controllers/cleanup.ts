import { REASONS, type AnyDashResource } from '../api/index.js';
import { KeycloakError, KeycloakErrorKind } from '../keycloak/errors.js';
import type { FinalizeResult } from '../runtime/index.js';
import type { ControllerDeps } from './context.js';
import { OutcomeError } from '../runtime/outcome.js';

/** Warning reason of a cleanup that let go of an unreachable Keycloak, leaving its objects in place. */
export const CLEANUP_ABANDONED = 'CleanupAbandoned';

/**
 * Runs a finalizer's cleanup, bounded for a DashRealm being deleted. Deleting a namespace
 * deletes its Secrets at the same time as its Dash resources, so the DashRealm's credentials
 * may be gone before its users, groups and bindings are cleaned up; Keycloak may be down. Once
 * the DashRealm (the object itself, or the one it names) has been deleting for `timeoutMs`
 * and the cleanup still cannot reach Keycloak, the finalizer goes with a Warning and the
 * Keycloak objects stay as they are: nothing is half-deleted, and the namespace can finish.
 * An object deleted while its DashRealm stays (offboarding one user) keeps waiting: leaving
 * an account behind silently would be worse than a stuck finalizer.
 */
export async function boundedCleanup(obj: AnyDashResource, deps: ControllerDeps, timeoutMs: number, cleanup: () => Promise<FinalizeResult>): Promise<FinalizeResult> {
  try {
    return await cleanup();
  } catch (err) {
    const why = unreachable(err);
    const realmDeletedAt = why === undefined ? undefined : deletingRealmSince(obj, deps);
    if (why === undefined || realmDeletedAt === undefined || deps.now().getTime() - realmDeletedAt < timeoutMs) throw err;
    return {
      done: true,
      events: [{
        type: 'Warning', reason: CLEANUP_ABANDONED,
        message: `cleanup let go after ${Math.round(timeoutMs / 1000)} s of the DashRealm's deletion: ${why}; what this ${obj.kind} manages stays in Keycloak as it is`,
      }],
    };
  }
}

/** Why Keycloak cannot be reached for cleanup, or undefined when the error is anything else. */
function unreachable(err: unknown): string | undefined {
  if (err instanceof KeycloakError && (err.kind === KeycloakErrorKind.Unavailable || err.kind === KeycloakErrorKind.Unauthorized)) return err.message;
  if (err instanceof OutcomeError && (err.reason === 'WaitingForSecret' || err.reason === REASONS.keycloakUrlNotAllowed)) return err.message;
  return undefined;
}

/** When the DashRealm that governs `obj` started deleting (epoch ms), or undefined when it is not being deleted. */
function deletingRealmSince(obj: AnyDashResource, deps: ControllerDeps): number | undefined {
  const realm = obj.kind === 'DashRealm'
    ? obj
    : deps.cache.get('DashRealm', obj.metadata.namespace ?? '', (obj.spec as { realmRef: { name: string } }).realmRef.name);
  const since = realm?.metadata.deletionTimestamp;
  return since ? Date.parse(since) : undefined;
}
