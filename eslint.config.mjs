// @ts-check
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'src/generated/**', '.local/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins, and activities
    // are referenced by type only (STYLE.md habits 1 and 2).
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not available in workflow code.' })),
            { name: '../activities', allowTypeImports: true, message: 'Workflows import activity types only.' },
            { name: '../activities/index', allowTypeImports: true, message: 'Workflows import activity types only.' },
          ],
          patterns: [
            { group: ['axios', 'axios/*'], message: 'Provider calls belong in activities.' },
            { group: ['@prisma/*', 'prisma', 'pg', '**/db/*', '**/generated/*'], message: 'Database access belongs in activities.' },
            { group: ['kafkajs', '@platformatic/kafka', '**/bridge/*'], message: 'Kafka belongs in the bridge and activities.' },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflows import @temporalio/workflow only.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Use workflow time via sleep/condition, not Date.now().' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Use the seeded uuid4-based random.' },
        { selector: "CallExpression[callee.name='setTimeout']", message: 'Use sleep() from @temporalio/workflow.' },
      ],
    },
  },
);
