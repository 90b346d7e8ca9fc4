// `npm run sandbox` run non-interactively: with a private containerd (--smoke), with an existing socket given by
// CONTAINERD_ADDRESS, stopped by Ctrl-C (SIGINT to its process group, as a terminal sends it) and by SIGINT, SIGTERM
// or SIGHUP to the `npm run sandbox` process alone. Each time it must bring up a real VS Code connected to
// containerd, and leave nothing running, listening or on disk afterwards.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { isAlive, listProcesses, mountsUnder, processTree, shimsOf, startContainerd, waitFor, type Daemon } from '../harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'sandbox.mjs');

interface SandboxState {
  mode: 'host' | 'private';
  address: string;
  daemonPid?: number;
  daemonDir?: string;
  registryPid?: number;
  registryDir?: string;
  registryUrl?: string;
  url?: string;
  pgid: number;
  runDir: string;
}

interface SandboxRun {
  code: number | null;
  output: string;
  state: SandboxState;
  /** Taken when it was ready (with `interrupt`): every process it ran then, and the unix sockets they had bound. */
  pids: number[];
  sockets: string[];
}

/** How to stop it once ready: a signal to its process group (a terminal's Ctrl-C) or to the npm process alone. */
interface Interrupt { signal: NodeJS.Signals; to: 'group' | 'npm' }

/** Bound unix socket paths held open by `pids` (from /proc/net/unix); abstract ones end with their process. */
function unixSockets(pids: number[]): string[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try { fds = fs.readdirSync(`/proc/${pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch { /* closed meanwhile */ }
    }
  }
  const paths = new Set<string>();
  for (const line of fs.readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
    const [, , , , , , inode, p] = line.trim().split(/\s+/);
    if (p?.startsWith('/') && inodes.has(inode)) paths.add(p);
  }
  return [...paths];
}

/** How long a stopped sandbox may take to be gone (containerd stops its tasks, code-server its hosts). */
const STOP_MS = 120_000;

/**
 * Runs the sandbox script in its own process group, as `node scripts/sandbox.mjs` or (with `interrupt.to: 'npm'`)
 * as `npm run sandbox`; `interrupt` sends a signal once it is ready.
 */
function runSandbox(args: string[], env: Record<string, string> = {}, interrupt?: Interrupt): Promise<SandboxRun> {
  return new Promise((resolve, reject) => {
    const viaNpm = interrupt?.to === 'npm';
    const [cmd, cmdArgs] = viaNpm ? ['npm', ['run', 'sandbox', '--', '--no-build', ...args]] : [process.execPath, [SCRIPT, '--no-build', ...args]];
    const child = spawn(cmd, cmdArgs, {
      cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
    });
    const pid = child.pid as number;
    let output = '';
    let pids: number[] = [];
    let sockets: string[] = [];
    let stopTimer: NodeJS.Timeout | undefined;
    const onData = (b: Buffer): void => {
      output += b.toString();
      if (interrupt && !pids.length && /sandbox: ready\./.test(output)) {
        const address = /"address":"([^"]+)"/.exec(output)?.[1] ?? '';
        const procs = listProcesses();
        pids = [...processTree(pid, procs), ...shimsOf(address, procs).map((p) => p.pid)];
        sockets = unixSockets(pids);
        process.kill(interrupt.to === 'group' ? -pid : pid, interrupt.signal);
        stopTimer = setTimeout(() => {
          // Not stopping: fail, but stop it gracefully (SIGTERM to the sandbox itself) so that the machine stays clean.
          output += `\n[test] still running ${STOP_MS / 1000} s after ${interrupt.signal}\n`;
          const main = listProcesses().find((p) => pids.includes(p.pid) && p.argv.some((a) => a.endsWith(path.join('sandbox', 'main.js'))));
          if (main) process.kill(main.pid, 'SIGTERM');
        }, STOP_MS);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }, 400_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(stopTimer);
      const line = /^SANDBOX_STATE (.*)$/m.exec(output)?.[1];
      if (!line) { reject(new Error(`the sandbox printed no state (exit ${code}):\n${output}`)); return; }
      resolve({ code, output, state: JSON.parse(line) as SandboxState, pids, sockets });
    });
  });
}

function portAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(port), hostname, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

function groupAlive(pgid: number): boolean {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}

/** Nothing the sandbox started still runs, listens, stays mounted or stays on disk. */
async function assertNothingLeft(s: SandboxState): Promise<void> {
  const marks = [s.runDir, ...(s.mode === 'private' ? [s.address, s.daemonDir ?? '', s.registryDir ?? ''] : [])].filter(Boolean);
  const gone = await waitFor(() => {
    const procs = listProcesses();
    return !procs.some((p) => p.argv.some((a) => marks.some((m) => a.includes(m)))) && !groupAlive(s.pgid);
  }, 15_000, 200);
  const leftovers = listProcesses().filter((p) => p.argv.some((a) => marks.some((m) => a.includes(m))));
  assert.ok(gone, `processes left: ${leftovers.map((p) => `${p.pid} ${p.argv.join(' ')}`).join('\n')}`);
  assert.ok(s.pgid > 0, 'the sandbox reported no VS Code process group');
  assert.equal(groupAlive(s.pgid), false, 'the code-server process group is still alive');
  for (const pid of [s.daemonPid, s.registryPid]) if (pid) assert.equal(isAlive(pid), false, `pid ${pid} still runs`);
  if (s.mode === 'private') {
    assert.deepEqual(shimsOf(s.address).map((p) => p.pid), [], 'shims of the private containerd are left');
    assert.deepEqual(mountsUnder(s.daemonDir ?? ''), [], 'mounts are left under the daemon dir');
  }
  for (const dir of [s.runDir, s.daemonDir, s.registryDir]) if (dir) assert.equal(fs.existsSync(dir), false, `${dir} still exists`);
  if (s.url) assert.equal(await portAnswers(s.url), false, 'code-server still listens');
  if (s.registryUrl) assert.equal(await portAnswers(s.registryUrl), false, 'the registry still listens');
}

describe('npm run sandbox', function () {
  this.timeout(600_000);

  before(function () {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js')) || !fs.existsSync(path.join(ROOT, 'out', 'test', 'sandbox', 'main.js'))) {
      throw new Error('build first: node esbuild.mjs && npx tsc -p tsconfig.test.json');
    }
  });

  it('--smoke with a private containerd: VS Code connected, samples in the views, nothing left', async () => {
    const run = await runSandbox(['--smoke', '--private']);
    assert.equal(run.code, 0, run.output);
    assert.equal(run.state.mode, 'private');
    assert.match(run.output, /smoke: extension connected/);
    assert.match(run.output, /smoke: the views show sandbox-web/);
    assert.match(run.output, /smoke: the views show 127\.0\.0\.1:\d+\/samples\/busybox:latest/);
    assert.match(run.output, /open in a browser:\n\s+http:\/\/127\.0\.0\.1:\d+\//);
    assert.doesNotMatch(run.output, /could not stop/);
    await assertNothingLeft(run.state);
  });

  describe('with a reachable containerd socket', () => {
    let daemon: Daemon;
    before(async () => { daemon = await startContainerd({ name: 'sandbox-host' }); });
    after(async () => { await daemon?.stop(); });

    it('uses it as it is and starts no containerd of its own', async () => {
      const run = await runSandbox(['--smoke'], { CONTAINERD_ADDRESS: daemon.address });
      assert.equal(run.code, 0, run.output);
      assert.equal(run.state.mode, 'host');
      assert.equal(run.state.address, daemon.address);
      assert.equal(run.state.daemonPid, undefined);
      assert.match(run.output, /the host's, found via CONTAINERD_ADDRESS; left as it is/);
      assert.match(run.output, /smoke: extension connected/);
      await assertNothingLeft(run.state);
      assert.ok(isAlive(daemon.pid), 'the existing containerd was stopped');
      assert.equal((await daemon.ctr(['version'])).code, 0);
    });
  });

  it('Ctrl-C (SIGINT to its process group) stops everything it started', async () => {
    const run = await runSandbox(['--private'], { SANDBOX_PRINT_STATE: '1' }, { signal: 'SIGINT', to: 'group' });
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /SIGINT: stopping/);
    assert.match(run.output, /everything stopped\./);
    assert.doesNotMatch(run.output, /could not stop/);
    await assertNothingLeft(run.state);
  });

  // `timeout`, a process manager or a script signals the npm process only: npm forwards SIGINT and SIGTERM to the
  // script it runs (when nothing sits between them), and dies of SIGHUP, which the script sees as its parent going.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} to the npm process alone stops everything: processes, sockets, dirs, mounts`, async () => {
      const run = await runSandbox(['--private'], { SANDBOX_PRINT_STATE: '1' }, { signal, to: 'npm' });
      assert.doesNotMatch(run.output, /\[test\] still running/, run.output);
      assert.match(run.output, new RegExp(`sandbox: (${signal}|interrupted \\(${signal}\\)): stopping`), run.output);
      assert.match(run.output, /everything stopped\./);
      assert.doesNotMatch(run.output, /could not stop/);
      await assertNothingLeft(run.state);
      assert.ok(run.pids.length > 3 && run.sockets.some((s) => s === run.state.address), `nothing seen while it ran: ${run.pids.join(' ')} ${run.sockets.join(' ')}`);
      assert.deepEqual(run.pids.filter(isAlive), [], 'processes it ran are still alive');
      assert.deepEqual(run.sockets.filter((s) => fs.existsSync(s)), [], 'unix sockets it bound are left');
    });
  }
});
