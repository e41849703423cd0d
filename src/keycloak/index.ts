// The Keycloak port's public surface: reconcilers and the runtime import from here (plans
// import types from port.ts only).
export type * from './port.js';
export { KeycloakError, KeycloakErrorKind, isKeycloakError } from './errors.js';
export { createKeycloakConnection, type KeycloakConnection, type KeycloakConnectionOptions } from './connection.js';
export { KeycloakConnectionRegistry, type KeycloakTarget, type KeycloakTuning } from './registry.js';
export type { KeycloakCredentials } from './token.js';
export type { RequestObserver } from './dispatcher.js';
export { keycloakRequestMetrics } from './metrics.js';
export { SECRET_MASK, isSecretMask } from './smtp.js';
export { defaultRolesName } from './clients.js';
