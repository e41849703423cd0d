// Imported first by main.ts: ES modules are evaluated in import order, so this check runs before
// a dependency that needs a newer Node (undici's zstd support, say) fails with a stack trace.
import { unsupportedNode } from './node-version.js';

const tooOld = unsupportedNode(process.versions.node);
if (tooOld) {
  process.stderr.write(`dash-keycloak-operator: ${tooOld}\n`);
  process.exit(2);
}
