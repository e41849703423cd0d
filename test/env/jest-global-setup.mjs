// Jest global setup of the integration tier: start the real environment once per run, or
// reuse a healthy one, and remember whether we started it so teardown stops only that.
// Plain ESM loading TypeScript through tsx: Jest runs global setup outside its module
// mapper, so `./environment.js` would not resolve to the .ts source there.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { ensureEnv } = await tsImport('./environment.ts', import.meta.url);
  const { started } = await ensureEnv();
  process.env.DKO_TESTENV_STARTED_BY_JEST = started ? '1' : '';
}
