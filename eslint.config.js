// One linter for the whole tree; the import rules keep the planes and layers of DESIGN.md apart.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'child_process',
  'stream',
  'zlib',
  'dns',
  'worker_threads',
  'process',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.state/**', 'test/bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins
            .filter((p) => !p.includes('*'))
            .map((name) => ({ name, message: 'Workflows are deterministic: no Node built-ins.' })),
          patterns: [
            { group: ['node:*'], message: 'Workflows are deterministic: no Node built-ins.' },
            {
              group: [
                'pg',
                'kysely',
                'hono',
                'hono/*',
                '@hono/*',
                'ldapts',
                'openid-client',
                'node-forge',
                'pino',
                '@temporalio/worker',
                '@temporalio/client',
                '@temporalio/activity',
              ],
              message: 'Workflows hold no I/O: call activities.',
            },
            {
              group: ['../activities/*', '../../activities/*', '../edge/*', '../admin/*', '../cli/*'],
              allowTypeImports: true,
              message: 'Workflows import activities as types only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'hono',
                'hono/*',
                '@hono/*',
                '@temporalio/worker',
                '@temporalio/client',
                '@temporalio/activity',
              ],
              message: 'core/ is the pure domain: no Hono, no Temporal worker or client, no process wiring.',
            },
            {
              group: [
                '../edge/*',
                '../admin/*',
                '../cli/*',
                '../activities/*',
                '../workflows/*',
                '../../edge/*',
                '../../admin/*',
                '../../cli/*',
                '../../activities/*',
                '../../workflows/*',
                '../../../*/edge/*',
              ],
              message: 'core/ imports libraries only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/edge/*', '**/admin/*', '**/cli/*', '**/workflows/*'],
              allowTypeImports: true,
              message: 'activities/ import only core/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The edge may be compromised (DESIGN.md §1): it never holds the CA or runs the core's activities.
    files: ['edge/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // plane-check.activities.ts holds the edge's half of the plane check beside the core's.
              group: ['**/activities/**', '!**/activities/plane-check.activities.js'],
              allowTypeImports: true,
              message: 'edge/ never runs core-side activities: it reaches the core through Temporal.',
            },
            {
              group: [
                '**/core/pki/ca-*',
                '**/core/pki/certificate-authority*',
                '**/core/pki/certificate-builder*',
                '**/core/pki/issue-certificate*',
                '**/core/pki/native-signer*',
                '**/core/pki/crl*',
              ],
              message: 'The CA and its signing code stay in the core; the edge only verifies.',
            },
            {
              group: ['**/admin/*', '**/cli/*'],
              message: 'edge/ imports core/ and the shared runtime only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['admin/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../activities/*', '../../activities/*', '../edge/*', '../../edge/*'],
              allowTypeImports: true,
              message:
                'admin/ imports core/ and the Temporal client; it reaches the planes through workflows.',
            },
          ],
        },
      ],
    },
  },
  {
    // The console runs in the browser and reaches Keep only through the admin API's HTTP routes.
    files: ['console/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['../../*', 'node:*'], message: 'The console is a client of the admin API.' }],
        },
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  // CommonJS only where a library loads a module by path with require().
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
