// Jest global teardown: stop the environment only if this run started it.
import { stopEnv } from './environment.js';

export default async function globalTeardown(): Promise<void> {
  if (process.env.DKO_TESTENV_STARTED_BY_JEST === '1' && process.env.DKO_TESTENV_KEEP !== '1') await stopEnv();
}
