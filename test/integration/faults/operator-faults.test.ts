// The operator SIGKILLed mid-convergence (no graceful shutdown, no lease release, status
// writes lost in flight) and a new one started on the same namespace: the new one must finish
// the work from what it finds in Kubernetes and Keycloak, creating nothing twice.
import type { KeycloakConnection } from '../../../src/keycloak/index.js';
import { uniqueName } from '../../env/test-env.js';
import { startOperator, type OperatorUnderTest } from '../operator/harness.js';
import { adminConnection } from '../operator/keycloak-admin.js';
import { USERS, allReady, expectFleetInKeycloak, fleet, someUsersReady } from './fleet.js';

describe('the operator SIGKILLed mid-convergence', () => {
  let first: OperatorUnderTest | undefined;
  let second: OperatorUnderTest | undefined;
  let kc: KeycloakConnection | undefined;
  const realm = uniqueName('realm-opkill');

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await kc?.deleteRealm(realm);
    await kc?.close();
  });

  it('is restarted on the same namespace and converges with no duplicate users or groups and no lost grants', async () => {
    // Default resync period (10m): only the new operator's startup pass can finish the work.
    first = await startOperator();
    kc = adminConnection(first.env);
    first.apply(fleet(realm));
    const readyAtKill = await someUsersReady(first, 3);
    await first.kill('SIGKILL');
    // For the record (not asserted: timing): how far the first operator got.
    console.log(`SIGKILLed the operator with ${readyAtKill}/${USERS.length} DashUsers Ready; log: ${first.logFile}`);

    second = await startOperator({ namespace: first.namespace });
    await allReady(second, 180_000);
    console.log(`second operator log: ${second.logFile}`);
    await expectFleetInKeycloak(second, realm);
  }, 300_000);
});
