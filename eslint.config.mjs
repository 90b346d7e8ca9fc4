import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const CLIENT_BY_NAME = { group: ['**/packages/**', '@containerd-explorer/client/*'], message: 'The extension uses the client only through its entry point: import from \'@containerd-explorer/client\'.' };
const upper = (...dirs) => dirs.flatMap((d) => [`**/${d}/**`, `../${d}`, `../../${d}`, `./${d}`]);

/** One no-restricted-imports rule per extension layer (flat config: the last matching rule wins, so each is whole). */
function fences() {
  const fence = (files, forbidden, message, noVscode = false) => ({
    files,
    rules: {
      'no-restricted-imports': ['error', {
        ...(noVscode ? { paths: [{ name: 'vscode', message: `${files[0]} is free of vscode (unit-tested in plain Node).` }] } : {}),
        patterns: [CLIENT_BY_NAME, ...(forbidden.length ? [{ group: forbidden, message }] : [])],
      }],
    },
  });
  return [
    fence(['src/**/*.ts'], [], ''),
    fence(['src/base/**/*.ts'], upper('session', 'settings', 'views', 'commands', 'terminals'), 'src/base/ is the bottom layer: it imports no other layer.', true),
    fence(['src/session/**/*.ts'], upper('views', 'commands', 'terminals', 'settings'), 'The session layer sits below views and commands: it never imports them.', true),
    fence(['src/settings/**/*.ts'], upper('session', 'views', 'commands', 'terminals'), 'src/settings/ reads configuration only: it imports no layer above base.'),
    fence(['src/views/**/*.ts'], upper('commands', 'terminals'), 'Views never import commands or terminals: commands call into views, not the other way round.'),
    fence(['src/commands/**/*.ts'], ['**/views/tree/**', '../views/tree', '../../views/tree'], 'Commands never import tree providers: use the view model (src/views/model/) or the session.'),
    fence(['src/terminals/**/*.ts'], upper('views', 'commands'), 'Terminals never import views or commands.'),
  ];
}

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
  // The extension's layers, bottom up: base (emitter, lifecycle) < settings, session < views < commands, terminals <
  // extension.ts. Each fence lists what its layer must not import; all of them reach the client only by its name.
  ...fences(),
  {
    // Commands reach the window only through their Host, so a scripted host can drive every one of them in tests.
    files: ['src/commands/**/*.ts'],
    ignores: ['src/commands/shared/host.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...[
        "MemberExpression[object.name='vscode'][property.name=/^(window|env)$/]",
        "ImportDeclaration[source.value='vscode'] ImportSpecifier[imported.name=/^(window|env)$/]",
      ].map((selector) => ({ selector, message: 'Commands reach the VS Code window only through deps.host(): vscode.window and vscode.env stay in src/commands/shared/host.ts.' }))],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', AbortController: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
