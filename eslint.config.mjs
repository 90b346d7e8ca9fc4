import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', 'packages/containerd-client/src/generated/', 'packages/*/dist/', 'test-artifacts/', 'dist-vsix/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Layer boundary: the client knows gRPC and containerd, never VS Code or the UI layers above it.
    files: ['packages/containerd-client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'packages/containerd-client/src/ is the client layer: it must not import vscode.' }],
        patterns: [{ group: ['**/views/**', '**/commands/**', '**/terminals/**', '**/extension', '../views*', '../commands*', '../terminals*'], message: 'packages/containerd-client/src/ must not import an upper layer.' }],
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', AbortController: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
