/**
 * Path segments a request route keeps as they are: the admin REST API's own words. Every other
 * segment (a realm name, an id, a role name, a group path) becomes `*`, so the number of routes,
 * and of metric series, is bounded whatever the realms hold.
 */
const ROUTE_WORDS = new Set([
  'admin', 'realms', 'realm', 'users', 'groups', 'clients', 'roles', 'roles-by-id', 'role-mappings', 'composite', 'children', 'members',
  'sessions', 'count', 'events', 'admin-events', 'attack-detection', 'brute-force', 'partialImport', 'authentication', 'required-actions',
  'profile', 'client-scopes', 'protocol', 'openid-connect', 'token', 'logout', 'credentials', 'group-by-path', 'execute-actions-email',
  'reset-password', 'config', 'available', 'effective', 'service-account-user', 'client-secret', 'default-groups', 'components', 'keys',
  'logout-all', 'consents', 'federated-identity', 'offline-sessions', 'send-verify-email', 'identity-provider', 'instances', 'mappers',
  'composites', 'user-profile', 'metadata', 'default-default-client-scopes', 'default-optional-client-scopes', 'localization', 'management', 'permissions',
]);

/** The route of a request path for metrics: `/admin/realms/*\/users/*\/role-mappings/clients/*`, query left out. */
export function requestRoute(path: string): string {
  return (path.split('?')[0] ?? '').split('/').map((segment) => (segment === '' || ROUTE_WORDS.has(segment) ? segment : '*')).join('/');
}
