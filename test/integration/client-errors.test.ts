// Bad input against the real daemon: each gets a typed error with a message that says what is wrong.
// Also cancellation (AbortSignal, deadlines) and the container record calls not covered by the lifecycle test.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  AlreadyExistsError, CancelledError, DeadlineExceededError, FailedPreconditionError, InvalidArgumentError, NotFoundError,
} from '../../packages/containerd-client/src/errors';
import type { ContainerdEvent } from '../../packages/containerd-client/src/event-types';
import { startExec, startTask, type ProcessHandle } from '../../packages/containerd-client/src/process';
import { buildProcessSpec } from '../../packages/containerd-client/src/oci/spec';
import type { Process, Spec } from '../../packages/containerd-client/src/oci/runtime-spec-types';
import { clientEnv, createContainer, eventually, importTestImage, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';

describe('client: bad input and cancellation', function () {
  let env: ClientEnv;
  let image: ImportedImage;
  let sleeper: ProcessHandle;

  const spec = async (id: string): Promise<Process> => ((await env.client.containers.get(id)).spec as Spec).process as Process;

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('errors');
    image = await importTestImage(env.client, 'test/busybox:errors');
    await createContainer(env, image, 'sleeper', { args: ['sleep', '1000'] });
    sleeper = await startTask(env.client, 'sleeper', { fifoBaseDir: env.fifoBaseDir });
  });
  after(async function () { this.timeout(60_000); await teardown(env); });

  it('an invalid container id is InvalidArgumentError naming the rule, and nothing is created', async () => {
    for (const id of ['has space', 'slash/id', 'double--dash', '-start', 'end.', 'x'.repeat(77), '']) {
      await assert.rejects(env.client.containers.create({ id, spec: {} }), (e: unknown) => {
        assert.ok(e instanceof InvalidArgumentError, `${id}: ${String(e)}`);
        assert.match(e.message, id === '' ? /^container id must not be empty$/ : /^container id ".*" (is not valid: use letters and digits|is 77 characters long)/);
        return true;
      });
    }
    assert.deepEqual((await env.client.containers.list()).map((c) => c.id), ['sleeper']);
  });

  it('a duplicate container id is AlreadyExistsError', async () => {
    await assert.rejects(env.client.containers.create({ id: 'sleeper', spec: {} }), (e: unknown) => {
      assert.ok(e instanceof AlreadyExistsError, String(e));
      assert.equal(e.message, 'containers.create "sleeper": container "sleeper": already exists');
      assert.equal(e.grpcCode, 6);
      return true;
    });
  });

  it('a missing image or container is NotFoundError naming it and the namespace', async () => {
    await assert.rejects(env.client.images.get('docker.io/library/nope:latest'), (e: unknown) =>
      e instanceof NotFoundError && e.message === 'images.get "docker.io/library/nope:latest": image "docker.io/library/nope:latest": not found');
    await assert.rejects(env.client.containers.get('ghost'), (e: unknown) =>
      e instanceof NotFoundError && e.message === `containers.get "ghost": container "ghost" in namespace "${env.namespace}": not found`);
    await assert.rejects(startTask(env.client, 'ghost', { fifoBaseDir: env.fifoBaseDir }), NotFoundError);
    await assert.rejects(env.client.tasks.kill('ghost', 'SIGTERM'), NotFoundError);
  });

  it('an unknown signal is InvalidArgumentError before any call', async () => {
    await assert.rejects(env.client.tasks.kill('sleeper', 'SIGNOPE'), (e: unknown) =>
      e instanceof InvalidArgumentError && e.message === 'unknown signal "SIGNOPE": use a name like SIGTERM or a number');
    assert.equal((await env.client.tasks.get('sleeper')).status, 'running');
  });

  it('exec into a stopped task is FailedPreconditionError, leaving no FIFOs', async () => {
    await createContainer(env, image, 'short', { args: ['true'] });
    const t = await startTask(env.client, 'short', { fifoBaseDir: env.fifoBaseDir });
    assert.equal((await t.exited).exitStatus, 0);
    const before = fs.readdirSync(env.fifoBaseDir).sort();
    await assert.rejects(startExec(env.client, 'short', buildProcessSpec(await spec('short'), { args: ['ps'], tty: false }), { fifoBaseDir: env.fifoBaseDir }), (e: unknown) => {
      assert.ok(e instanceof FailedPreconditionError, String(e));
      assert.equal(e.message, 'cannot exec in container "short": its task has stopped (exit status 0); start a new task first');
      return true;
    });
    assert.deepEqual(fs.readdirSync(env.fifoBaseDir).sort(), before);
    assert.deepEqual(await env.client.tasks.listPids('short'), []);
    await t.delete();
  });

  it('exec into a container without a task is NotFoundError', async () => {
    await assert.rejects(startExec(env.client, 'short', { args: ['ps'], cwd: '/', user: { uid: 0, gid: 0 } }, { fifoBaseDir: env.fifoBaseDir }), (e: unknown) =>
      e instanceof NotFoundError && /tasks\.get "short"/.test(e.message));
  });

  it('deleting a container whose task runs is FailedPreconditionError, and the container stays', async () => {
    await assert.rejects(env.client.containers.delete('sleeper'), (e: unknown) => {
      assert.ok(e instanceof FailedPreconditionError, String(e));
      assert.equal(e.message, `containers.delete "sleeper": the container still has a task (running, pid ${sleeper.pid}): kill and delete the task first`);
      return true;
    });
    assert.equal((await env.client.containers.get('sleeper')).id, 'sleeper');
    assert.equal((await env.client.tasks.get('sleeper')).status, 'running');
  });

  it('deleting a running task is FailedPreconditionError', async () => {
    await assert.rejects(env.client.tasks.delete('sleeper'), (e: unknown) => {
      assert.ok(e instanceof FailedPreconditionError, String(e));
      assert.equal(e.message, `tasks.delete "sleeper": the task is running (pid ${sleeper.pid}): kill it and wait for it to exit first`);
      return true;
    });
  });

  it('updates a container record: labels and image, leaving the rest', async () => {
    const before = await env.client.containers.get('short');
    const after = await env.client.containers.update('short', { labels: { role: 'updated' }, image: 'test/other:1' });
    assert.deepEqual(after.labels, { role: 'updated' });
    assert.equal(after.image, 'test/other:1');
    assert.equal(after.snapshotKey, before.snapshotKey);
    assert.deepEqual(after.spec, before.spec);
    assert.deepEqual((await env.client.containers.list(['labels.role==updated'])).map((c) => c.id), ['short']);
    await env.client.containers.delete('short');
    await env.client.snapshots.remove(before.snapshotKey);
  });

  it('an AbortSignal cancels a wait with CancelledError; the task runs on', async () => {
    const ac = new AbortController();
    const waiting = env.client.tasks.wait('sleeper', '', { signal: ac.signal });
    setImmediate(() => ac.abort());
    await assert.rejects(waiting, (e: unknown) => e instanceof CancelledError && /^tasks\.wait "sleeper": /.test(e.message));
    assert.equal((await env.client.tasks.get('sleeper')).status, 'running');
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(env.client.tasks.wait('sleeper', '', { signal: pre.signal }), CancelledError);
  });

  it('a deadline ends a wait with DeadlineExceededError', async () => {
    await assert.rejects(env.client.tasks.wait('sleeper', '', { timeoutMs: 300 }), (e: unknown) =>
      e instanceof DeadlineExceededError && e.message.startsWith('tasks.wait "sleeper": '));
  });

  it('an AbortSignal ends an event subscription quietly', async () => {
    const ac = new AbortController();
    const seen: ContainerdEvent[] = [];
    const loop = (async () => {
      for await (const e of env.client.events.subscribe({ filters: [`namespace==${env.namespace}`, 'topic~="/containers/"'], signal: ac.signal })) {
        seen.push(e);
      }
      return 'ended';
    })();
    // Events flow until the abort: create records until the subscription has seen one.
    let n = 0;
    await eventually('an event on the subscription', async () => {
      await env.client.containers.create({ id: `evt-${++n}`, spec: {} });
      return seen.length > 0;
    });
    ac.abort();
    assert.equal(await loop, 'ended');
    assert.equal(seen[0].topic, '/containers/create');
    const countAtAbort = seen.length;
    await env.client.containers.create({ id: 'evt-after', spec: {} });
    assert.equal(seen.length, countAtAbort, 'nothing arrives after the abort');
    for (let i = 1; i <= n; i++) await env.client.containers.delete(`evt-${i}`);
    await env.client.containers.delete('evt-after');
  });

  it('breaking out of a subscription loop cancels it', async () => {
    const it = env.client.events.subscribe({ filters: [`namespace==${env.namespace}`] });
    const first = it.next();
    await eventually('an event', async () => {
      await env.client.events.publish('/test/ping', { type_url: 'containerd.events.ContainerDelete', value: Buffer.alloc(0) });
      return Promise.race([first.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
    });
    assert.equal((await first).value?.topic, '/test/ping');
    assert.deepEqual(await it.return(undefined), { done: true, value: undefined });
  });
});
