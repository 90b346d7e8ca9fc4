// Builds the package: dist/client.js (one CommonJS bundle: grpc-js, proto-loader, protobufjs, fzstd and the compiled
// protos inlined, so installing the tarball needs no further downloads), dist/index.js (the entry point: a loader that
// compiles the bundle with its V8 code cache, dist/client.cache; scripts/code-cache.mjs) and dist/types/ (declarations
// for the whole public API, emitted by tsc from src/).
// Usage: node scripts/build.mjs [--production]   (npm run build here; the repository's esbuild.mjs reuses the options)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCachePlugin } from './code-cache.mjs';

const pkgRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** esbuild options for dist/client.js (and, through the plugin, dist/index.js and dist/client.cache). No `external: ['vscode']`: the client must not depend on vscode, and marking
 * it external would hide a violation. */
export function clientBundleOptions({ production = false } = {}) {
  const outfile = join(pkgRoot, 'dist', 'client.js');
  return {
    entryPoints: [join(pkgRoot, 'src', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    plugins: [codeCachePlugin(outfile)],
  };
}

/** dist/types/: declarations of everything src/index.ts exports (and what those types name). */
export function emitTypes() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(pkgRoot, 'tsconfig.build.json')], { stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const esbuild = await import('esbuild');
  await esbuild.build(clientBundleOptions({ production: process.argv.includes('--production') }));
  emitTypes();
  console.log('containerd-client: dist/index.js, dist/client.js, its code cache and dist/types/ built');
}
