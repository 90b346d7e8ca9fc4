// The Daemon view's pure parts: plugin status as `ctr plugins ls` tells it (ok / skip / error), grouping by type in
// words, the rows for a connected, reconnecting and never-connected daemon, restart detection, and finding the
// listening process from /proc text (and from a /proc laid out in a temp dir, with real symlinks).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Plugin } from '../../packages/containerd-client/src';
import { capabilitiesFor } from '../../src/views/model/daemon-capabilities';
import { restartBetween, type DaemonInfo, type DaemonSnapshot } from '../../src/views/model/daemon-model';
import { findDaemonProcess, listeningInodes, parseBootTime, parseProcStat } from '../../src/views/model/daemon-process';
import { daemonRows, pluginReason, pluginRows, pluginStatus, pluginTypeName, type DaemonRow } from '../../src/views/model/daemon-rows';

const plugin = (type: string, id: string, initError?: string): Plugin =>
  ({ type, id, requires: [], platforms: [], exports: {}, capabilities: [], ...(initError ? { initError } : {}) });

const PLUGINS: Plugin[] = [
  plugin('io.containerd.content.v1', 'content'),
  plugin('io.containerd.snapshotter.v1', 'aufs', 'aufs is not supported (modprobe aufs failed: exit status 1 "modprobe: FATAL: Module aufs not found"): skip plugin'),
  plugin('io.containerd.snapshotter.v1', 'btrfs', 'path /var/lib/containerd/io.containerd.snapshotter.v1.btrfs (ext4) must be a btrfs filesystem to be used with the btrfs snapshotter: skip plugin'),
  plugin('io.containerd.snapshotter.v1', 'native'),
  plugin('io.containerd.snapshotter.v1', 'overlayfs'),
  plugin('io.containerd.snapshotter.v1', 'zfs', 'path must be a zfs filesystem: skip plugin'),
  plugin('io.containerd.runtime.v2', 'task'),
  plugin('io.containerd.grpc.v1', 'cri', 'invalid plugin config: `mirrors` cannot be set when `config_path` is provided'),
  plugin('io.containerd.grpc.v1', 'tasks'),
];

const info = (over: Partial<DaemonInfo> = {}): DaemonInfo => ({
  socketPath: '/run/containerd/containerd.sock', version: '1.6.20~ds1', revision: '1.6.20~ds1-1+b1', uuid: 'c4a7e9b2-0000-4000-8000-000000000001',
  process: { pid: 4242, command: 'containerd', startedAt: new Date('2026-11-30T08:00:00Z') },
  plugins: PLUGINS, capabilities: capabilitiesFor({ version: '1.6.20~ds1', revision: '' }, PLUGINS), fetchedAt: new Date('2026-12-01T08:00:00Z'), epoch: 1, ...over,
});

const snapshot = (over: Partial<DaemonSnapshot> = {}): DaemonSnapshot =>
  ({ connection: 'connected', socketPath: '/run/containerd/containerd.sock', reconnecting: false, info: info(), stale: false, restarts: [], reconnects: 0, ...over });

const find = (rows: DaemonRow[], key: string): DaemonRow => {
  for (const r of rows) {
    if (r.key === key) return r;
    const inner = r.children && find(r.children, key);
    if (inner) return inner;
  }
  return undefined as unknown as DaemonRow;
};

describe('Daemon view rows', () => {
  it('tells ok, skipped and failed plugins apart as ctr does, without the skip suffix', () => {
    assert.deepEqual(PLUGINS.map(pluginStatus), ['ok', 'skipped', 'skipped', 'ok', 'ok', 'skipped', 'ok', 'error', 'ok']);
    assert.equal(pluginReason(PLUGINS[5]), 'path must be a zfs filesystem');
    assert.equal(pluginReason(PLUGINS[0]), undefined);
    // 1.6's devmapper without a pool: a skip (1.7 made it ErrSkipPlugin), the same verdict Check Setup gives.
    assert.equal(pluginStatus(plugin('io.containerd.snapshotter.v1', 'devmapper', 'devmapper not configured')), 'skipped');
    assert.equal(pluginStatus(plugin('io.containerd.snapshotter.v1', 'devmapper', 'devmapper not configured: pool missing')), 'error');
    // 2.x wraps some skips the other way round.
    const tracing = plugin('io.containerd.tracing.processor.v1', 'otlp', 'skip plugin: tracing endpoint not configured');
    assert.equal(pluginStatus(tracing), 'skipped');
    assert.equal(pluginReason(tracing), 'tracing endpoint not configured');
  });

  it('groups plugins by type in words, in containerd order, with counts, expanding groups that failed', () => {
    const groups = pluginRows(PLUGINS);
    assert.deepEqual(groups.map((g) => g.label), ['Content store', 'Snapshotters', 'Runtimes', 'gRPC API services']);
    const snap = groups[1];
    assert.equal(snap.description, '2 ok, 3 skipped · io.containerd.snapshotter.v1');
    assert.equal(snap.expanded, false);
    assert.deepEqual(snap.children?.map((c) => `${c.label}: ${c.description}`).slice(0, 2),
      ['aufs: skipped: aufs is not supported (modprobe aufs failed: exit status 1 "modprobe: FATAL: Module aufs not found")', 'btrfs: skipped: path /var/lib/containerd/io.containerd.snapshotter.v1.btrfs (ext4) must be a btrfs filesystem to be used with the btrfs snapshotter']);
    const grpc = groups[3];
    assert.equal(grpc.expanded, true, 'a group with a failed plugin opens by itself');
    assert.equal(grpc.icon, 'warning');
    assert.match(find(groups, 'plugin:io.containerd.grpc.v1:cri').description ?? '', /^error: invalid plugin config/);
    assert.equal(pluginTypeName('io.containerd.example.v3'), 'example');
  });

  it('shows identity, uptime, capabilities in words and a plugin summary when connected', () => {
    const rows = daemonRows(snapshot());
    assert.deepEqual(rows.map((r) => r.label), ['containerd 1.6.20~ds1', 'Socket', 'Server UUID', 'Up since', 'Capabilities', 'Plugins']);
    assert.equal(rows[0].description, 'revision 1.6.20~ds1-1');
    assert.equal(find(rows, 'uuid').description, 'c4a7e9b2-0000-4000-8000-000000000001');
    assert.match(find(rows, 'uptime').description ?? '', /\(pid 4242\)$/);
    assert.equal(find(rows, 'cap:snapshotters').description, 'native, overlayfs (default)');
    assert.equal(find(rows, 'cap:pull').description, 'by this extension (no Transfer service)');
    assert.equal(find(rows, 'cap:cri').description, 'not loaded', 'a CRI plugin with an init error does not count');
    assert.equal(find(rows, 'plugins').description, '9: 5 ok, 3 skipped, 1 failed');
    assert.equal(daemonRows(snapshot({ info: info({ process: undefined }) }))[3].description, 'unknown (listener not visible in /proc)');
  });

  it('keeps the last answer while reconnecting, marked as such, and says where it stands before any answer', () => {
    const rows = daemonRows(snapshot({ connection: 'connecting', reconnecting: true, stale: true, problem: 'connection refused' }));
    assert.match(rows[0].description ?? '', /last known, reconnecting/);
    assert.equal(rows[0].icon, 'sync~spin');
    const failed = daemonRows(snapshot({ connection: 'failed', info: undefined, problem: 'no socket at /x.sock' }));
    assert.deepEqual(failed.map((r) => [r.label, r.description]), [['Not connected', 'no socket at /x.sock']]);
    assert.equal(daemonRows(snapshot({ connection: 'connecting', info: undefined, socketPath: '/x.sock' }))[0].label, 'Connecting to containerd at /x.sock…');
  });

  it('sees a restart in a new pid or start time, or a new UUID, and not in a mere reconnect', () => {
    const before = info();
    assert.equal(restartBetween(before, info({ epoch: 2 })), undefined);
    const byPid = restartBetween(before, info({ process: { pid: 5000, command: 'containerd', startedAt: new Date('2026-12-01T09:00:00Z') } }));
    assert.deepEqual(byPid && { evidence: byPid.evidence, at: byPid.at.toISOString(), pid: byPid.previous.pid }, { evidence: 'process', at: '2026-12-01T09:00:00.000Z', pid: 4242 });
    const byUuid = restartBetween(info({ process: undefined }), info({ process: undefined, uuid: 'other' }));
    assert.equal(byUuid?.evidence, 'uuid');
    const rows = daemonRows(snapshot({ restarts: [byPid!] }));
    assert.match(find(rows, 'restarts').description ?? '', /\(was pid 4242\)$/);
  });

  it('says Transfer pulls on 2.x when the transfer and streaming plugins load', () => {
    const with2x = [...PLUGINS, plugin('io.containerd.transfer.v1', 'local'), plugin('io.containerd.streaming.v1', 'manager'),
      plugin('io.containerd.grpc.v1', 'transfer'), plugin('io.containerd.grpc.v1', 'streaming')];
    const rows = daemonRows(snapshot({ info: info({ version: '2.1.9+unknown', revision: '', plugins: with2x, capabilities: capabilitiesFor({ version: '2.1.9+unknown', revision: '' }, with2x) }) }));
    assert.equal(find(rows, 'cap:pull').description, 'by containerd (Transfer service)');
    assert.equal(rows[0].description, 'revision not reported');
  });
});

describe('Daemon view: the listening process from /proc', () => {
  const NET_UNIX = [
    'Num       RefCount Protocol Flags    Type St Inode Path',
    'ffff0001: 00000002 00000000 00010000 0001 01 31337 /run/containerd/containerd.sock',
    'ffff0002: 00000003 00000000 00000000 0001 03 31338 /run/containerd/containerd.sock',
    'ffff0003: 00000002 00000000 00010000 0001 01 40000 /tmp/with space/containerd.sock',
    'ffff0004: 00000002 00000000 00010000 0001 01 40001 /run/containerd/containerd.sock.ttrpc',
    'ffff0005: 00000002 00000000 00000000 0001 03 40002',
  ].join('\n');

  it('maps a socket path to the inodes listening on it (not its accepted connections, not a longer path)', () => {
    assert.deepEqual(listeningInodes(NET_UNIX, '/run/containerd/containerd.sock'), [31337]);
    assert.deepEqual(listeningInodes(NET_UNIX, '/tmp/with space/containerd.sock'), [40000]);
    assert.deepEqual(listeningInodes(NET_UNIX, '/nowhere.sock'), []);
  });

  it('reads the start ticks after the last parenthesis of a command that holds ") "', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[19] = '123456';
    assert.deepEqual(parseProcStat(`77 (odd) name) ${fields.join(' ')}`), { command: 'odd) name', startTicks: 123456 });
    assert.equal(parseProcStat('garbage'), undefined);
    assert.equal(parseBootTime('cpu 1 2 3\nbtime 1764547200\nprocesses 9\n'), 1764547200);
  });

  it('finds the pid holding the listening socket and its start time in a /proc laid out on disk', async () => {
    const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'ce-fake-proc-'));
    try {
      fs.mkdirSync(path.join(proc, 'net'));
      fs.writeFileSync(path.join(proc, 'net', 'unix'), NET_UNIX);
      fs.writeFileSync(path.join(proc, 'stat'), 'cpu 1\nbtime 1764547200\n');
      const stat = (cmd: string, ticks: number): string => `x (${cmd}) S ${Array.from({ length: 18 }, () => '0').join(' ')} ${ticks} 0 0`;
      for (const [pid, cmd, ticks, link] of [[10, 'bash', 50, 'socket:[31338]'], [4242, 'containerd', 360000, 'socket:[31337]'], [4300, 'sleep', 400000, 'pipe:[5]']] as const) {
        fs.mkdirSync(path.join(proc, String(pid), 'fd'), { recursive: true });
        fs.writeFileSync(path.join(proc, String(pid), 'stat'), stat(cmd, ticks));
        fs.symlinkSync(link, path.join(proc, String(pid), 'fd', '3'));
      }
      const found = await findDaemonProcess('/run/containerd/containerd.sock', proc);
      assert.deepEqual(found && { pid: found.pid, command: found.command, startedAt: found.startedAt.toISOString() },
        { pid: 4242, command: 'containerd', startedAt: new Date((1764547200 + 3600) * 1000).toISOString() });
      assert.equal(await findDaemonProcess('/tmp/with space/containerd.sock', proc), undefined, 'no process holds that socket');
      assert.equal(await findDaemonProcess('/x.sock', path.join(proc, 'missing')), undefined);
    } finally {
      fs.rmSync(proc, { recursive: true, force: true });
    }
  });
});
