import { REASONS, type DashRealm } from '../../api/index.js';
import { invalidSpec } from '../errors.js';

/**
 * Refuses a DashRealm whose `spec.email.host` is not on the operator's SMTP allow-list, before
 * the SMTP password Secret is read: Keycloak would send that password to the host it names.
 * An empty or absent list allows any host. Hosts compare case-insensitively, without a
 * trailing dot. Throws an InvalidSpec with reason SmtpHostNotAllowed.
 */
export function assertSmtpHostAllowed(realm: DashRealm, allowedHosts: readonly string[] | undefined): void {
  const host = realm.spec.email?.host;
  if (host === undefined || !allowedHosts || allowedHosts.length === 0) return;
  if (allowedHosts.includes(normalize(host))) return;
  throw invalidSpec(
    `spec.email.host ${host} is not on the operator's SMTP allow-list: the operator's administrator can allow it with --allowed-smtp-hosts / ALLOWED_SMTP_HOSTS (Helm email.allowedHosts), or name an allowed host`,
    REASONS.smtpHostNotAllowed,
  );
}

function normalize(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}
