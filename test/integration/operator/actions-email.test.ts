import { execFileSync } from 'node:child_process';
import { startSmtpSink, type SmtpSink } from '../keycloak/smtp-sink.js';
import { adminConnection } from './keycloak-admin.js';
import { startOperator, type OperatorUnderTest } from './harness.js';
import type { KeycloakConnection } from '../../../src/keycloak/index.js';

const v = 'identity.dashops.dev/v1alpha1';

// SPEC: a DashUser may get Keycloak's execute-actions e-mail instead of a password; it is sent
// once, when the operator creates the user, through the realm's SMTP settings.
describe("Keycloak's execute-actions e-mail through the running operator", () => {
  let op: OperatorUnderTest;
  let kc: KeycloakConnection;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
    op = await startOperator({ extraArgs: ['--resync-period=3s'] });
    kc = adminConnection(op.env);
    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: {
      realm: op.realm, email: { host: '127.0.0.1', port: sink.port, from: 'dash@example.test', ssl: false, starttls: false },
    } });
    await op.waitReady('DashRealm', 'dash');
  });
  afterAll(async () => {
    await op.stop();
    await kc.deleteRealm(op.realm);
    await kc.close();
    await sink.close();
  });

  it('sends it once at creation, records when in status, and never again on resync', async () => {
    op.apply({ apiVersion: v, kind: 'DashUser', metadata: { name: 'erin' }, spec: {
      realmRef: { name: 'dash' }, username: 'erin', email: 'erin@example.test', firstName: 'Erin', lastName: 'Example',
      executeActionsEmail: { actions: ['UPDATE_PASSWORD', 'VERIFY_EMAIL'], lifespanSeconds: 3600 },
    } });
    const ready = await op.waitReady<{ status: { executeActionsEmailSentAt?: string } }>('DashUser', 'erin');
    expect(Date.parse(ready.status.executeActionsEmailSentAt ?? '')).not.toBeNaN();
    const toErin = () => sink.messages.filter((m) => m.to.includes('erin@example.test'));
    expect(toErin()).toHaveLength(1);
    // The link carries Keycloak's action token for this realm.
    expect(toErin()[0]?.data.replace(/=\n/g, '')).toContain(`/realms/${op.realm}/login-actions/action-token`);
    await new Promise((r) => setTimeout(r, 8_000)); // two resyncs
    expect(toErin()).toHaveLength(1);
    const events = JSON.parse(execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, 'get', 'events.events.k8s.io', '-o', 'json'],
      { encoding: 'utf8', timeout: 60_000 })) as { items: { reason: string; regarding: { name: string } }[] };
    expect(events.items.filter((e) => e.reason === 'ActionsEmailSent' && e.regarding.name === 'erin')).toHaveLength(1);
  });
});
