// The views' model layer in plain Node against a private containerd: one event subscription keeps per-namespace
// caches current (ctr acts, the model follows), bursts are coalesced, and a daemon restart is survived.
import * as assert from 'node:assert/strict';
import { containerdFlavour } from '../harness/containerd-versions';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, formatPlatform, hostPlatform, normalizePlatform, parsePlatform, type ContainerdClient } from '../../packages/containerd-client/src';
import { ConnectionManager, type ConnectionState } from '../../src/session/connection-manager';
import { containerdConnect } from '../../src/session/containerd-connect';
import type { Logger } from '../../src/session/logger';
import type { PermissionFix } from '../../src/session/permission-fix';
import { nextEvent } from '../../src/base/emitter';
import { EventHub } from '../../src/session/event-hub';
import { ExplorerModel } from '../../src/views/model/explorer-model';
import type { ModelChange } from '../../src/views/model/types';
import { ctrRunFlags, startContainerd, startFakeSocket, type Daemon } from '../harness';
import { bundled, runJsonProbe, stageForUser } from '../harness/unprivileged';
import { importTestImage, type ImportedImage } from '../harness/client-setup';

const NS = 'views-model';
const IMAGE = 'test/busybox:views';

const logLines: string[] = [];
const log: Logger = {
  trace: () => undefined,
  debug: (m) => logLines.push(`debug ${m}`),
  info: (m) => logLines.push(`info ${m}`),
  warn: (m) => logLines.push(`warn ${m}`),
  error: (m) => logLines.push(`error ${String(m)}`),
};

/** Resolves at the first model change after which `check()` holds (or at once if it holds already). */
async function until(model: ExplorerModel, what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  if (check()) return;
  await nextEvent(model.onDidChange, () => check(), timeoutMs).catch(() => assert.fail(`model never showed: ${what}`));
}

describe('views model: live state from one containerd event stream', function () {
  this.timeout(120_000);
  let daemon: Daemon;
  let client: ContainerdClient;
  let image: ImportedImage;
  let connection: ConnectionManager;
  let model: ExplorerModel;
  let hub: EventHub;
  const states: ConnectionState[] = [];
  const changes: ModelChange[] = [];
  const rejections: unknown[] = [];
  const onRejection = (e: unknown): void => { rejections.push(e); };
  const ctr = async (args: string[]): Promise<string> => {
    const r = await daemon.ctr(args, { namespace: NS });
    assert.equal(r.code, 0, `ctr ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const ctrRun = (id: string, ...cmd: string[]): Promise<string> => ctr(['run', '-d', ...ctrRunFlags(daemon), IMAGE, id, ...cmd]);
  const ns = () => model.model(NS);

  before(async () => {
    process.on('unhandledRejection', onRejection);
    daemon = await startContainerd({ name: 'views-model' });
    client = await connect({ address: daemon.address, namespace: NS });
    await client.namespaces.create(NS, { purpose: 'views-model test' });
    image = await importTestImage(client, IMAGE);
    connection = new ConnectionManager({ ...containerdConnect(log), resolveAddress: () => ({ socketPath: daemon.address, source: 'setting' }), log, backoff: { initialMs: 100, maxMs: 1000 } });
    connection.onDidChangeState((s) => states.push(s));
    model = new ExplorerModel({ client: () => connection.client, failed: (e, _what, c) => connection.reportFailure(e, c) });
    model.onDidChange((c) => changes.push(c));
    hub = new EventHub(connection, model, log);
    hub.want();
    await hub.whenSynced(30_000);
  });

  after(async () => {
    hub?.dispose();
    connection?.dispose();
    model?.dispose();
    client?.close();
    await daemon?.stop();
    process.off('unhandledRejection', onRejection);
  });

  it('connects, says which daemon it found, and lists namespaces with their images', () => {
    const s = connection.state;
    assert.equal(s.kind, 'connected');
    // The daemon's own version string: 1.6.20~ds1, 1.7.24~ds1, 2.1.9+unknown.
    assert.equal(s.kind === 'connected' ? s.version.version : '', daemon.serverVersion);
    assert.ok(logLines.some((l) => l.startsWith('info Connected to containerd') && l.includes(daemon.address)), logLines.join('\n'));
    assert.deepEqual(model.namespaces.get(NS)?.labels, { purpose: 'views-model test' });
    assert.deepEqual([...ns().images.keys()], [IMAGE]);
    assert.equal(ns().loaded, true);
  });

  it('resolves image details for the host platform only when asked: size, platforms, unpacked', async () => {
    assert.equal(ns().images.get(IMAGE)?.details, undefined, 'details are lazy');
    ns().setDetailsWanted(true);
    await until(model, 'image details', () => ns().images.get(IMAGE)?.unpacked !== undefined);
    const entry = ns().images.get(IMAGE);
    const m = image.oci.manifest;
    const expected = image.oci.manifestDescriptor.size + m.config.size + m.layers.reduce((n, l) => n + l.size, 0);
    assert.equal(entry?.details?.size, expected);
    // The test image is built for this machine (linux/amd64, linux/arm64...): compared in containerd's normal form.
    const normal = (p: string): string => formatPlatform(normalizePlatform(parsePlatform(p)));
    assert.deepEqual(entry?.details?.platforms.map(normal), [formatPlatform(normalizePlatform(hostPlatform()))]);
    assert.equal(entry?.details?.layers, m.layers.length);
    assert.equal(entry?.unpacked, true);
  });

  it('follows a container that ctr runs, from events alone (no full list)', async () => {
    const m = ns();
    let lists = 0;
    const original = m.refresh.bind(m);
    m.refresh = () => { lists++; return original(); };
    try {
      await ctrRun('web', 'sleep', '1000');
      await until(model, 'container web with a running task', () =>
        m.containers.get('web')?.image === IMAGE && m.tasks.get('web')?.process.status === 'running');
      const task = m.tasks.get('web');
      assert.ok((task?.process.pid ?? 0) > 0);
      assert.equal(lists, 0, 'the model listed everything again instead of following events');
    } finally {
      m.refresh = original;
    }
  });

  it('updates that one task when it exits: stopped, with its exit status', async () => {
    await ctr(['tasks', 'kill', '-s', 'SIGKILL', 'web']);
    await until(model, 'web stopped with 137', () => {
      const t = ns().tasks.get('web');
      return t?.process.status === 'stopped' && t.process.exitStatus === 137;
    });
  });

  it('drops the task and the container when ctr deletes them', async function () {
    const id = 'web-del';
    await ctrRun(id, 'sleep', '1000');
    await until(model, `${id} running`, () => ns().tasks.get(id)?.process.status === 'running');
    await ctr(['tasks', 'kill', '-s', 'SIGKILL', id]);
    await until(model, `${id} stopped`, () => ns().tasks.get(id)?.process.status === 'stopped');
    await ctr(['tasks', 'rm', id]);
    // containerd 2.x's shim publishes /tasks/delete while it shuts down and sometimes loses it (1 run in 4 here;
    // containerd/containerd#8981): there the task may stay listed until the next event about its container. 1.6 and
    // 1.7 always send it.
    if (containerdFlavour().version !== '2') await until(model, 'task gone', () => !ns().tasks.has(id));
    assert.ok(ns().containers.has(id));
    await ctr(['containers', 'rm', id]);
    // The container's delete settles its task too, whether or not /tasks/delete came.
    await until(model, 'container and task gone', () => !ns().containers.has(id) && !ns().tasks.has(id));
  });

  it('coalesces a burst of events into fewer view updates', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `burst-${i}`);
    const before = changes.length;
    await Promise.all(ids.map((id) => client.containers.create({ id, image: IMAGE, spec: { ociVersion: '1.0.2' } })));
    await until(model, 'all burst containers', () => ids.every((id) => ns().containers.has(id)));
    const updates = changes.slice(before).filter((c) => c.kinds.get(NS)?.has('containers')).length;
    assert.ok(updates >= 1 && updates < ids.length, `${ids.length} creations gave ${updates} updates`);
    await Promise.all(ids.map((id) => client.containers.delete(id)));
    await until(model, 'burst containers gone', () => ids.every((id) => !ns().containers.has(id)));
  });

  it('sees namespaces appear and disappear', async () => {
    await client.namespaces.create('views-other');
    await until(model, 'views-other listed', () => model.namespaces.has('views-other'));
    await client.namespaces.delete('views-other');
    await until(model, 'views-other gone', () => !model.namespaces.has('views-other'));
  });

  it('reconnects after the daemon restarts, resubscribes, lists again and follows new events', async () => {
    await ctrRun('survivor', 'sleep', '1000');
    await until(model, 'survivor running', () => ns().tasks.get('survivor')?.process.status === 'running');
    const before = connection.state.kind === 'connected' ? connection.state.epoch : 0;
    const synced = nextEvent(hub.onDidSync, (s) => s.epoch > before, 60_000);
    await daemon.restart();
    await synced;
    assert.ok(states.some((s) => s.kind === 'connecting' && s.reconnecting), 'no reconnecting state was shown');
    assert.equal(ns().tasks.get('survivor')?.process.status, 'running', 'the task survives a daemon restart (its shim does)');
    await ctrRun('after-restart', 'sleep', '1000');
    await until(model, 'after-restart running', () => ns().tasks.get('after-restart')?.process.status === 'running');
    const warnings = logLines.filter((l) => l.startsWith('warn'));
    assert.ok(warnings.length <= 6, `error storm in the log:\n${warnings.join('\n')}`);
    assert.deepEqual(rejections, []);
    for (const id of ['survivor', 'after-restart']) {
      await ctr(['tasks', 'kill', '-s', 'SIGKILL', id]);
      await until(model, `${id} stopped`, () => ns().tasks.get(id)?.process.status === 'stopped');
      await ctr(['tasks', 'rm', id]);
      await ctr(['containers', 'rm', id]);
    }
  });
});

describe('views model: connection problems are told apart', function () {
  this.timeout(60_000);
  const failedState = async (socketPath: string): Promise<Extract<ConnectionState, { kind: 'failed' }>> => {
    const m = new ConnectionManager({ ...containerdConnect(log), resolveAddress: () => ({ socketPath, source: 'setting' }), log });
    try {
      const failed = nextEvent(m.onDidChangeState, (s) => s.kind === 'failed', 20_000);
      m.start();
      const s = await failed;
      if (s.kind !== 'failed') throw new Error('unreachable');
      return s;
    } finally {
      m.dispose();
    }
  };

  it('a missing socket: "missing", retried in the background', async () => {
    const s = await failedState('/tmp/views-model-no-such-dir/containerd.sock');
    assert.equal(s.problem, 'missing');
    assert.equal(s.retrying, true);
    assert.match(s.error.message, /not running/);
  });

  it('a socket that is not containerd: "not-containerd", not retried', async () => {
    const fake = await startFakeSocket({ kind: 'http' });
    try {
      const s = await failedState(fake.address);
      assert.equal(s.problem, 'not-containerd');
      assert.equal(s.retrying, false);
    } finally {
      await fake.stop();
    }
  });

  it('a regular file: "not-a-socket"', async () => {
    const file = path.join(fs.mkdtempSync('/tmp/views-model-'), 'file.sock');
    fs.writeFileSync(file, '');
    try {
      assert.equal((await failedState(file)).problem, 'not-a-socket');
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('permission denied, as an unprivileged user: "permission" with the concrete commands', async function () {
    // Root may open any socket, so the probe runs as nobody (setpriv); the daemon's socket is root:root 0660.
    // The probe is bundled into a staged folder: nobody may not be able to enter the checkout (a root-only parent).
    const staged = stageForUser([bundled(path.join(__dirname, 'views-permission-probe.js'), 'probe.js')], 'views-probe');
    const daemon = await startContainerd({ name: 'views-perm' });
    try {
      const r = await runJsonProbe<{ kind: string; problem: string; retrying: boolean; message: string; uid: number; fix: PermissionFix }>(process.execPath, [staged.path('probe.js'), daemon.address], staged.dir);
      assert.equal(r.uid, 65534);
      assert.equal(r.kind, 'failed');
      assert.equal(r.problem, 'permission');
      assert.equal(r.retrying, false);
      assert.match(r.message, /permission denied/i);
      assert.match(r.fix.summary, /nobody, uid 65534/);
      assert.equal(r.fix.short, 'nobody (uid 65534) is not in the socket\'s group root (mode 0660)');
      const commands = r.fix.steps.map((s) => s.command).filter(Boolean);
      assert.deepEqual(commands, ['sudo groupadd -f containerd', 'sudo usermod -aG containerd nobody', 'getent group containerd', 'sudo systemctl restart containerd']);
      assert.ok(r.fix.steps.some((s) => s.text.includes('[grpc]') && s.text.includes('gid')), JSON.stringify(r.fix));
    } finally {
      staged.remove();
      await daemon.stop();
    }
  });
});
