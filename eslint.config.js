// Flat config: typescript-eslint's recommended rules without type information (fast).
// Pragmatic: what would be noise is a warning or off; warnings never fail `npm test`.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Every global the running Node has (process, console, Buffer, URL, fetch, ...), for .js/.mjs scripts. */
const nodeGlobals = Object.fromEntries(
  [...Object.getOwnPropertyNames(globalThis), 'process', 'console', 'Buffer'].map((name) => [
    name,
    'readonly',
  ]),
);

/** What a browser page or service worker can use; kept short and explicit. */
const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'navigator',
    'location',
    'history',
    'localStorage',
    'indexedDB',
    'fetch',
    'crypto',
    'URL',
    'URLSearchParams',
    'Event',
    'Response',
    'Request',
    'Blob',
    'File',
    'console',
    'setTimeout',
    'clearTimeout',
    'self',
    'caches',
    'IDBDatabase',
    'IDBObjectStore',
    'IDBRequest',
    'IDBTransactionMode',
    'AbortSignal',
    'HTMLElement',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', '.data/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: nodeGlobals },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'warn',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/no-explicit-any': 'warn',
      // Nest modules and GraphQL types are classes with only decorators.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // Declaration merging of a namespace with a function/class is a legitimate TS pattern.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      // Worth doing, not worth failing a build over.
      'preserve-caught-error': 'warn',
      'prefer-const': ['error', { destructuring: 'all' }],
    },
  },
  {
    // The browser client: browser globals (window, document, indexedDB, ...), not Node's.
    files: ['apps/web/src/**/*.{ts,tsx}', 'apps/web/public/**/*.js'],
    languageOptions: { globals: browserGlobals },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
