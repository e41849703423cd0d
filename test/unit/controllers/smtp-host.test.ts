import { describe, expect, it } from '@jest/globals';
import type { DashRealm } from '../../../src/api/index.js';
import { assertSmtpHostAllowed } from '../../../src/controllers/realm/smtp-host.js';

const realm = (host?: string): DashRealm => ({
  apiVersion: 'identity.dashops.dev/v1alpha1', kind: 'DashRealm',
  metadata: { name: 'dash', namespace: 'team-a' },
  spec: { realm: 'dash', clientId: 'dash', ...(host ? { email: { host, from: 'dash@example.com' } } : {}) },
} as DashRealm);

describe('assertSmtpHostAllowed', () => {
  it('allows any host when no list is configured', () => {
    expect(() => assertSmtpHostAllowed(realm('smtp.attacker.net'), undefined)).not.toThrow();
    expect(() => assertSmtpHostAllowed(realm('smtp.attacker.net'), [])).not.toThrow();
  });

  it('allows a realm without spec.email', () => {
    expect(() => assertSmtpHostAllowed(realm(), ['smtp.example.com'])).not.toThrow();
  });

  it.each(['smtp.example.com', 'SMTP.Example.com', 'smtp.example.com.'])('allows %s when smtp.example.com is listed', (host) => {
    expect(() => assertSmtpHostAllowed(realm(host), ['smtp.example.com'])).not.toThrow();
  });

  it.each(['smtp.attacker.net', 'smtp.example.com.attacker.net', 'mail.example.com'])('refuses %s, naming the field and how to allow it', (host) => {
    expect(() => assertSmtpHostAllowed(realm(host), ['smtp.example.com'])).toThrow(expect.objectContaining({
      outcome: 'Invalid',
      reason: 'SmtpHostNotAllowed',
      message: `spec.email.host ${host} is not on the operator's SMTP allow-list: the operator's administrator can allow it with --allowed-smtp-hosts / ALLOWED_SMTP_HOSTS (Helm email.allowedHosts), or name an allowed host`,
    }));
  });
});
