// packages/containerd-client/dist/index.js from plain Node processes: scripts/client-smoke.js against the private daemon, and an
// unprivileged user (setpriv, uid 65534) who gets SocketPermissionError with the fix spelled out. That user reads
// a staged copy of the bundle: the checkout may lie under a folder only root can enter.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { connect } from '../../packages/containerd-client/src';
import { PERMISSION_FIX } from '../../packages/containerd-client/src/diagnose';
import { sharedDaemon, startContainerd, type Daemon } from '../harness';
import { NOBODY, setprivArgs, stageForUser } from '../harness/unprivileged';
import { uniqueId } from '../harness/client-setup';

const execFileP = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');
const DIST = path.join(ROOT, 'packages', 'containerd-client', 'dist');
/** The entry point (a loader), the bundle it compiles and the bundle's V8 code cache. */
const DIST_FILES = ['index.js', 'client.js', 'client.cache'].map((f) => path.join(DIST, f));
const SMOKE = path.join(ROOT, 'scripts', 'client-smoke.js');

interface Run { code: number; stdout: string; stderr: string }

async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { cwd, env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('client: packages/containerd-client/dist/index.js from plain Node', function () {
  let daemon: Daemon;

  before(async function () {
    this.timeout(120_000);
    const built = await run(process.execPath, ['esbuild.mjs']);
    assert.equal(built.code, 0, built.stderr);
    daemon = await sharedDaemon();
  });

  it('scripts/client-smoke.js prints the daemon version and the namespaces with labels', async () => {
    const ns = uniqueId('smoke');
    const client = await connect({ address: daemon.address, namespace: ns });
    try {
      await client.namespaces.create(ns, { purpose: 'smoke' });
      const r = await run(process.execPath, [SMOKE], { CONTAINERD_ADDRESS: daemon.address, CONTAINERD_NAMESPACE: ns });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      const v = client.daemonVersion;
      assert.equal(lines[0], `containerd ${v?.version} (revision ${v?.revision}) at ${daemon.address}`);
      const listed = await client.namespaces.list();
      assert.equal(lines[1], `namespaces: ${listed.length}`);
      assert.ok(lines.includes(`  ${ns} purpose=smoke`), r.stdout);
    } finally {
      await client.namespaces.delete(ns).catch(() => undefined);
      client.close();
    }
  });

  it('scripts/client-smoke.js explains a missing socket and exits 1', async () => {
    const missing = path.join(daemon.dir, 'nothing-here.sock');
    const r = await run(process.execPath, [SMOKE], { CONTAINERD_ADDRESS: missing });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^ConnectionError \\(missing\\): containerd is not running at ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the socket does not exist\\.`));
  });

  it('an unprivileged user gets SocketPermissionError with the fix (socket root:root 0660)', async function () {
    this.timeout(120_000);
    const staged = stageForUser(DIST_FILES, 'client-dist');
    const priv = await startContainerd({ name: 'client-perm', grpcUid: 0, grpcGid: 0 });
    try {
      const script = `
        require(${JSON.stringify(staged.path('index.js'))}).connect({ address: ${JSON.stringify(priv.address)} })
          .then((c) => { c.close(); console.log(JSON.stringify({ connected: true })); })
          .catch((e) => console.log(JSON.stringify({ name: e.name, code: e.code, problem: e.problem, socketPath: e.socketPath, message: e.message, uid: process.getuid() })));`;
      const r = await run('setpriv', setprivArgs(process.execPath, ['-e', script]), {}, staged.dir);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.equal(out.uid, NOBODY);
      assert.equal(out.name, 'SocketPermissionError');
      assert.equal(out.code, 'PermissionDenied');
      assert.equal(out.problem, 'permission');
      assert.equal(out.socketPath, priv.address);
      assert.equal(out.message, `permission denied on containerd's socket ${priv.address} (socket owner uid 0, gid 0, mode 0660; you are uid 65534). ${PERMISSION_FIX}`);
      // The same bundle as root connects.
      const asRoot = await run(process.execPath, ['-e', script]);
      assert.deepEqual(JSON.parse(asRoot.stdout), { connected: true });
    } finally {
      staged.remove();
      await priv.stop();
    }
  });

  it('the entry point uses the code cache made from its own bundle, and ignores it for any other', async () => {
    const cache = fs.readFileSync(path.join(DIST, 'client.cache'));
    const source = fs.readFileSync(path.join(DIST, 'client.js'));
    assert.ok(cache.length > 100_000, `a code cache of ${cache.length} bytes`);
    assert.deepEqual(cache.subarray(0, 32), createHash('sha256').update(source).digest(), 'the cache names the bundle it was made from');
    // A bundle of the same length (all V8 checks itself) but other code: the stale cache must not run in its place.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ce-client-cache-'));
    try {
      for (const f of DIST_FILES) fs.copyFileSync(f, path.join(copy, path.basename(f)));
      const before = 'DEFAULT_NAMESPACE = "default"';
      assert.ok(source.includes(before), 'the bundle defines DEFAULT_NAMESPACE');
      fs.writeFileSync(path.join(copy, 'client.js'), source.toString('utf8').replace(before, 'DEFAULT_NAMESPACE = "dexault"'));
      const probe = (dir: string): Promise<Run> => run(process.execPath, ['-e', `console.log(require(${JSON.stringify(path.join(dir, 'index.js'))}).DEFAULT_NAMESPACE)`]);
      assert.equal((await probe(copy)).stdout.trim(), 'dexault');
      assert.equal((await probe(DIST)).stdout.trim(), 'default');
      // Without a cache at all it loads too.
      fs.rmSync(path.join(copy, 'client.cache'));
      assert.equal((await probe(copy)).stdout.trim(), 'dexault');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
