// Task stdio beyond the lifecycle test: the file:// log URI (which outlives the client), stdin with close,
// stdout and stderr kept apart.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect } from '../../packages/containerd-client/src';
import { startExec, startTask } from '../../packages/containerd-client/src/process';
import { clientEnv, createContainer, eventually, importTestImage, readAll, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';

describe('client: task stdio', function () {
  let env: ClientEnv;
  let image: ImportedImage;

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('stdio');
    image = await importTestImage(env.client, 'test/busybox:stdio');
  });
  after(async function () { this.timeout(60_000); await teardown(env); });

  it('a file:// log URI gets stdout and stderr, and keeps receiving them after the client closes', async () => {
    const logPath = path.join(env.daemon.dir, `${env.namespace}-logger.log`);
    // Each step waits for a file made by an exec: the test decides when output happens. The last stderr line
    // comes before the last stdout line and is awaited first: containerd 1.6's shim closes a shared log file
    // when stdout ends, so stderr still in flight at exit is lost ("error copying stderr" in its log).
    const waitFor = (f: string): string => `while [ ! -e ${f} ]; do usleep 20000; done`;
    const script = `echo out-1; echo err-1 >&2; ${waitFor('/tmp/go')}; echo err-2 >&2; ${waitFor('/tmp/go2')}; echo after-close`;
    await createContainer(env, image, 'logger', { args: ['sh', '-c', script] });
    // A client of its own, closed while the task still runs.
    const first = await connect({ address: env.daemon.address, namespace: env.namespace });
    const task = await startTask(first, 'logger', { mode: 'log', logPath });
    assert.equal(task.io, undefined);
    const state = await first.tasks.get('logger');
    assert.equal(state.stdout, `file://${logPath}`);
    assert.equal(state.stderr, `file://${logPath}`);
    const log = (): string => (fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '');
    await eventually('the first lines in the log', () => log().includes('out-1\n') && log().includes('err-1\n'), 20_000, () => JSON.stringify(log()));
    first.close();

    // The shim writes the log itself: output made after our client is gone still lands there.
    const touch = async (file: string): Promise<void> => {
      const p = await startExec(env.client, 'logger', { args: ['touch', file], cwd: '/', user: { uid: 0, gid: 0 }, env: ['PATH=/bin'] }, { mode: 'none' });
      assert.equal((await p.exited).exitStatus, 0);
      await p.delete();
    };
    await touch('/tmp/go');
    await eventually('stderr written after the client closed', () => log().includes('err-2\n'), 20_000, () => JSON.stringify(log()));
    await touch('/tmp/go2');
    const exit = await env.client.tasks.wait('logger');
    assert.equal(exit.exitStatus, 0, `log: ${JSON.stringify(log())}`);
    await eventually('stdout written after the client closed', () => log().includes('after-close\n'), 20_000, () => JSON.stringify(log()));
    await env.client.tasks.delete('logger');
    const text = log();
    assert.deepEqual(text.split('\n').filter(Boolean).sort(), ['after-close', 'err-1', 'err-2', 'out-1']);
    assert.ok(text.indexOf('out-1') < text.indexOf('after-close'));
    assert.ok(text.indexOf('err-1') < text.indexOf('err-2'));
    assert.ok(text.indexOf('err-2') < text.indexOf('after-close'));
  });

  it('stdin reaches the process; closeStdin gives it EOF; stderr stays apart from stdout', async () => {
    await createContainer(env, image, 'catter', { args: ['sh', '-c', 'cat; echo done-err >&2'] });
    const task = await startTask(env.client, 'catter', { stdin: true, fifoBaseDir: env.fifoBaseDir });
    const stdin = task.io?.stdin;
    assert.ok(stdin, 'stdin is attached');
    // The FIFOs, and the marker that lets deleteTask and the sweep tell this directory is ours.
    assert.deepEqual(fs.readdirSync(task.io?.fifos.dir ?? '').sort(), ['.containerd-explorer-fifo', 'catter-stderr', 'catter-stdin', 'catter-stdout']);
    const out = readAll(task.io?.stdout as NodeJS.ReadableStream);
    const err = readAll(task.io?.stderr as NodeJS.ReadableStream);
    stdin.write('line one\n');
    stdin.write(Buffer.from([0xe2, 0x82, 0xac, 0x0a])); // "€\n" as raw bytes
    await task.closeStdin();
    assert.equal(await out, 'line one\n€\n');
    assert.equal(await err, 'done-err\n');
    assert.equal((await task.exited).exitStatus, 0);
    assert.equal((await task.delete())?.exitStatus, 0);
    assert.ok(!fs.existsSync(task.io?.fifos.dir ?? ''));
    await env.client.containers.delete('catter');
  });

  it('mode "none" runs the process with no stdio at all', async () => {
    await createContainer(env, image, 'silent', { args: ['sh', '-c', 'echo nobody hears this; exit 3'] });
    const task = await startTask(env.client, 'silent', { mode: 'none' });
    const state = await env.client.tasks.get('silent');
    assert.deepEqual([state.stdin, state.stdout, state.stderr], ['', '', '']);
    assert.equal((await task.exited).exitStatus, 3);
    assert.equal((await task.delete())?.exitStatus, 3);
    await env.client.containers.delete('silent');
  });
});
