// `npm run sandbox`: try the extension in a real VS Code in one command. Builds the extension (protos + esbuild),
// installs the code-server toolchain once (scripts/e2e-setup.mjs), compiles the sandbox (test/sandbox, through tsc),
// then runs it. The sandbox runs in a process group of its own so that Ctrl-C reaches only it, through this script:
// a terminal's SIGINT would otherwise also hit the private containerd, which must outlive its tasks' deletion.
// Flags (after `--`): --smoke, --private, --code-server (see test/sandbox/main.ts); --no-build skips the build.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noBuild = args.includes('--no-build');
const passOn = args.filter((a) => a !== '--no-build');

function step(what, cmd, cmdArgs) {
  console.log(`sandbox: ${what}…`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`sandbox: ${what} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
    process.exit(1);
  }
}

/** Same rule as test/sandbox/vscode.ts: a desktop `code` on PATH and a display mean no code-server is needed. */
function desktopCode() {
  if (passOn.includes('--smoke') || passOn.includes('--code-server') || process.env.SANDBOX_EXIT_AFTER_READY === '1') return false;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return false;
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => {
    try { fs.accessSync(path.join(d, 'code'), fs.constants.X_OK); return true; } catch { return false; }
  });
}

if (!noBuild) {
  step('building the extension', 'npm', ['run', '--silent', 'build']);
  step('compiling the sandbox', 'npx', ['tsc', '-p', 'test/sandbox/tsconfig.json']);
}
if (!desktopCode()) step('checking the code-server toolchain (installed once, about 2 minutes)', 'node', ['scripts/e2e-setup.mjs']);

const main = path.join(root, 'out', 'test', 'sandbox', 'main.js');
if (!fs.existsSync(main)) {
  console.error(`sandbox: ${main} not found: run without --no-build`);
  process.exit(1);
}
// stdin is a pipe: when this script dies, the sandbox sees it close and stops what it started.
const child = spawn(process.execPath, ['--enable-source-maps', main, ...passOn], {
  cwd: root, detached: true, stdio: ['pipe', 'inherit', 'inherit'], env: { ...process.env, SANDBOX_PARENT_PIPE: '1' },
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    try { process.kill(child.pid, signal); } catch { /* already gone */ }
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
