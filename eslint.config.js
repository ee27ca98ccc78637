// Lint covers hand-written TypeScript; generated protobuf code is fenced off.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A string that starts like a key of one of the stored slices. */
const STORED_KEY_LITERAL = String.raw`/^\/(config|jobs|state|monitoring|esi-planner|esi-worker|esi-heat-engine|esi-monitoring)\//`;

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/src/gen/**', '.esi-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/services/*', '@esi/svc-*'], message: 'No service imports another service.' }] }],
    },
  },
  {
    // The etcd layout is said once, in @esi/contracts (keys.ts, slices.ts): code elsewhere
    // builds and splits keys through it, so a slice cannot drift between its writer and
    // its readers. Tests may spell keys out, to check the layout itself.
    files: ['**/*.ts'],
    ignores: ['packages/contracts/**', '**/*.test.ts', '**/test-support/**', 'test/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `Literal[value=${STORED_KEY_LITERAL}], TemplateElement[value.raw=${STORED_KEY_LITERAL}]`,
          message: 'An etcd key prefix belongs in @esi/contracts (KEY_PREFIX, SLICES).',
        },
      ],
    },
  },
);
