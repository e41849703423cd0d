import { ANNOTATIONS, type DashUser, type DashUserStatus } from '../../api/index.js';
import type { UserLockout } from '../../keycloak/port.js';
import type { ConditionRequest, EventRequest } from '../../runtime/index.js';
import type { RealmRef } from '../realm-ref.js';

/** The DashUser condition that reports a brute-force lockout (Ready stays about reconciliation). */
export const LOCKED_OUT_CONDITION = 'LockedOut';

/** What the pass learnt about the user's lockout; undefined when the realm does not ask for it. */
export interface LockoutPass {
  /** Undefined when Keycloak gave no lockout (a server without the list). */
  lockout?: UserLockout;
  lastUnlock?: DashUserStatus['lastUnlock'];
  events: EventRequest[];
}

/**
 * Whether the unlock annotation asks for an unlock not yet acted on: each distinct value once.
 * A value that arrives while the user is not locked out is recorded too, so it cannot unlock a
 * later lockout. Pure.
 */
export function unlockRequested(user: DashUser): string | undefined {
  const value = user.metadata.annotations?.[ANNOTATIONS.unlock];
  return value && value !== user.status?.lastUnlock?.value ? value : undefined;
}

/**
 * Reads the user's lockout (only when the DashRealm sets bruteForceProtection.enabled: true)
 * from the realm view (no request per user), and clears it once per new unlock annotation
 * value. Only the user this DashUser manages (`id`, found and classified by this pass) is ever unlocked.
 */
export async function observeLockout(ref: RealmRef, user: DashUser, id: string, now: Date): Promise<LockoutPass | undefined> {
  if (ref.realm.spec.bruteForceProtection?.enabled !== true || id === '') return undefined;
  const lockout = await ref.view.lockout(id);
  const request = unlockRequested(user);
  if (!request) return { lockout, lastUnlock: user.status?.lastUnlock, events: [] };
  const lastUnlock = { value: request, at: now.toISOString() };
  if (lockout && !lockout.disabled && lockout.numFailures === 0) return { lockout, lastUnlock, events: [] };
  await ref.kc.clearUserLockout(ref.name, id);
  ref.view.recordUnlock(id);
  return {
    lockout: { disabled: false, numFailures: 0, lastFailureMs: 0 }, lastUnlock,
    events: [{ type: 'Normal', reason: 'Unlocked', message: `cleared the brute-force lockout of ${user.spec.username} (${ANNOTATIONS.unlock}: ${request})` }],
  };
}

/** Status fields and the LockedOut condition of a pass; nothing when lockouts are not read. */
export function lockoutReport(pass: LockoutPass | undefined): { status: Pick<DashUserStatus, 'lockedOut' | 'lastUnlock'>; conditions: ConditionRequest[] } {
  if (!pass) return { status: {}, conditions: [] };
  const { lockout, lastUnlock } = pass;
  if (!lockout) return { status: { lastUnlock }, conditions: [] };
  if (!lockout.disabled) {
    return { status: { lockedOut: false, lastUnlock }, conditions: [{ type: LOCKED_OUT_CONDITION, status: 'False', reason: 'NotLockedOut', message: 'the user can log in' }] };
  }
  const last = lockout.lastFailureMs > 0 ? `, the last at ${new Date(lockout.lastFailureMs).toISOString()}` : '';
  return {
    status: { lockedOut: true, lastUnlock },
    conditions: [{
      type: LOCKED_OUT_CONDITION, status: 'True', reason: 'LockedOut', eventType: 'Warning',
      message: `Keycloak's brute-force detection locks the user out after ${lockout.numFailures} failed login(s)${last}; set a new value of the annotation ${ANNOTATIONS.unlock} to unlock`,
    }],
  };
}
