// `npm run sandbox` run non-interactively: with a private containerd (--smoke), with an existing socket given by
// CONTAINERD_ADDRESS, and stopped by Ctrl-C (SIGINT to its process group, as a terminal sends it). Each time it must
// bring up a real VS Code connected to containerd, and leave nothing running or on disk afterwards.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { isAlive, listProcesses, mountsUnder, shimsOf, startContainerd, waitFor, type Daemon } from '../harness';

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
}

/** Runs the sandbox script in its own process group; `interrupt` sends SIGINT to the group once it is ready. */
function runSandbox(args: string[], env: Record<string, string> = {}, interrupt = false): Promise<SandboxRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, '--no-build', ...args], {
      cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
    });
    let output = '';
    let interrupted = false;
    const onData = (b: Buffer): void => {
      output += b.toString();
      if (interrupt && !interrupted && /sandbox: ready\./.test(output)) {
        interrupted = true;
        process.kill(-(child.pid as number), 'SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => { try { process.kill(-(child.pid as number), 'SIGKILL'); } catch { /* gone */ } }, 400_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = /^SANDBOX_STATE (.*)$/m.exec(output)?.[1];
      if (!line) { reject(new Error(`the sandbox printed no state (exit ${code}):\n${output}`)); return; }
      resolve({ code, output, state: JSON.parse(line) as SandboxState });
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
    const run = await runSandbox(['--private'], { SANDBOX_PRINT_STATE: '1' }, true);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /SIGINT: stopping/);
    assert.match(run.output, /everything stopped\./);
    assert.doesNotMatch(run.output, /could not stop/);
    await assertNothingLeft(run.state);
  });
});
