// Keycloak killed (SIGKILL) during convergence and started again: its database is in memory,
// so it comes back empty (same bootstrap admin). The operator must notice and recreate the
// realm, the dash client, the groups, the users and the grants, with no duplicates.
//
// Why this is its own file and safe: the restart wipes Keycloak for every test running at the
// same time. Jest runs test files one at a time in CI (the 2-core machine gives one worker;
// tests inside a file run in order), so nothing else uses Keycloak during this file. Do not run
// it in parallel with other integration files (e.g. with --maxWorkers>1 on a larger machine),
// nor while another run shares the same environment: give it its own one with
// DKO_TESTENV_DIR=<another directory> (as npm run test:compat does).
import { killServer, startServer } from '../../env/control.js';
import { uniqueName } from '../../env/test-env.js';
import { startOperator, type OperatorUnderTest } from '../operator/harness.js';
import { KeycloakRest } from '../support/keycloak-rest.js';
import { USERS, allReady, expectFleetInKeycloak, fleet, someUsersReady } from './fleet.js';

describe('Keycloak killed during convergence', () => {
  let op: OperatorUnderTest | undefined;
  const realm = uniqueName('realm-kckill');

  afterAll(async () => {
    await op?.stop();
    if (!op) return;
    // A fresh connection: tokens from before the restart are signed by keys that are gone.
    await new KeycloakRest(op.env).deleteRealm(realm);
  });

  it('comes back empty and the operator recreates everything, with no duplicate users or groups and no lost grants', async () => {
    // Objects already Ready are only looked at again on a resync: a short one, so the wiped
    // realm is noticed within the test's time.
    op = await startOperator({ extraArgs: ['--resync-period=10s'] });
    op.apply(fleet(realm));
    const readyAtKill = await someUsersReady(op, 3);
    killServer('keycloak');
    await startServer('keycloak'); // waits until Keycloak is ready again (empty)
    // For the record (not asserted: timing).
    console.log(`killed Keycloak with ${readyAtKill}/${USERS.length} DashUsers Ready; operator log: ${op.logFile}`);

    await allReady(op, 240_000);
    // Ready may be a status from before the restart: wait for the realm to really exist again,
    // then until the end state holds (a resync pass may still be recreating the rest).
    let last: unknown;
    const deadline = Date.now() + 240_000;
    for (;;) {
      try {
        await expectFleetInKeycloak(op, realm);
        break;
      } catch (err) {
        last = err;
        if (Date.now() > deadline) throw last;
        await new Promise((r) => setTimeout(r, 2_000));
      }
    }
    await allReady(op, 60_000);
  }, 600_000);
});
