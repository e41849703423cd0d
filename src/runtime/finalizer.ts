import type { KubeObject } from '../kube/object.js';

/** The four cases of the finalizer table (kube-rs style). */
export const FinalizerStep = {
  /** Not deleting, finalizer missing: add it first and stop; the update event brings the key back. */
  Add: 'Add',
  /** Not deleting, finalizer present: reconcile. */
  Apply: 'Apply',
  /** Deleting, finalizer present: clean up, then remove the finalizer. */
  Cleanup: 'Cleanup',
  /** Deleting without our finalizer: nothing to do. */
  Skip: 'Skip',
} as const;
export type FinalizerStep = (typeof FinalizerStep)[keyof typeof FinalizerStep];

/** Picks the case for `obj`; a controller without a finalizer only ever applies or skips. */
export function finalizerStep(obj: KubeObject, finalizer: string | undefined): FinalizerStep {
  const deleting = obj.metadata.deletionTimestamp !== undefined;
  if (finalizer === undefined) return deleting ? FinalizerStep.Skip : FinalizerStep.Apply;
  const present = obj.metadata.finalizers?.includes(finalizer) ?? false;
  if (deleting) return present ? FinalizerStep.Cleanup : FinalizerStep.Skip;
  return present ? FinalizerStep.Apply : FinalizerStep.Add;
}

/**
 * The merge patch that adds (`add`) or removes the finalizer. It carries the resourceVersion
 * read, so a concurrent change to the list fails with 409 instead of being overwritten.
 */
export function finalizerPatch(obj: KubeObject, finalizer: string, add: boolean): object {
  const current = obj.metadata.finalizers ?? [];
  const finalizers = add ? [...current.filter((f) => f !== finalizer), finalizer] : current.filter((f) => f !== finalizer);
  return { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion } };
}
