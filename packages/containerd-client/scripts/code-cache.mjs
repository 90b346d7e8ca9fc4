// The package's entry point, dist/index.js, is a small loader: it compiles the bundle (dist/client.js) with V8's code
// cache made at build time (dist/client.cache), so a plain Node process that requires the client skips parsing and
// compiling ~1.5 MB of JavaScript (about half of what requiring it costs). The cache holds the SHA-256 of the bundle
// it was made from; any other bundle, or another Node.js (V8 rejects a cache of another version or flags), compiles
// as usual. Used as an esbuild plugin (onEnd) by scripts/build.mjs and the repository's esbuild.mjs.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The loader, in plain CommonJS. Its logic is mirrored by PRODUCER below: keep the two the same. */
const LOADER = `'use strict';
// Loads ./client.js (the bundle) with the V8 code cache made at build time; see scripts/code-cache.mjs.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createHash } = require('node:crypto');
const { wrap } = require('node:module');
const file = path.join(__dirname, 'client.js');
const source = fs.readFileSync(file, 'utf8');
let cachedData;
try {
  const cache = fs.readFileSync(path.join(__dirname, 'client.cache'));
  // Only a cache made from this very bundle: V8 itself checks little more than the source's length.
  if (cache.subarray(0, 32).equals(createHash('sha256').update(source).digest())) cachedData = cache.subarray(32);
} catch {
  // no cache: compile as usual
}
const script = new vm.Script(wrap(source), { filename: file, cachedData });
script.runInThisContext().call(module.exports, module.exports, require, module, file, __dirname);
`;

/**
 * The loader with the bundle's export names spelled out in dead code, as esbuild does for CommonJS output: Node's
 * ESM loader reads them from the source (cjs-module-lexer), so `import { connect } from '...'` keeps working.
 */
export function loaderSource(exportNames) {
  const bad = exportNames.find((n) => !/^[A-Za-z_$][\w$]*$/.test(n));
  if (bad) throw new Error(`export name ${JSON.stringify(bad)} cannot be listed for ESM importers`);
  return `${LOADER}// Annotates the exports for ESM importers (never runs).\n0 && (module.exports = {\n${exportNames.map((n) => `  ${n},\n`).join('')}});\n`;
}

/** Runs in a child node: compiles and runs the bundle as the loader does, then writes the cache (hash + data). */
const PRODUCER = `
const fs = require('node:fs'), path = require('node:path'), vm = require('node:vm');
const { createHash } = require('node:crypto');
const { wrap } = require('node:module');
const [file, out] = process.argv.slice(1);
const source = fs.readFileSync(file, 'utf8');
const script = new vm.Script(wrap(source), { filename: file });
const m = { exports: {} };
script.runInThisContext().call(m.exports, m.exports, require, m, file, path.dirname(file));
// After running: the functions the module's start-up compiled are in the cache too.
fs.writeFileSync(out, Buffer.concat([createHash('sha256').update(source).digest(), script.createCachedData()]));
process.stdout.write(JSON.stringify(Object.keys(m.exports)));
`;

/**
 * Writes the bundle's code cache and dist/index.js (the loader, listing the bundle's exports). A bundle that cannot
 * be loaded fails the build here.
 */
export function writeLoaderAndCache(bundleFile) {
  const dir = dirname(bundleFile);
  if (basename(bundleFile) !== 'client.js') throw new Error(`the loader expects the bundle at dist/client.js, not ${bundleFile}`);
  const cacheFile = join(dir, 'client.cache');
  rmSync(cacheFile, { force: true });
  const r = spawnSync(process.execPath, ['-e', PRODUCER, bundleFile, cacheFile], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(cacheFile, { force: true });
    throw new Error(`containerd-client: ${bundleFile} does not load: ${(r.stderr || r.error?.message || '').trim()}`);
  }
  writeFileSync(join(dir, 'index.js'), loaderSource(JSON.parse(r.stdout)));
}

/** esbuild plugin: after each successful build of the bundle, the loader and its code cache. */
export function codeCachePlugin(bundleFile) {
  return {
    name: 'containerd-client-code-cache',
    setup(build) {
      build.onEnd((result) => { if (result.errors.length === 0) writeLoaderAndCache(bundleFile); });
    },
  };
}
