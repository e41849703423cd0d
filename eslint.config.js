import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.testenv/**', 'helm/**', 'deploy/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', fetch: 'readonly', AbortController: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use `as const` objects instead of enums.' }],
    },
  },
  {
    // Plans are pure: (desired, observed) -> steps. They may import types and pure helpers
    // only, never a client, the clock or anything that performs I/O.
    files: ['src/controllers/**/plan.ts', 'src/controllers/**/plan-*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@kubernetes/*', '@keycloak/*', 'node:*', 'pino', 'prom-client', '**/adapter*', '**/kube/*', '**/runtime/*'], message: 'plan.ts must stay pure: no I/O imports.' },
        ],
      }],
      'no-restricted-globals': ['error', 'Date', 'fetch', 'setTimeout', 'process'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random' }],
    },
  },
);
