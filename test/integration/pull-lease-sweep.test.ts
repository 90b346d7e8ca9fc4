// Leases left by pulls that containerd's death interrupted: a real private containerd is SIGKILLed mid-pull and
// restarted; the ConnectionManager's sweep at (re)connect removes the stale lease (and containerd then frees what
// only it pinned), leaves the lease of a pull still running in another process alone, and says so in its log.
// Also: containerd itself collects a lease whose containerd.io/gc.expire (as we write it) has passed.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { connect, NotFoundError, UnavailableError, type ContainerdClient } from '../../packages/containerd-client/src';
import { pull, type PullProgress } from '../../packages/containerd-client/src/pull';
import { LEASE_OWNER_LABEL, PULL_IMAGE_LABEL } from '../../packages/containerd-client/src/pull/pull-leases';
import { ConnectionManager, type ConnectionState } from '../../src/session/connection-manager';
import { containerdConnect } from '../../src/session/containerd-connect';
import type { Logger } from '../../src/session/logger';
import { nextEvent } from '../../src/base/emitter';
import { buildImage, pushImage, sharedRegistry, startContainerd, type Daemon } from '../harness';
import { startFaultyRegistry, type FaultyRegistry } from '../harness/faulty-registry';
import { eventually } from '../harness/client-setup';

const NS = 'lease-sweep';

describe('stale pull leases after containerd dies mid-pull (integration)', function () {
  this.timeout(180_000);
  let daemon: Daemon;
  let faulty: FaultyRegistry;
  let client: ContainerdClient | undefined;
  let connection: ConnectionManager | undefined;
  let child: ChildProcess | undefined;
  const logLines: string[] = [];
  const log: Logger = {
    trace: () => undefined,
    debug: () => undefined,
    info: (m) => logLines.push(`info ${m}`),
    warn: (m) => logLines.push(`warn ${m}`),
    error: (m) => logLines.push(`error ${String(m)}`),
  };
  // Small layers below a 3 MB one whose download stalls.
  const image = buildImage({ layers: [{ files: { '/a.txt': 'a\n' } }, { files: { '/b.txt': 'b\n' } }], incompressibleLayers: { count: 1, bytesEach: 3_000_000 } });
  const top = image.layers[image.layers.length - 1].descriptor;
  const lower = image.layers[0].descriptor;

  before(async () => {
    const registry = await sharedRegistry();
    faulty = await startFaultyRegistry(registry.url);
    await pushImage(registry.host, 'sweep/img', 'v1', image);
    daemon = await startContainerd({ name: 'lease-sweep' });
  });
  after(async () => {
    child?.kill('SIGKILL');
    connection?.dispose();
    client?.close();
    await faulty?.stop();
    await daemon?.stop();
  });

  const leaseIds = async (c: ContainerdClient): Promise<string[]> => (await c.leases.list()).map((l) => l.id).sort();
  const connected = (m: ConnectionManager): Promise<ConnectionState> => nextEvent(m.onDidChangeState, (s) => s.kind === 'connected', 60_000);

  it('removes the lease a killed containerd left, keeps a running pull\'s, and reports it', async () => {
    const reference = `${faulty.host}/sweep/img:v1`;
    client = await connect({ address: daemon.address, namespace: NS });
    faulty.stallBlob(top.digest, 1_000_000);
    let last: PullProgress | undefined;
    // The stalled download notices nothing until the registry's idle timeout: a short one ends the pull sooner.
    const registryOptions = { idleTimeoutMs: 5000, retries: 0 };
    const pulling = pull(client, reference, { registryOptions, progressIntervalMs: 0, onProgress: (p) => { last = p; } });
    pulling.catch(() => undefined);
    await eventually('the lower layers in, the top one downloading', () => {
      const b = last?.blobs;
      return !!b && b.length === image.layers.length && b.slice(0, -1).every((x) => x.unpack === 'done') && b[b.length - 1].offset > 0;
    }, 60_000, () => JSON.stringify(last)); // generous: a loaded CI machine is slow to start the throttled download
    const [stale, ...others] = await client.leases.list();
    assert.deepEqual(others, []);
    assert.equal(stale.labels[PULL_IMAGE_LABEL], reference);
    assert.match(stale.labels[LEASE_OWNER_LABEL] ?? '', new RegExp(`^[0-9a-f-]{36}/\\d+/${process.pid}/\\d+$`));

    // containerd dies mid-pull: the pull fails and cannot delete its lease.
    process.kill(daemon.pid, 'SIGKILL');
    await assert.rejects(pulling);
    client.close();
    await daemon.restart();
    client = await connect({ address: daemon.address, namespace: NS });
    assert.deepEqual(await leaseIds(client), [stale.id], 'the lease survived the restart (24 h to its gc.expire)');
    assert.ok(await client.content.info(lower.digest), 'the lease pins the layers the pull committed');

    // Another process's pull, running (stalled) while the sweep happens.
    child = spawn(process.execPath, [path.join(__dirname, 'pull-lease-child.js'), daemon.address, NS, reference], { stdio: 'ignore' });
    const childPid = child.pid ?? 0;
    let live = '';
    await eventually('the other process\'s pull has its lease', async () => {
      const l = (await client!.leases.list()).find((x) => x.labels[LEASE_OWNER_LABEL]?.split('/')[2] === String(childPid));
      live = l?.id ?? '';
      return !!l;
    });

    // The extension connects (as at start): the sweep runs.
    connection = new ConnectionManager({ ...containerdConnect(log), resolveAddress: () => ({ socketPath: daemon.address, source: 'setting' }), log, backoff: { initialMs: 100, maxMs: 1000 } });
    const first = connected(connection);
    connection.start();
    await first;
    await eventually('the sweep reported the stale lease', () => logLines.some((l) => l.includes(stale.id)), 30_000, () => logLines.join('\n'));
    const report = logLines.find((l) => l.includes(stale.id));
    assert.equal(report, `info Removed the lease of an interrupted pull of ${reference} (namespace ${NS}, lease ${stale.id}): its pull in this window was interrupted. containerd frees what only it held.`);
    assert.deepEqual(await leaseIds(client), [live], 'the running pull keeps its lease');
    // The sweep deletes with sync; containerd 2.x may still finish that collection a moment later.
    await eventually('containerd collected what only the stale lease held', () => client!.content.info(lower.digest).then(() => false, (e: unknown) => {
      if (e instanceof NotFoundError) return true;
      throw e;
    }), 30_000);
    assert.equal(child.exitCode, null, 'the other pull is still running');

    // That process dies too; at the next reconnect its lease goes.
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    const again = connected(connection);
    connection.reportFailure(new UnavailableError('test: the event stream broke'));
    await again;
    await eventually('the sweep reported the dead process\'s lease', () => logLines.some((l) => l.includes(live)), 30_000, () => logLines.join('\n'));
    assert.match(logLines.find((l) => l.includes(live)) ?? '', new RegExp(`: the process that pulled \\(pid ${childPid}\\) has exited\\.`));
    assert.deepEqual(await leaseIds(client), []);
    assert.deepEqual(logLines.filter((l) => !l.startsWith('info') && !l.includes('test: the event stream broke')), []);
  });

  it('containerd itself collects a lease once its gc.expire has passed', async () => {
    const c = await connect({ address: daemon.address, namespace: 'lease-expiry' });
    try {
      await expiresInContainerd(c);
    } finally {
      c.close();
    }
  });

  async function expiresInContainerd(c: ContainerdClient): Promise<void> {
    const expiring = await c.leases.create({ id: 'expiring', expiresInMs: 1000 });
    assert.match(expiring.labels['containerd.io/gc.expire'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    await new Promise((r) => setTimeout(r, 2100));
    // Any synchronous delete runs containerd's GC.
    await c.leases.create({ id: 'trigger' });
    await c.leases.delete('trigger', { sync: true });
    assert.deepEqual(await leaseIds(c), []);
  }
});
