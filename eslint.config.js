// Lint covers hand-written TypeScript; generated protobuf code is fenced off.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A string that starts like a key of one of the stored slices. */
const STORED_KEY_LITERAL = String.raw`/^\/(config|jobs|state|monitoring|esi-planner|esi-worker|esi-heat-engine|esi-monitoring)\//`;

/**
 * Errors are sorted by what they are (library classes, JetStream codes, a
 * `retryable`/`outage` flag), under one retry rule in @esi/errors: reading an error's
 * message with a regular expression, or writing a second isRetryable, is how the rules
 * drifted apart.
 */
const ERRORS_BY_TYPE = [
  {
    selector: "CallExpression[callee.property.name='test'][callee.object.regex] MemberExpression[property.name='message']",
    message: 'Sort errors by class or code (see @esi/errors), not by matching their message.',
  },
  {
    selector: "FunctionDeclaration[id.name='isRetryable'], VariableDeclarator[id.name='isRetryable']",
    message: 'The retry rule is @esi/errors isRetryable; re-export it instead of writing another.',
  },
];

/**
 * The etcd layout is said once, in @esi/contracts (keys.ts, slices.ts): code elsewhere
 * builds and splits keys through it, so a slice cannot drift between its writer and its
 * readers.
 */
const KEYS_IN_CONTRACTS = [
  {
    selector: `Literal[value=${STORED_KEY_LITERAL}], TemplateElement[value.raw=${STORED_KEY_LITERAL}]`,
    message: 'An etcd key prefix belongs in @esi/contracts (KEY_PREFIX, SLICES).',
  },
];

/** The stored shapes that have a parser in SLICES (@esi/contracts). */
const SLICE_VALUE = '/^(ConfigValue|StateValue|HeatStackValue|WorkflowRecord|JobMeta|StoredJobValue)$/';

/**
 * A stored value is read through its slice's parser (SLICES.<slice>.parse, or
 * OwnedStore.read(key, parse)), which checks the shape every writer sets: a cast of
 * JSON.parse trusts whatever the key holds, and each reader used to check it its own way.
 */
const VALUES_THROUGH_SLICES = [
  {
    selector: `TSAsExpression[typeAnnotation.typeName.name=${SLICE_VALUE}] > CallExpression[callee.object.name='JSON'][callee.property.name='parse']`,
    message: 'Parse a stored value with its slice (SLICES.<slice>.parse in @esi/contracts), not a cast of JSON.parse.',
  },
  {
    selector: `CallExpression[callee.property.name='getJson'] TSTypeReference[typeName.name=${SLICE_VALUE}]`,
    message: 'Read a stored value with store.read(key, SLICES.<slice>.parse), not getJson<…>.',
  },
];

/**
 * Settings are read once, through @esi/config's parser, from a spec that holds each
 * variable's default and doc (parseConfig): reading a variable by name anywhere else is
 * how two defaults for one setting, or a setting nobody documents, come about. Applies to
 * the running system (packages/, services/); tools under tools/ read their own few.
 */
const ENV_THROUGH_CONFIG = [
  {
    selector: "MemberExpression[object.type='MemberExpression'][object.object.name='process'][object.property.name='env']",
    message: 'Read settings through a @esi/config spec (parseConfig(spec, process.env)), not process.env.NAME.',
  },
  {
    selector: "MemberExpression[object.name='env'][property.name=/^[A-Z][A-Z0-9_]*$/]",
    message: 'Read settings through a @esi/config spec (parseConfig), not env.NAME.',
  },
];

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
  // One no-restricted-syntax list per kind of file: ESLint keeps only the last setting of
  // a rule for a file, so the lists are composed rather than spread over several blocks.
  { files: ['**/*.ts'], rules: { 'no-restricted-syntax': ['error', ...ERRORS_BY_TYPE, ...KEYS_IN_CONTRACTS] } },
  { files: ['packages/**/*.ts', 'services/**/*.ts'], rules: { 'no-restricted-syntax': ['error', ...ERRORS_BY_TYPE, ...KEYS_IN_CONTRACTS, ...ENV_THROUGH_CONFIG, ...VALUES_THROUGH_SLICES] } },
  { files: ['packages/contracts/**/*.ts'], rules: { 'no-restricted-syntax': ['error', ...ERRORS_BY_TYPE, ...ENV_THROUGH_CONFIG] } },
  { files: ['packages/errors/**/*.ts'], rules: { 'no-restricted-syntax': ['error', ...KEYS_IN_CONTRACTS, ...ENV_THROUGH_CONFIG, ...VALUES_THROUGH_SLICES] } },
  { files: ['packages/config/**/*.ts'], rules: { 'no-restricted-syntax': ['error', ...ERRORS_BY_TYPE, ...KEYS_IN_CONTRACTS, ...VALUES_THROUGH_SLICES] } },
  // Tests may spell keys out, read messages and set variables, to check the layout, the
  // words and the settings themselves.
  { files: ['**/*.test.ts', 'test/**/*.ts', '**/test-support/**/*.ts', '**/test-support.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
