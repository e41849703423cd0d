import { execFileSync } from 'node:child_process';
import { freePort } from '../../env/processes.js';
import { startSmtpSink, type SmtpSink } from '../keycloak/smtp-sink.js';
import { restUser } from '../support/keycloak-fixtures.js';
import { readyCondition, useOperator } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const email = (port: number) => ({ host: '127.0.0.1', port, from: 'dash@example.test', ssl: false, starttls: false });
const person = (name: string, realm: string) => ({
  apiVersion: v, kind: 'DashUser', metadata: { name }, spec: {
    realmRef: { name: realm }, username: name, email: `${name}@example.test`, firstName: name, lastName: 'Example',
    executeActionsEmail: { actions: ['UPDATE_PASSWORD', 'VERIFY_EMAIL'], lifespanSeconds: 3600 },
  },
});

type WithSentAt = { status?: { executeActionsEmailSentAt?: string } };

// SPEC: a DashUser may get Keycloak's execute-actions e-mail instead of a password; it is sent
// once, when the operator creates the user, through the realm's SMTP settings, and retried
// until it is sent. Keycloak is read through raw REST (KeycloakRest), never through src/keycloak.
describe("Keycloak's execute-actions e-mail through the running operator", () => {
  let sink: SmtpSink;
  const kubectl = (...args: string[]) => execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, '-n', op.namespace, ...args], { encoding: 'utf8', timeout: 60_000 });
  const mailsTo = (name: string) => sink.messages.filter((m) => m.to.includes(`${name}@example.test`));
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  const { op, rest } = useOperator(() => ({ extraArgs: ['--resync-period=3s'], realm: { email: email(sink.port) } }));
  afterAll(async () => {
    await rest.deleteRealm(`${op.realm}-mail`);
    await sink.close();
  });

  it('sends it once at creation, records when in status, and never again on resync', async () => {
    op.apply(person('erin', 'dash'));
    const ready = await op.waitReady<WithSentAt>('DashUser', 'erin');
    expect(Date.parse(ready.status?.executeActionsEmailSentAt ?? '')).not.toBeNaN();
    expect(await restUser(rest, op.realm, 'erin')).toMatchObject({ username: 'erin' });
    expect(mailsTo('erin')).toHaveLength(1);
    // The link carries Keycloak's action token for this realm.
    expect(mailsTo('erin')[0]?.data.replace(/=\n/g, '')).toContain(`/realms/${op.realm}/login-actions/action-token`);
    await new Promise((r) => setTimeout(r, 8_000)); // two resyncs
    expect(mailsTo('erin')).toHaveLength(1);
    const events = JSON.parse(kubectl('get', 'events.events.k8s.io', '-o', 'json')) as { items: { reason: string; regarding: { name: string } }[] };
    expect(events.items.filter((e) => e.reason === 'ActionsEmailSent' && e.regarding.name === 'erin')).toHaveLength(1);
  });

  it('retries it after the user was created until Keycloak sends it, then records it', async () => {
    // Nothing listens on this port: Keycloak creates the user but cannot send the e-mail.
    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'mail' }, spec: { realm: `${op.realm}-mail`, email: email(await freePort()) } });
    await op.waitReady('DashRealm', 'mail');
    op.apply(person('eve', 'mail'));
    const failed = await op.waitFor<WithSentAt>('DashUser', 'eve', (o) => readyCondition(o)?.status === 'False' && /e-mail/.test(readyCondition(o)?.message ?? ''));
    expect(failed.status?.executeActionsEmailSentAt).toBeUndefined();
    expect(await restUser(rest, `${op.realm}-mail`, 'eve')).toBeDefined();

    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'mail' }, spec: { realm: `${op.realm}-mail`, email: email(sink.port) } });
    const sent = await op.waitFor<WithSentAt>('DashUser', 'eve', (o) => o.status?.executeActionsEmailSentAt !== undefined, 120_000);
    expect(readyCondition(sent)?.status).toBe('True');
    expect(mailsTo('eve')).toHaveLength(1);
  });
});
