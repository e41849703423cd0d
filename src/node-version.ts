/** The Node.js major version the operator supports (the Dockerfile's base image, the `node` devDependency). */
export const SUPPORTED_NODE_MAJOR = 24;

/**
 * Why the operator refuses to run on Node `version` (e.g. `20.20.2`), or undefined when it is
 * supported. Checked at start (require-node.ts) rather than through package.json `engines`, which npm compares
 * with the Node that runs `npm install`, not with the Node 24 the `node` devDependency brings.
 */
export function unsupportedNode(version: string): string | undefined {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  if (major >= SUPPORTED_NODE_MAJOR) return undefined;
  return `needs Node.js ${SUPPORTED_NODE_MAJOR} or later, this is ${version} (npm scripts run the Node ${SUPPORTED_NODE_MAJOR} of the node devDependency; the container image has it)`;
}
