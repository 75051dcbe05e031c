// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noFocusedTests = { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip)$/]", message: 'No focused or skipped tests.' };

// A connection pointed at a tenant's schema or role must never outlive its transaction: only
// src/infra/db/tenant-transaction.ts may change either (a function's own `SET search_path FROM
// CURRENT` pins its schema and is fine).
const SCOPE_SQL = String.raw`/(\bset\s+(local\s+|session\s+)?(search_path|role)\b(?!\s+from\s+current))|(set_config\s*\(\s*'(search_path|role)')|(\breset\s+(role|search_path)\b)/i`;
const scopeOnlyInTenantTransaction = [
  { selector: `Literal[value=${SCOPE_SQL}]`, message: 'search_path and roles change only in src/infra/db/tenant-transaction.ts.' },
  { selector: `TemplateElement[value.raw=${SCOPE_SQL}]`, message: 'search_path and roles change only in src/infra/db/tenant-transaction.ts.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.stoflow/**', 'logs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-syntax': ['error', noFocusedTests, ...scopeOnlyInTenantTransaction],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The domain is pure: time and randomness arrive in commands.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'The domain takes time from the command.' }, { object: 'Math', property: 'random', message: 'The domain takes ids from the command.' }],
      'no-restricted-syntax': ['error', noFocusedTests, ...scopeOnlyInTenantTransaction, { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The domain takes time from the command.' }],
    },
  },
  {
    // The helper, the test that feeds the rule its own probes, and the shared append function
    // (0005, and 0009's definition), whose path lasts only for its own call (its `set` clause
    // restores the caller's).
    files: [
      'src/infra/db/tenant-transaction.ts',
      'test/config/scope-lint.unit.test.ts',
      'migrations/public/0005_shared_append_function.ts',
      'migrations/public/0009_append_events_without_path_switch.ts',
    ],
    rules: { 'no-restricted-syntax': ['error', noFocusedTests] },
  },
);
