// `npm run sandbox`: try the extension in a real VS Code in one command. Builds the extension (protos + esbuild),
// installs the code-server toolchain once (scripts/e2e-setup.mjs), compiles the sandbox (test/sandbox, through tsc),
// then runs it. The sandbox runs in a process group of its own so that Ctrl-C reaches only it, through this script:
// a terminal's SIGINT would otherwise also hit the private containerd, which must outlive its tasks' deletion.
// SIGINT, SIGTERM or SIGHUP sent to this script alone (`timeout`, a process manager; npm forwards SIGINT and
// SIGTERM to it, as package.json `exec`s it) stop the current step, or the sandbox gracefully; so does the parent
// (npm) going away, which is how a SIGHUP to npm shows here.
// Flags (after `--`): --smoke, --private, --code-server (see test/sandbox/main.ts); --no-build skips the build.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noBuild = args.includes('--no-build');
const passOn = args.filter((a) => a !== '--no-build');

/** The step or the sandbox now running, and the signal that asked us to stop (if one did). */
let current;
let stopSignal;

function forward() {
  if (current) { try { process.kill(current.pid, stopSignal); } catch { /* already gone */ } }
}

function stop(signal) {
  // Forwarded once: the sandbox stops gracefully on its first signal and gives up on that at a second one.
  if (stopSignal) return;
  stopSignal = signal;
  forward();
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));
// SIGHUP kills npm without reaching us, and a dying parent sends nothing: adoption by another parent is the sign.
const parentPid = process.ppid;
setInterval(() => { if (process.ppid !== parentPid) stop('SIGHUP'); }, 500).unref();
// A closed terminal must not turn the progress lines into a crash.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

function run(cmd, cmdArgs, options) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd: root, ...options });
    current = child;
    child.on('error', (e) => { current = undefined; resolve({ code: 1, error: e }); });
    child.on('exit', (code, signal) => { current = undefined; resolve({ code, signal }); });
    if (stopSignal) forward();
  });
}

async function step(what, cmd, cmdArgs) {
  if (stopSignal) process.exit(1);
  console.log(`sandbox: ${what}…`);
  const r = await run(cmd, cmdArgs, { stdio: 'inherit' });
  if (stopSignal) {
    console.error(`sandbox: ${stopSignal} during "${what}": stopped`);
    process.exit(1);
  }
  if (r.code !== 0) {
    console.error(`sandbox: ${what} failed (${r.error?.message ?? `exit ${r.code ?? r.signal}`})`);
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
  await step('building the extension', 'npm', ['run', '--silent', 'build']);
  await step('compiling the sandbox', 'npx', ['tsc', '-p', 'test/sandbox/tsconfig.json']);
}
if (!desktopCode()) await step('checking the code-server toolchain (installed once, about 2 minutes)', 'node', ['scripts/e2e-setup.mjs']);

const main = path.join(root, 'out', 'test', 'sandbox', 'main.js');
if (!fs.existsSync(main)) {
  console.error(`sandbox: ${main} not found: run without --no-build`);
  process.exit(1);
}
if (stopSignal) process.exit(1);
// stdin is a pipe: should this script die anyway (SIGKILL), the sandbox sees it close and stops what it started.
const r = await run(process.execPath, ['--enable-source-maps', main, ...passOn], {
  detached: true, stdio: ['pipe', 'inherit', 'inherit'], env: { ...process.env, SANDBOX_PARENT_PIPE: '1' },
});
process.exit(r.code ?? 1);
