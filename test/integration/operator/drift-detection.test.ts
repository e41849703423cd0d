// Drift detection through Keycloak's admin events, against the real servers. Every change is
// made by a second administrator of the realm (not the operator's credentials), as in the
// admin console; Keycloak state is read back through raw REST only. The operator runs with a
// one-hour resync, so what is corrected within the test's seconds was corrected from the events.
import { execFileSync } from 'node:child_process';
import { loadTestEnv } from '../../env/test-env.js';
import { secondAdmin } from '../support/keycloak-fixtures.js';
import { KeycloakGrants } from '../support/keycloak-grants.js';
import type { KeycloakRest } from '../support/keycloak-rest.js';
import { RecordingProxy } from '../support/recording-proxy.js';
import { isReady, readyCondition, useOperator, type OperatorUnderTest } from './harness.js';

const v = 'identity.dashops.dev/v1alpha1';
const realmRef = { name: 'dash' };
const user = (name: string, extra: object = {}) => ({ apiVersion: v, kind: 'DashUser', metadata: { name }, spec: { realmRef, username: name, ...extra } });
const group = (name: string) => ({ apiVersion: v, kind: 'DashGroup', metadata: { name }, spec: { realmRef } });
const binding = (name: string, roles: string[], subjects: object[]) => ({ apiVersion: v, kind: 'DashRoleBinding', metadata: { name }, spec: { realmRef, roles, subjects } });
const ONE_HOUR_RESYNC = ['--resync-period=1h', '--drift-poll-interval=500ms'];
const OBJECTS = [['DashRealm', 'dash'], ['DashGroup', 'team'], ['DashUser', 'alice'], ['DashRoleBinding', 'alice-licensed'], ['DashRoleBinding', 'team-admin']] as const;
const enc = encodeURIComponent;

type RealmStatus = { status?: { adminEvents?: { enabledBy: string }; conditions?: { type: string; status: string; reason: string; message: string }[] } };
const driftCondition = (r: RealmStatus) => r.status?.conditions?.find((c) => c.type === 'DriftDetection');

describe('drift corrected from admin events (driftDetection AdminEvents, resync 1 h)', () => {
  const { op, rest } = useOperator({
    extraArgs: ONE_HOUR_RESYNC,
    apply: [
      group('team'),
      user('alice', { email: 'alice@example.com', firstName: 'Alice', lastName: 'Liddell', groups: [{ name: 'team' }] }),
      binding('alice-licensed', ['licensed_user'], [{ kind: 'User', name: 'alice' }]),
      binding('team-admin', ['admin'], [{ kind: 'Group', name: 'team' }]),
    ],
    realm: { login: { rememberMe: false }, requiredActions: [{ alias: 'CONFIGURE_TOTP', enabled: true, defaultAction: false }] },
  });
  let outsider: KeycloakRest;
  let outside: KeycloakGrants;
  let base: string;
  const ids = { alice: '', team: '' };

  beforeAll(async () => {
    for (const [kind, name] of OBJECTS) await op.waitReady(kind, name, 90_000);
    outsider = await secondAdmin(rest, op.env, op.realm);
    outside = new KeycloakGrants(outsider, op.realm);
    base = `/${enc(op.realm)}`;
    ids.alice = (await outside.userId('alice')) ?? '';
    ids.team = (await outside.groupId('/team')) ?? '';
  }, 120_000);

  it('turns the realm\'s admin events on, kept 1 day, and says it did', async () => {
    expect((await rest.get<{ adminEventsEnabled: boolean }>(`${base}/events/config`))?.adminEventsEnabled).toBe(true);
    expect((await rest.realm(op.realm))?.attributes?.adminEventsExpiration).toBe('86400');
    const realm = await op.waitFor<RealmStatus>('DashRealm', 'dash', (r) => driftCondition(r)?.status === 'True');
    expect(realm.status?.adminEvents).toEqual({ enabledBy: 'Operator' });
  });

  // Each row: a change made outside the operator, the object that corrects it, and the Keycloak state that proves it.
  const changes: [string, () => Promise<void>, [string, string], () => Promise<boolean>][] = [
    ['a user field edited', async () => {
      const rep = await outsider.get<Record<string, unknown>>(`${base}/users/${ids.alice}`);
      await outsider.write('PUT', `${base}/users/${ids.alice}`, { ...rep, firstName: 'Mallory' });
    }, ['DashUser', 'alice'], async () => (await rest.get<{ firstName?: string }>(`${base}/users/${ids.alice}`))?.firstName === 'Alice'],
    ['the user removed from its group', () => outsider.write('DELETE', `${base}/users/${ids.alice}/groups/${ids.team}`).then(() => undefined),
      ['DashUser', 'alice'], async () => (await memberships(rest, base, ids.alice)).includes('/team')],
    ['the user added to a group it is not in', async () => {
      const intruders = await outside.createGroup('intruders');
      await outsider.write('PUT', `${base}/users/${ids.alice}/groups/${intruders}`);
    }, ['DashUser', 'alice'], async () => (await memberships(rest, base, ids.alice)).join() === '/team'],
    ['a client role mapping of the user removed', () => outside.revoke({ kind: 'users', id: ids.alice }, ['licensed_user']),
      ['DashRoleBinding', 'alice-licensed'], async () => (await outside.direct({ kind: 'users', id: ids.alice })).includes('licensed_user')],
    // Both the binding and the user run: the user may re-read its roles before the binding has
    // mapped the grant again, and must then be woken to report it (wake-ups.ts usersBehindGrants).
    ['a client role mapping of the user removed while the user is edited', async () => {
      await outside.revoke({ kind: 'users', id: ids.alice }, ['licensed_user']);
      const rep = await outsider.get<Record<string, unknown>>(`${base}/users/${ids.alice}`);
      await outsider.write('PUT', `${base}/users/${ids.alice}`, { ...rep, firstName: 'Mallory' });
    }, ['DashRoleBinding', 'alice-licensed'], async () => (await outside.direct({ kind: 'users', id: ids.alice })).includes('licensed_user')
      && (await rest.get<{ firstName?: string }>(`${base}/users/${ids.alice}`))?.firstName === 'Alice'],
    ['a client role mapping of the group removed', () => outside.revoke({ kind: 'groups', id: ids.team }, ['admin']),
      ['DashRoleBinding', 'team-admin'], async () => (await outside.direct({ kind: 'groups', id: ids.team })).includes('admin')],
    ['a login switch flipped', () => outsider.updateRealm(op.realm, { rememberMe: true }),
      ['DashRealm', 'dash'], async () => (await rest.realm(op.realm))?.rememberMe === false],
    ['a required action switched off', async () => {
      const action = await outsider.get<Record<string, unknown>>(`${base}/authentication/required-actions/CONFIGURE_TOTP`);
      await outsider.write('PUT', `${base}/authentication/required-actions/CONFIGURE_TOTP`, { ...action, enabled: false });
    }, ['DashRealm', 'dash'], async () => (await rest.requiredActions(op.realm)).find((a) => a.alias === 'CONFIGURE_TOTP')?.enabled === true],
    ['viewer taken out of the default roles', async () => {
      const dash = (await rest.clientUuid(op.realm, 'dash')) ?? '';
      const viewer = await outsider.get(`${base}/clients/${dash}/roles/viewer`);
      await outsider.write('DELETE', `${base}/roles/default-roles-${enc(op.realm.toLowerCase())}/composites`, [viewer]);
    }, ['DashRealm', 'dash'], async () => (await rest.defaultClientRoleNames(op.realm, (await rest.clientUuid(op.realm, 'dash')) ?? '')).includes('viewer')],
    ['the group deleted', () => outsider.write('DELETE', `${base}/groups/${ids.team}`).then(() => undefined),
      ['DashGroup', 'team'], async () => {
        ids.team = (await outside.groupId('/team')) ?? '';
        return ids.team !== '' && (await memberships(rest, base, ids.alice)).includes('/team');
      }],
  ];

  it.each(changes)('%s: corrected and reported as DriftCorrected within seconds', async (_name, change, [kind, name], corrected) => {
    const before = driftEvents(op, name).length;
    const changedAt = Date.now();
    await change();
    await until(`${kind} ${name} corrected in Keycloak`, corrected, 20_000);
    await until(`a DriftCorrected event on ${kind} ${name}`, async () => driftEvents(op, name).length > before, 10_000);
    expect(Date.now() - changedAt).toBeLessThan(30_000);
    const event = driftEvents(op, name).at(-1);
    expect(event?.regarding.kind).toBe(kind);
    expect(event?.note).toMatch(/^changed back what was changed outside the operator: /);
    // And every status is final again without the resync (a subject that reported the drift
    // before the correction would leave its binding waiting for a report until then).
    for (const [k, n] of OBJECTS) await op.waitReady(k, n, 15_000);
    // Ready and right: alice's status shows its grant and its group's role again.
    await op.waitFor<{ status?: { effectiveRoleNames?: string[] } }>('DashUser', 'alice',
      (u) => ['admin', 'licensed_user'].every((r) => u.status?.effectiveRoleNames?.includes(r)), 15_000);
  }, 60_000);

  it('the operator\'s own writes wake no pass', async () => {
    await settle(op);
    const before = await metrics(op);
    // A spec change: the operator writes to Keycloak, and its writes come back as admin events.
    op.apply(user('alice', { email: 'alice@example.com', firstName: 'Alicia', lastName: 'Liddell', groups: [{ name: 'team' }] }));
    await until('the new first name in Keycloak', async () => (await rest.get<{ firstName?: string }>(`${base}/users/${ids.alice}`))?.firstName === 'Alicia', 20_000);
    await settle(op);
    await sleep(2000); // four poll intervals after the last pass
    const after = await metrics(op);
    expect(sum(after, 'dash_keycloak_operator_drift_polls_total', 'result="ok"')).toBeGreaterThan(sum(before, 'dash_keycloak_operator_drift_polls_total', 'result="ok"'));
    // Its own events were read and skipped: no event queued a key (the histogram counts every
    // event that did), so no pass ran because of them.
    expect(sum(after, 'dash_keycloak_operator_drift_detection_seconds_count')).toBe(sum(before, 'dash_keycloak_operator_drift_detection_seconds_count'));
    expect(sum(after, 'dash_keycloak_operator_drift_corrections_total')).toBe(sum(before, 'dash_keycloak_operator_drift_corrections_total'));
  }, 60_000);

  it('a gap in the events (someone deletes them) resyncs the realm: nothing is missed', async () => {
    await settle(op);
    const before = await metrics(op);
    const rep = await outsider.get<Record<string, unknown>>(`${base}/users/${ids.alice}`);
    await outsider.write('PUT', `${base}/users/${ids.alice}`, { ...rep, lastName: 'Hatter' });
    // Deleting the realm's admin events also deletes the record of that change.
    await outsider.write('DELETE', `${base}/admin-events`);
    await until('a resync of the realm', async () => sum(await metrics(op), 'dash_keycloak_operator_drift_resyncs_total') > sum(before, 'dash_keycloak_operator_drift_resyncs_total'), 10_000);
    await until('alice\'s last name corrected', async () => (await rest.get<{ lastName?: string }>(`${base}/users/${ids.alice}`))?.lastName === 'Liddell', 20_000);
  }, 60_000);

  it('a realm whose admin events someone else turned on keeps its retention exactly', async () => {
    const other = `${op.realm}-kept`;
    await rest.write('POST', '', { realm: other, enabled: true, adminEventsEnabled: true });
    try {
      op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'kept', annotations: { 'identity.dashops.dev/adopt': 'true' } }, spec: { realm: other } });
      const kept = await op.waitFor<RealmStatus>('DashRealm', 'kept', (r) => isReady(r) && driftCondition(r)?.status === 'True', 60_000);
      expect(kept.status?.adminEvents).toEqual({ enabledBy: 'External' });
      // Unset means kept forever (an auditor's choice): the operator sets no expiration.
      expect((await rest.realm(other))?.attributes?.adminEventsExpiration).toBeUndefined();
    } finally {
      op.delete('DashRealm', 'kept');
      await until('DashRealm kept gone', async () => (await op.get('DashRealm', 'kept')) === undefined, 30_000);
      await rest.deleteRealm(other);
    }
  }, 90_000);
});

// The pass that changes Keycloak back is not always the one the admin event wakes: a pass
// under way for another reason may read the change and write it back before the feed is read.
// Forced here with a slow feed (10 s) and a spec change right after the outside change.
describe('a correction made before its admin event is read', () => {
  const { op, rest } = useOperator({ extraArgs: ['--resync-period=1h', '--drift-poll-interval=10s'], realm: { login: { rememberMe: false } } });

  it('is still reported as DriftCorrected, once the event is read', async () => {
    await op.waitFor<RealmStatus>('DashRealm', 'dash', (r) => isReady(r) && driftCondition(r)?.status === 'True', 60_000);
    const outsider = await secondAdmin(rest, op.env, op.realm);
    // Right after a poll, so the next one is ~10 s away.
    const polls = sum(await metrics(op), 'dash_keycloak_operator_drift_polls_total');
    await until('a poll of the admin events', async () => sum(await metrics(op), 'dash_keycloak_operator_drift_polls_total') > polls, 15_000);
    const detected = sum(await metrics(op), 'dash_keycloak_operator_drift_detection_seconds_count');
    await outsider.updateRealm(op.realm, { rememberMe: true });
    op.apply({ apiVersion: v, kind: 'DashRealm', metadata: { name: 'dash' }, spec: { realm: op.realm, login: { rememberMe: false, loginWithEmail: true } } });
    await until('the switch changed back by the spec change\'s pass', async () => (await rest.realm(op.realm))?.rememberMe === false, 8_000);
    // The scenario holds only if the feed had not shown the change yet.
    expect(sum(await metrics(op), 'dash_keycloak_operator_drift_detection_seconds_count')).toBe(detected);
    await until('a DriftCorrected event on DashRealm dash', async () => driftEvents(op, 'dash').length > 0, 20_000);
    expect(driftEvents(op, 'dash').at(-1)?.note).toMatch(/^changed back what was changed outside the operator: /);
  }, 90_000);
});

describe('driftDetection Resync', () => {
  const proxy = new RecordingProxy(loadTestEnv().KEYCLOAK_URL);
  let proxied = '';
  beforeAll(async () => {
    proxied = await proxy.start();
  });
  const { op, rest } = useOperator(() => ({ extraArgs: [...ONE_HOUR_RESYNC, `--keycloak-url=${proxied}`], realm: { driftDetection: 'Resync' } }));
  afterAll(() => proxy.stop());

  it('never touches the events configuration and sends no admin event request', async () => {
    const realm = await op.waitFor<RealmStatus>('DashRealm', 'dash', (r) => driftCondition(r) !== undefined);
    // The test environment's API server is shared: a CRD without spec.driftDetection applied by
    // another checkout meanwhile prunes the field, and the realm is then AdminEvents by default.
    expect({ storedSpecDriftDetection: (realm as { spec?: { driftDetection?: string } }).spec?.driftDetection }).toEqual({ storedSpecDriftDetection: 'Resync' });
    expect(driftCondition(realm)).toMatchObject({ status: 'False', reason: 'Resync' });
    expect(realm.status?.adminEvents).toBeUndefined();
    await sleep(2000); // four poll intervals
    expect(proxy.requests.length).toBeGreaterThan(0); // the operator does go through the proxy
    expect(proxy.requests.filter((r) => r.path.includes('/admin-events') || r.path.includes('/events/config'))).toEqual([]);
    expect((await rest.get<{ adminEventsEnabled: boolean }>(`/${enc(op.realm)}/events/config`))?.adminEventsEnabled).toBe(false);
    expect(readyCondition(realm)?.status).toBe('True');
  }, 60_000);
});

async function memberships(rest: KeycloakRest, base: string, userId: string): Promise<string[]> {
  return ((await rest.get<{ path: string }[]>(`${base}/users/${userId}/groups`)) ?? []).map((g) => g.path).sort();
}

type K8sEvent = { reason: string; note: string; regarding: { kind: string; name: string } };
function driftEvents(op: OperatorUnderTest, name: string): K8sEvent[] {
  const out = execFileSync(op.env.KUBECTL, ['--kubeconfig', op.env.KUBECONFIG, 'get', 'events.events.k8s.io', '-n', op.namespace, '-o', 'json'], { encoding: 'utf8' });
  return (JSON.parse(out) as { items: K8sEvent[] }).items.filter((e) => e.reason === 'DriftCorrected' && e.regarding.name === name);
}

async function metrics(op: OperatorUnderTest): Promise<string> {
  return (await fetch(op.metricsUrl)).text();
}

function sum(text: string, name: string, label = ''): number {
  return text.split('\n').filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(label))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Waits until no reconcile pass has run for 1.5 s. */
async function settle(op: OperatorUnderTest): Promise<void> {
  let last = sum(await metrics(op), 'dash_keycloak_operator_reconcile_total');
  for (let quiet = 0; quiet < 3;) {
    await sleep(500);
    const now = sum(await metrics(op), 'dash_keycloak_operator_reconcile_total');
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
