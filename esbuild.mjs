// Bundles the extension (dist/extension.js) and the client package alone (packages/containerd-client/dist/index.js,
// for plain Node scripts, benchmarks and tests). The extension reaches the client by its package name; esbuild
// resolves that to the package's sources through tsconfig.json's `paths`, so one build needs no other first.
import * as esbuild from 'esbuild';
import { clientBundleOptions } from './packages/containerd-client/scripts/build.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const builds = [
  {
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, minify: production,
    logLevel: 'info', entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'],
  },
  { ...clientBundleOptions({ production }), logLevel: 'info' },
  // The Stats webview's script and stylesheet (uPlot included), loaded by the panel from dist/webview/.
  {
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production, minify: production,
    logLevel: 'info', entryPoints: { stats: 'src/views/stats/webview/main.ts' }, outdir: 'dist/webview',
  },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
