// Type-checks src/, packages/, test/ and bench/ together (strict) and emits them into out/, then links the client's
// package name for code running from out/: `require('@containerd-explorer/client')` in out/src/... must load the same
// compiled copy that the client's own tests load (out/packages/containerd-client/src/), not the package's bundle, or
// `instanceof` between the two copies would fail. Node looks in out/node_modules before the repository's.
// Usage: node scripts/compile-tests.mjs   (npm run compile-tests)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.test.json')], { stdio: 'inherit', cwd: root });
// The Stats webview's browser script has its own config (DOM types); type-checked here, bundled by esbuild.mjs.
execFileSync(process.execPath, [tsc, '-p', join(root, 'src/views/stats/webview/tsconfig.json')], { stdio: 'inherit', cwd: root });

const link = join(root, 'out', 'node_modules', '@containerd-explorer', 'client');
mkdirSync(link, { recursive: true });
writeFileSync(join(link, 'package.json'), '{ "name": "@containerd-explorer/client", "main": "index.js" }\n');
writeFileSync(join(link, 'index.js'), "module.exports = require('../../../packages/containerd-client/src/index.js');\n");
