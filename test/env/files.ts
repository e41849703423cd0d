import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a file by renaming a complete copy over it: several runs may share one environment, and
 * one that re-writes env.json or the kubeconfig while another's helm or kubectl reads it must
 * never be seen half-written (an empty kubeconfig sends helm to localhost:8080).
 */
export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, data, { mode });
  renameSync(partial, file);
}
