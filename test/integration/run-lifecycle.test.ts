// Start, stop, restart, attach and exec on a real containerd: the detached log (0600) keeps receiving output
// after our client is gone; stop escalates to SIGKILL only when the process ignores SIGTERM; a TTY exec sees
// the size set through resize; exit codes come back; nothing is left behind (FIFO dirs, leases, snapshots).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, NotFoundError } from '../../packages/containerd-client/src';
import {
  attachTask, deleteTask, execProcess, findLogSource, LogFollower, openShell, restartContainer, startContainer, stopContainer,
} from '../../packages/containerd-client/src/run';
import { clientEnv, eventually, importTestImage, readAll, readUntil, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';
import { create, inventory, logDir } from '../harness/run-setup';

describe('run: start, stop, logs, attach, exec', function () {
  let env: ClientEnv;
  let image: ImportedImage;
  const fifo = (): { fifoBaseDir: string } => ({ fifoBaseDir: env.fifoBaseDir });
  const logOf = (id: string): string => path.join(logDir(env), `${id}.log`);
  const read = (id: string): string => (fs.existsSync(logOf(id)) ? fs.readFileSync(logOf(id), 'utf8') : '');

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('run-life');
    image = await importTestImage(env.client, 'test.local/run/life:1', { cmd: ['sleep', '1000'] });
  });
  after(async function () { this.timeout(60_000); await teardown(env); });

  it('detached: output goes to a 0600 log file that keeps growing after the client disconnects', async () => {
    const script = 'echo out-1; echo err-1 >&2; while [ ! -e /tmp/go ]; do usleep 20000; done; echo after-close; echo err-2 >&2';
    await create(env, { id: 'logger', image: image.name, args: ['sh', '-c', script] });
    const other = await connect({ address: env.daemon.address, namespace: env.namespace });
    const started = await startContainer(other, 'logger');
    assert.equal(started.tty, false);
    assert.equal(started.logPath, logOf('logger'));
    assert.equal(fs.statSync(logOf('logger')).mode & 0o777, 0o600, 'log file mode');
    assert.equal(fs.statSync(logDir(env)).mode & 0o777, 0o700, 'log dir mode');
    assert.equal((await env.client.tasks.get('logger')).stdout, `file://${logOf('logger')}`);
    await eventually('first lines', () => read('logger').includes('out-1\n') && read('logger').includes('err-1\n'));
    other.close();
    const go = await execProcess(env.client, 'logger', { args: ['touch', '/tmp/go'], tty: false, ...fifo() });
    assert.equal((await go.exited).exitStatus, 0);
    await go.delete();
    assert.equal((await env.client.tasks.wait('logger')).exitStatus, 0);
    await eventually('late lines', () => read('logger').includes('after-close\n') && read('logger').includes('err-2\n'));
    assert.equal(fs.statSync(logOf('logger')).mode & 0o777, 0o600, 'still 0600 after the shim wrote to it');
  });

  it('a LogFollower sees existing and new lines, and starts over when the file is truncated', async () => {
    const file = path.join(logDir(env), 'follow.log');
    fs.writeFileSync(file, 'one\n');
    let seen = '';
    let resets = 0;
    const f = new LogFollower(file, { onData: (c) => { seen += c.text; }, onReset: () => { resets++; }, pollMs: 200 });
    try {
      await eventually('existing line', () => seen === 'one\n');
      fs.appendFileSync(file, 'two\nthr');
      fs.appendFileSync(file, Buffer.from([0x65, 0x65, 0xe2, 0x82])); // half of "€": must not be split
      await eventually('appended text', () => seen === 'one\ntwo\nthree');
      fs.appendFileSync(file, Buffer.from([0xac, 0x0a]));
      await eventually('the rest of the character', () => seen === 'one\ntwo\nthree€\n');
      fs.writeFileSync(file, 'new\n');
      await eventually('after truncation', () => resets === 1 && seen.endsWith('new\n'));
    } finally {
      f.stop();
    }
  });

  it("nerdctl's json-file log is found through its labels and read as text", async () => {
    const stateDir = path.join(env.daemon.dir, 'nerdctl', 'containers', env.namespace, 'nerd');
    fs.mkdirSync(stateDir, { recursive: true });
    const lines = [{ log: 'hello\n', stream: 'stdout' }, { log: 'oops\n', stream: 'stderr' }].map((l) => JSON.stringify({ ...l, time: '2024-01-01T00:00:00Z' }));
    fs.writeFileSync(path.join(stateDir, 'nerd-json.log'), `${lines.join('\n')}\n`);
    await create(env, { id: 'nerd', image: image.name, labels: { 'nerdctl/log-uri': `binary:///usr/local/bin/nerdctl?_NERDCTL_INTERNAL_LOGGING=${path.join(env.daemon.dir, 'nerdctl')}` }, logPath: undefined });
    const found = findLogSource(await env.client.containers.get('nerd'), undefined, env.namespace);
    assert.deepEqual(found.source, { path: path.join(stateDir, 'nerd-json.log'), format: 'json-file', origin: 'nerdctl' });
    const chunks: { text: string; stream?: string }[] = [];
    assert.ok(found.source);
    const f = new LogFollower(found.source.path, { format: 'json-file', onData: (ch) => chunks.push(ch) });
    try {
      await eventually('both records', () => chunks.length === 2);
      assert.deepEqual(chunks, [{ text: 'hello\n', stream: 'stdout' }, { text: 'oops\n', stream: 'stderr' }]);
    } finally {
      f.stop();
    }
  });

  it('stop: SIGTERM, wait, then SIGKILL for a process that ignores SIGTERM', async () => {
    await create(env, { id: 'stubborn', image: image.name, args: ['sh', '-c', 'trap "" TERM; echo ready; while true; do usleep 50000; done'] });
    await startContainer(env.client, 'stubborn');
    await eventually('trap installed', () => read('stubborn').includes('ready'));
    const r = await stopContainer(env.client, 'stubborn', { timeoutMs: 1500 });
    assert.equal(r.killed, true);
    assert.equal(r.exit?.exitStatus, 137);
    await assert.rejects(env.client.tasks.get('stubborn'), /not found/, 'the task is deleted');
  });

  it('stop: a process that exits on SIGTERM is not killed; restart runs it again', async () => {
    await create(env, { id: 'polite', image: image.name, args: ['sh', '-c', 'trap "echo bye; exit 0" TERM; echo up; while true; do usleep 50000; done'] });
    await startContainer(env.client, 'polite');
    await eventually('up', () => read('polite').includes('up'));
    const r = await stopContainer(env.client, 'polite', { timeoutMs: 30_000 });
    assert.deepEqual([r.killed, r.exit?.exitStatus], [false, 0]);
    assert.match(read('polite'), /up\nbye\n/);
    await startContainer(env.client, 'polite');
    await eventually('up twice', () => read('polite').split('up').length === 3);
    const again = await restartContainer(env.client, 'polite', { timeoutMs: 30_000 });
    assert.ok(again.handle.pid > 0);
    await eventually('up three times, bye twice', () => read('polite').split('up').length === 4 && read('polite').split('bye').length === 3);
    assert.equal((await env.client.tasks.get('polite')).status, 'running');
    await assert.rejects(startContainer(env.client, 'polite'), /already has a running task/);
    await stopContainer(env.client, 'polite', { timeoutMs: 30_000 });
  });

  it('exit code propagation: the task and an exec report their exit status', async () => {
    await create(env, { id: 'exiter', image: image.name, args: ['sh', '-c', 'exit 3'] });
    const s = await startContainer(env.client, 'exiter');
    assert.equal((await s.handle.exited).exitStatus, 3);
    assert.equal((await deleteTask(env.client, 'exiter'))?.exitStatus, 3);
    await create(env, { id: 'host', image: image.name });
    await startContainer(env.client, 'host');
    const e = await execProcess(env.client, 'host', { args: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 42'], tty: false, ...fifo() });
    const [out, err] = await Promise.all([readAll(e.io?.stdout as NodeJS.ReadableStream), readAll(e.io?.stderr as NodeJS.ReadableStream)]);
    assert.deepEqual([out, err, (await e.exited).exitStatus], ['to-out\n', 'to-err\n', 42]);
    await e.delete();
  });

  it('a TTY exec: initial size, `stty size` after resize, keystrokes in, exit code out, FIFOs removed', async () => {
    await create(env, { id: 'shell-host', image: image.name });
    await startContainer(env.client, 'shell-host');
    const { handle, shell } = await openShell(env.client, 'shell-host', { size: { width: 91, height: 29 }, execId: 'shell-1', ...fifo() });
    assert.equal(shell, 'sh', 'busybox has no bash: sh is the fallback');
    assert.equal(handle.execId, 'shell-1');
    const out = handle.io?.stdout as NodeJS.ReadableStream;
    const stdin = handle.io?.stdin;
    assert.ok(stdin);
    const dir = handle.io?.fifos.dir ?? '';
    assert.ok(fs.existsSync(dir));
    stdin.write('stty size\r');
    await readUntil(out, (t) => t.includes('29 91'));
    await handle.resize(100, 37);
    stdin.write('stty size\r');
    await readUntil(out, (t) => t.includes('37 100'));
    stdin.write('exit 7\r');
    assert.equal((await handle.exited).exitStatus, 7);
    assert.equal((await handle.delete())?.exitStatus, 7);
    assert.ok(!fs.existsSync(dir), 'FIFO dir removed');
  });

  it('a TTY container: attached at start, detached, attached again; resize reaches it; FIFOs go with the task', async () => {
    await create(env, { id: 'tty', image: image.name, tty: true, args: ['sh'] });
    const started = await startContainer(env.client, 'tty', fifo());
    assert.equal(started.tty, true);
    const io = started.handle.io;
    assert.ok(io?.stdin);
    const live = findLogSource(await env.client.containers.get('tty'), await env.client.tasks.get('tty'), env.namespace);
    assert.match(live.why ?? '', /runs with a terminal.*Attach Terminal/);
    io.stdin.write('echo first-$((6*7))\r');
    await readUntil(io.stdout, (t) => t.includes('first-42'));
    const dir = io.fifos.dir;
    // Detach: our ends close, the FIFOs and the task stay.
    io.stdin.destroy();
    io.stdout.destroy();
    assert.ok(fs.existsSync(dir));
    const again = await attachTask(env.client, 'tty');
    assert.ok(again.stdin);
    await again.resize(120, 40);
    again.stdin.write('stty size\r');
    await readUntil(again.stdout, (t) => t.includes('40 120'));
    again.stdin.write('exit 5\r');
    assert.equal((await again.exited).exitStatus, 5);
    again.detach();
    assert.equal((await deleteTask(env.client, 'tty'))?.exitStatus, 5);
    assert.ok(!fs.existsSync(dir), 'FIFO dir removed with the task');
    await assert.rejects(attachTask(env.client, 'tty'), /has no task to attach to/);
    await create(env, { id: 'no-tty', image: image.name });
    await startContainer(env.client, 'no-tty');
    await assert.rejects(attachTask(env.client, 'no-tty'), /has no terminal \(it was started detached\)/);
    await stopContainer(env.client, 'no-tty', { timeoutMs: 500 });
  });

  it('cleanup: after stop and delete nothing remains but the image layers (no FIFO dirs, leases, orphan snapshots)', async () => {
    for (const c of await env.client.containers.list()) {
      await stopContainer(env.client, c.id, { timeoutMs: 500 });
      await env.client.containers.delete(c.id);
      // Once the record is gone the snapshot is unreferenced, and containerd's GC (which other deletions trigger)
      // may take it first; containerd's Go client tolerates NotFound here too. The inventory below checks the rest.
      await env.client.snapshots.remove(c.snapshotKey).catch((e: unknown) => { if (!(e instanceof NotFoundError)) throw e; });
    }
    const inv = await inventory(env);
    assert.deepEqual(inv.fifoDirs, []);
    assert.deepEqual(inv.leases, []);
    assert.deepEqual(inv.tasks, []);
    assert.deepEqual(inv.containers, []);
    assert.ok(inv.snapshots.every((s) => s.endsWith('(committed)')), `only image layers: ${inv.snapshots.join(', ')}`);
  });
});
