// The Daemon view's model and rows against a private containerd: what it shows comes from the daemon (version,
// UUID, plugins with their status, the listening pid found through /proc), and a daemon restart changes it (a new
// pid and start time, a "Restarted" row naming the old pid) once the connection comes back.
import * as assert from 'node:assert/strict';
import { connect, type ContainerdClient } from '../../packages/containerd-client/src';
import { ConnectionManager } from '../../src/session/connection-manager';
import { containerdConnect } from '../../src/session/containerd-connect';
import type { Logger } from '../../src/session/logger';
import { EventHub } from '../../src/session/event-hub';
import { DaemonModel, type DaemonSnapshot } from '../../src/views/model/daemon-model';
import { daemonRows, type DaemonRow } from '../../src/views/model/daemon-rows';
import { nextEvent } from '../../src/base/emitter';
import { ExplorerModel } from '../../src/views/model/explorer-model';
import { startContainerd, type Daemon } from '../harness';

const quiet: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const row = (rows: DaemonRow[], key: string): DaemonRow | undefined => {
  for (const r of rows) {
    if (r.key === key) return r;
    const inner = r.children && row(r.children, key);
    if (inner) return inner;
  }
  return undefined;
};

describe('Daemon view: a private containerd, restarted', function () {
  this.timeout(120_000);
  let daemon: Daemon;
  let direct: ContainerdClient;
  let connection: ConnectionManager;
  let model: ExplorerModel;
  let hub: EventHub;
  let daemonModel: DaemonModel;

  const until = async (what: string, check: (s: DaemonSnapshot) => boolean): Promise<DaemonSnapshot> => {
    if (check(daemonModel.snapshot)) return daemonModel.snapshot;
    return nextEvent(daemonModel.onDidChange, check, 60_000).catch(() => assert.fail(`the Daemon view never showed ${what}: ${JSON.stringify(daemonRows(daemonModel.snapshot).map((r) => [r.label, r.description]))}`));
  };

  before(async () => {
    daemon = await startContainerd({ name: 'daemon-view' });
    direct = await connect({ address: daemon.address });
    connection = new ConnectionManager({ ...containerdConnect(quiet), resolveAddress: () => ({ socketPath: daemon.address, source: 'setting' }), log: quiet, backoff: { initialMs: 100, maxMs: 1000 } });
    model = new ExplorerModel({ client: () => connection.client, failed: (e, _what, c) => connection.reportFailure(e, c) });
    // The event stream is what notices the daemon going away, as in the extension.
    hub = new EventHub(connection, model, quiet);
    daemonModel = new DaemonModel(connection, { failed: (e, c) => connection.reportFailure(e, c) });
    hub.want();
  });

  after(async () => {
    daemonModel?.dispose();
    hub?.dispose();
    connection?.dispose();
    model?.dispose();
    direct?.close();
    await daemon?.stop();
  });

  it("shows the daemon's own version, UUID, listening pid and plugins with their status", async () => {
    const s = await until('an answer', (x) => !!x.info && !x.stale);
    const rows = daemonRows(s);
    const version = await direct.version.version();
    const { uuid } = await direct.introspection.server();
    assert.equal(rows[0].label, `containerd ${version.version}`);
    assert.equal(row(rows, 'socket')?.description, daemon.address);
    assert.equal(row(rows, 'uuid')?.description, uuid);
    assert.match(row(rows, 'uptime')?.description ?? '', new RegExp(`\\(pid ${daemon.pid}\\)$`), 'the listener found through /proc is the harness daemon');
    const plugins = await direct.introspection.plugins();
    assert.match(row(rows, 'plugins')?.description ?? '', new RegExp(`^${plugins.length}: \\d+ ok`));
    // The harness daemon always loads native; btrfs/zfs skip themselves off their filesystems.
    assert.equal(row(rows, 'plugin:io.containerd.snapshotter.v1:native')?.description, 'ok');
    const skipped = plugins.find((p) => p.initError?.endsWith('skip plugin'));
    if (skipped) assert.match(row(rows, `plugin:${skipped.type}:${skipped.id}`)?.description ?? '', /^skipped: /);
    assert.match(row(rows, 'cap:snapshotters')?.description ?? '', /native/);
    assert.equal(row(rows, 'restarts'), undefined, 'no restart seen yet');
  });

  it('shows the restart: a new pid and start time, and a Restarted row naming the old pid', async () => {
    const before = daemonModel.snapshot.info;
    assert.ok(before?.process, 'the first answer found the process');
    const oldPid = daemon.pid;
    await daemon.restart();
    assert.notEqual(daemon.pid, oldPid);
    const s = await until('the restarted daemon', (x) => !!x.info && !x.stale && x.info.process?.pid === daemon.pid);
    const rows = daemonRows(s);
    assert.match(row(rows, 'uptime')?.description ?? '', new RegExp(`\\(pid ${daemon.pid}\\)$`));
    assert.ok(s.info!.process!.startedAt.getTime() >= before.process.startedAt.getTime());
    assert.match(row(rows, 'restarts')?.description ?? '', new RegExp(`\\(was pid ${oldPid}\\)$`));
    assert.equal(s.reconnects, 1);
    assert.equal(row(rows, 'uuid')?.description, before.uuid, 'same root, same UUID: the pid and start time are what tell');
  });
});
