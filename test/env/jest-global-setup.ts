// Jest global setup of the integration tier: start the real environment once per run, or
// reuse a healthy one; remember whether we started it so teardown stops only that.
import { ensureEnv } from './environment.js';

export default async function globalSetup(): Promise<void> {
  const { started } = await ensureEnv();
  process.env.DKO_TESTENV_STARTED_BY_JEST = started ? '1' : '';
}
