// The operator SIGKILLed mid-convergence (no graceful shutdown, no lease release, status
// writes lost in flight) and a new one started on the same namespace: the new one must finish
// the work from what it finds in Kubernetes and Keycloak, creating nothing twice, and still
// know which grants are its own: deleting the binding afterwards takes every one of them back.
// Keycloak is read through raw REST only (fleet.ts's reader), never through src/keycloak.
import { uniqueName } from '../../env/test-env.js';
import { startOperator, type OperatorUnderTest } from '../operator/harness.js';
import { KeycloakRest } from '../support/keycloak-rest.js';
import { KeycloakReader, USERS, allReady, expectFleetInKeycloak, fleet, list, someUsersReady, until } from './fleet.js';

describe('the operator SIGKILLed mid-convergence', () => {
  let first: OperatorUnderTest | undefined;
  let second: OperatorUnderTest | undefined;
  let rest: KeycloakRest | undefined;
  const realm = uniqueName('realm-opkill');

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await rest?.deleteRealm(realm);
  });

  it('is restarted on the same namespace and converges with no duplicate users or groups and no lost grants', async () => {
    // Default resync period (10m): only the new operator's startup pass can finish the work.
    first = await startOperator();
    rest = new KeycloakRest(first.env);
    first.apply(fleet(realm));
    const readyAtKill = await someUsersReady(first, 3);
    await first.kill('SIGKILL');
    // For the record (not asserted: timing): how far the first operator got.
    console.log(`SIGKILLed the operator with ${readyAtKill}/${USERS.length} DashUsers Ready; log: ${first.logFile}`);

    second = await startOperator({ namespace: first.namespace });
    await allReady(second, 180_000);
    console.log(`second operator log: ${second.logFile}`);
    await expectFleetInKeycloak(second, realm);

    // Every licensed_user grant is the binding's (none was made by hand): a grant whose record
    // was lost in the crash would now count as manual and survive the binding's deletion.
    const op = second;
    op.delete('DashRoleBinding', 'licensed');
    await until('DashRoleBinding licensed gone', async () => (await list(op, 'DashRoleBinding')).length === 0, 120_000, 500);
    const kc = new KeycloakReader(op.env, realm);
    const [client] = await kc.clientUuid('dash');
    const kept: string[] = [];
    for (const { id, username } of await kc.allUsers()) if ((await kc.directClientRoles(id, client ?? '')).includes('licensed_user')) kept.push(username);
    expect(kept).toEqual([]);
  }, 300_000);
});
