// Jest 30 on native ESM (run with --experimental-vm-modules). @swc/jest strips types
// only: type errors are caught by `npm run typecheck`, a separate CI step.
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
      module: { type: 'es6' },
    }],
  },
  // Sources import './x.js' (nodenext); Jest resolves that to './x.ts'.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // etcd's data under .testenv (and .testenv-compat, npm run test:compat) has *.snap files
  // Jest would report as obsolete snapshots.
  modulePathIgnorePatterns: ['<rootDir>/\\.testenv[^/]*/', '<rootDir>/dist/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/\\.testenv[^/]*/'],
};

/** Unit tier: pure logic, no servers. Integration/e2e tier: the real servers of test/env. */
export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/env/jest-global-setup.mjs',
      globalTeardown: '<rootDir>/test/env/jest-global-teardown.mjs',
      slowTestThreshold: 60,
      setupFilesAfterEnv: ['<rootDir>/test/env/jest-integration-setup.ts'],
    },
  ],
};
