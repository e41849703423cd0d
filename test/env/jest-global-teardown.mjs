// Jest global teardown: stop the environment only if this run started it (and the caller
// did not ask to keep it with DKO_TESTENV_KEEP=1).
import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  if (process.env.DKO_TESTENV_STARTED_BY_JEST !== '1' || process.env.DKO_TESTENV_KEEP === '1') return;
  const { stopEnv } = await tsImport('./environment.ts', import.meta.url);
  await stopEnv();
}
