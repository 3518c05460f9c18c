import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/*
 * Import direction (ARCHITECTURE.md, "Layers and import rules"). Specifiers are relative, so each pattern allows
 * any number of leading "../" and names the folder it keeps out.
 */
const FEATURES =
  'accounts|cache|community|demo|digests|feed|foryou|ingest|library|mail|notifications|ops|recommend|search|security|signals|sources|trending';
const up = (target) => `^(\\./|(\\.\\./)+)${target}`;

/** Features and the wiring below the entry points never reach up into the web app, the CLI or the wiring. */
const noEntryPoints = [
  { regex: up('(web|cli)/'), message: 'Features never import the web app or the CLI: move the shared code down.' },
  { regex: up('(runtime|server)\\.js$'), message: 'Only entry points import the wiring (runtime.ts, server.ts).' },
];

/** The bottom layer (config, db, papers) imports no feature; table definitions (*.table.ts) are schema leaves. */
const noFeatures = [
  ...noEntryPoints,
  {
    regex: up(`(${FEATURES})/(?!\\w[\\w-]*\\.table\\.js$)`),
    message: 'config, db and papers sit at the bottom: they import no feature (only *.table.ts schema types).',
  },
  { regex: up('app-deps\\.js$'), message: 'config, db and papers sit at the bottom and know nothing of AppDeps.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // Cycles among the sources, resolved the way TypeScript does (`.js` specifiers to `.ts` files). Type-only imports
    // are not followed here; `node scripts/import-cycles.mjs` lists cycles including them.
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: [
      `src/{${FEATURES.split('|').join(',')}}/**/*.{ts,tsx}`,
      'src/app-deps.ts',
      'src/logger.ts',
      'src/worker-threads.ts',
      'src/project-root.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: noEntryPoints }] },
  },
  {
    files: ['src/config.ts', 'src/config/**/*.ts', 'src/db/**/*.ts', 'src/papers/**/*.ts', 'src/**/*.table.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: noFeatures }] },
  },
  {
    // Route files are thin and independent: what two routes share lives in a feature or a web/ helper module.
    files: ['src/web/routes/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./*.routes', './*.routes.js', '**/routes/*.routes', '**/routes/*.routes.js'],
              message: 'Route files must not import other route files.',
            },
          ],
        },
      ],
    },
  },
);
