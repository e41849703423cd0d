import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, type TestEnv } from '../../env/test-env.js';

/** What one run of the binary gave. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `dash-keycloak-operator <args>` (src/main.ts through tsx) against the test Keycloak,
 * with the admin client's credentials in the environment as a user would set them; `input`
 * goes to stdin.
 */
export function runCli(env: TestEnv, args: string[], input?: string): CliRun {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'main.ts'), ...args], {
    cwd: repoRoot,
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, KEYCLOAK_URL: env.KEYCLOAK_URL, KEYCLOAK_CLIENT_ID: env.KEYCLOAK_ADMIN_CLIENT_ID, KEYCLOAK_CLIENT_SECRET: env.KEYCLOAK_ADMIN_CLIENT_SECRET },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
