// What the run API does to host files when labels, task paths or exec ids are hostile: a symlink at the log path
// is refused (its target untouched), a log-path label outside the log directory is refused for Start and for
// Show Logs, a `ctrd-fifo-*` directory we did not make survives deleteTask, bad exec ids are refused before any
// file is made, and a one-off exec whose handle is dropped leaves no FIFO directory once it has exited.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError, InvalidArgumentError } from '../../packages/containerd-client/src/errors';
import { AttachedIO, fifoTaskIO, type FifoSet } from '../../packages/containerd-client/src/fifo';
import { startExec } from '../../packages/containerd-client/src/process';
import { deleteTask, execProcess, findLogSource, RunLabels, startContainer, stopContainer } from '../../packages/containerd-client/src/run';
import { clientEnv, eventually, importTestImage, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';
import { create, logDir, rejectsCleanly } from '../harness/run-setup';

describe('run: host files (logs, FIFO dirs, exec ids) under hostile input', function () {
  let env: ClientEnv;
  let image: ImportedImage;
  let victimDir: string;
  /** A file of ours the attacks aim at: its mode and content must not change. */
  const victim = (): string => path.join(victimDir, 'victim.txt');
  const assertVictimUntouched = (): void => {
    assert.equal(fs.readFileSync(victim(), 'utf8'), 'precious\n', 'victim content unchanged');
    assert.equal(fs.statSync(victim()).mode & 0o777, 0o644, 'victim mode unchanged');
  };

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('run-host');
    image = await importTestImage(env.client, 'test.local/run/host:1', { cmd: ['sleep', '1000'] });
    victimDir = path.join(env.daemon.dir, `victim-${env.namespace}`);
    fs.mkdirSync(victimDir, { recursive: true });
    fs.writeFileSync(victim(), 'precious\n');
    fs.chmodSync(victim(), 0o644);
  });
  after(async function () { this.timeout(60_000); await teardown(env); });

  it('a symlink at the log path (label or logPath) is refused; its target keeps its mode and content', async () => {
    await create(env, { id: 'sym', image: image.name, args: ['echo', 'written'] });
    const logPath = path.join(logDir(env), 'sym.log');
    fs.mkdirSync(logDir(env), { recursive: true, mode: 0o700 });
    fs.symlinkSync(victim(), logPath);
    await rejectsCleanly(env, () => startContainer(env.client, 'sym'), FailedPreconditionError, /is a symbolic link/);
    await rejectsCleanly(env, () => startContainer(env.client, 'sym', { logPath, logDir: logDir(env) }), FailedPreconditionError, /is a symbolic link/);
    assertVictimUntouched();
    fs.unlinkSync(logPath);
  });

  it('a log-path label outside the log directory (or with "..") is refused for Start and for Show Logs', async () => {
    const outside = { [RunLabels.logPath]: victim() };
    await create(env, { id: 'outside', image: image.name, args: ['echo', 'written'], logPath: undefined, labels: outside });
    await rejectsCleanly(env, () => startContainer(env.client, 'outside', { logDir: logDir(env) }), FailedPreconditionError, /not inside the log directory/);
    // Without a log directory the label is used only in a directory our createContainer made and marked.
    await rejectsCleanly(env, () => startContainer(env.client, 'outside'), FailedPreconditionError, /not a log directory made by Containerd Explorer/);
    const dotdot = { [RunLabels.logPath]: `${logDir(env)}/../victim-${env.namespace}/victim.txt` };
    await create(env, { id: 'dotdot', image: image.name, args: ['echo', 'written'], logPath: undefined, labels: dotdot });
    await rejectsCleanly(env, () => startContainer(env.client, 'dotdot', { logDir: logDir(env) }), FailedPreconditionError, /without "\.\."/);
    assertVictimUntouched();
    for (const id of ['outside', 'dotdot']) {
      const found = findLogSource(await env.client.containers.get(id), undefined, env.namespace, { logDir: logDir(env) });
      assert.equal(found.source, undefined, `Show Logs must not read ${id}'s label`);
      assert.match(found.why ?? '', /refused/);
    }
    // The label of a container we created, inside the log directory, is still used.
    await create(env, { id: 'inside', image: image.name, args: ['echo', 'inside-line'] });
    const started = await startContainer(env.client, 'inside', { logDir: logDir(env) });
    assert.equal((await started.handle.exited).exitStatus, 0);
    const found = findLogSource(await env.client.containers.get('inside'), await env.client.tasks.get('inside'), env.namespace, { logDir: logDir(env) });
    assert.equal(found.source?.path, path.join(logDir(env), 'inside.log'));
    await eventually('the line in the log', () => fs.readFileSync(path.join(logDir(env), 'inside.log'), 'utf8') === 'inside-line\n');
    await deleteTask(env.client, 'inside');
  });

  it('deleteTask leaves a ctrd-fifo-* directory it did not make, even when the task names it', async () => {
    await create(env, { id: 'foreign', image: image.name, args: ['true'] });
    const dir = path.join(env.daemon.dir, `foreign-${env.namespace}`, 'ctrd-fifo-notours');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'mine\n');
    const set: FifoSet = { dir, stdout: path.join(dir, 'foreign-stdout'), stderr: path.join(dir, 'foreign-stderr'), terminal: false };
    execFileSync('mkfifo', ['-m', '0600', set.stdout, set.stderr ?? '']);
    // A task whose stdio paths point into that directory, made without createFifoSet (as another client would).
    const io = new AttachedIO(set);
    const c = await env.client.containers.get('foreign');
    const rootfs = await env.client.snapshots.mounts(c.snapshotKey);
    await env.client.tasks.create('foreign', fifoTaskIO(set), { rootfs });
    const wait = env.client.tasks.wait('foreign');
    await env.client.tasks.start('foreign');
    io.releaseWriters();
    assert.equal((await wait).exitStatus, 0);
    for (const s of [io.stdout, io.stderr]) s?.destroy();
    assert.equal((await env.client.tasks.get('foreign')).stdout, set.stdout);
    await deleteTask(env.client, 'foreign');
    assert.equal(fs.readFileSync(path.join(dir, 'keep.txt'), 'utf8'), 'mine\n', 'the foreign directory is still there');
    assert.ok(fs.statSync(set.stdout).isFIFO());
  });

  it('exec ids "../../x", "a;b", "a/b" are refused (InvalidArgument) before any file is made', async () => {
    await create(env, { id: 'exec-host', image: image.name });
    await startContainer(env.client, 'exec-host');
    const spec = { args: ['true'], cwd: '/', user: { uid: 0, gid: 0 }, env: ['PATH=/bin'] };
    for (const execId of ['../../x', 'a;b', 'a/b']) {
      await rejectsCleanly(env, () => execProcess(env.client, 'exec-host', { args: ['true'], tty: false, execId, fifoBaseDir: env.fifoBaseDir }), InvalidArgumentError, /exec id .* is not valid/);
      await rejectsCleanly(env, () => startExec(env.client, 'exec-host', spec, { execId, fifoBaseDir: env.fifoBaseDir }), InvalidArgumentError, /exec id .* is not valid/);
    }
    for (const name of ['x-stdout', 'x-stderr']) assert.ok(!fs.existsSync(path.join(env.daemon.dir, name)), `${name} made outside the FIFO base dir`);
    assert.ok(!fs.existsSync(env.fifoBaseDir) || fs.readdirSync(env.fifoBaseDir).length === 0, 'no FIFO dir made');
  });

  it('a one-off exec whose handle is dropped leaves no FIFO dir once the process has exited', async () => {
    // Output nobody reads, and no delete(): what a short script using the public API does.
    const dropped = await execProcess(env.client, 'exec-host', { args: ['echo', 'unread'], tty: false, execId: 'dropped', fifoBaseDir: env.fifoBaseDir });
    const dir = dropped.io?.fifos.dir ?? '';
    assert.ok(dir.startsWith(env.fifoBaseDir));
    assert.equal((await env.client.tasks.wait('exec-host', 'dropped')).exitStatus, 0);
    await eventually('the FIFO dir removed', () => !fs.existsSync(dir), 20_000, () => fs.readdirSync(env.fifoBaseDir).join(', '));
    // Our ends stay readable: what was buffered is still there.
    let text = '';
    dropped.io?.stdout.on('data', (b: Buffer) => { text += b.toString(); });
    assert.equal((await dropped.exited).exitStatus, 0);
    assert.equal(text, 'unread\n');
    await dropped.delete();
    await stopContainer(env.client, 'exec-host', { timeoutMs: 500 });
  });
});
