// Check Setup against real situations: private containerds (one whose overlayfs snapshotter fails to initialise
// because its root_path cannot be created), a config file with errors, a socket that denies the unprivileged user,
// a missing socket, and containerd's root on a 16 MiB tmpfs. Nothing here needs the network.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runDoctor, type CheckResult, type DoctorReport } from '../../packages/containerd-client/src';
import { startContainerd, type Daemon } from '../harness';
import { bundled, runJsonProbe, stageForUser } from '../harness/unprivileged';

const check = (r: DoctorReport, id: string): CheckResult => {
  const c = r.checks.find((x) => x.id === id);
  assert.ok(c, `no check ${id}`);
  return c;
};
const counted = (r: DoctorReport): void => {
  assert.equal(r.checks.length, 9);
  for (const s of ['pass', 'warn', 'fail', 'n/a'] as const) assert.equal(r.counts[s], r.checks.filter((c) => c.status === s).length);
};

describe('Check Setup (doctor) against real daemons and files', function () {
  this.timeout(120_000);
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-int-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('a private containerd whose overlayfs root_path cannot be created', () => {
    let daemon: Daemon;
    before(async () => {
      const notADir = path.join(os.tmpdir(), `doctor-not-a-dir-${process.pid}`);
      fs.writeFileSync(notADir, 'a file where overlayfs wants a folder\n');
      daemon = await startContainerd({ name: 'doctor-overlay', extraConfig: `[plugins."io.containerd.snapshotter.v1.overlayfs"]\n  root_path = ${JSON.stringify(path.join(notADir, 'overlay'))}\n` });
      fs.rmSync(notADir, { force: true });
    });
    after(async () => { await daemon?.stop(); });

    it('fails the plugins check naming overlayfs and its init error, tells containerd\'s own skips apart; socket and config pass', async () => {
      const r = await runDoctor({ socketPath: daemon.address, configPath: daemon.configPath, cniDirs: [tmp] });
      counted(r);
      assert.equal(check(r, 'socket').status, 'pass');
      const plugins = check(r, 'plugins');
      assert.equal(plugins.status, 'fail', plugins.detail);
      assert.match(plugins.detail, /io\.containerd\.snapshotter\.v1\.overlayfs \(configured in .*config\.toml\): mkdir .*: not a directory/);
      assert.match(plugins.detail, /Snapshotter: overlayfs failed to load: .*; using native/);
      assert.match(plugins.detail, /Not applicable here \(containerd skips them by design\): .*btrfs/);
      assert.ok(plugins.fix.some((f) => f.command === `sudoedit ${daemon.configPath}`));
      const config = check(r, 'config');
      assert.equal(config.status, 'pass', config.detail);
      assert.match(config.detail, new RegExp(`has version = ${daemon.flavour.configVersion}, as containerd ${daemon.serverVersion.replace(/[.+]/g, '\\$&')} expects`));
      assert.match(check(r, 'disk').detail, new RegExp(`under ${daemon.root}\\.$`), 'the root comes from the config');
      assert.equal(check(r, 'cni').status, 'warn');
    });

    it('a broken copy of its config file fails the config check with the line; the daemon checks still answer', async () => {
      const broken = path.join(tmp, 'config.toml');
      fs.writeFileSync(broken, `${fs.readFileSync(daemon.configPath, 'utf8')}\n[plugins."io.containerd.gc.v1.scheduler"\n  pause_threshold = 0.02\n`);
      const lines = fs.readFileSync(broken, 'utf8').split('\n');
      const r = await runDoctor({ socketPath: daemon.address, configPath: broken });
      counted(r);
      const config = check(r, 'config');
      assert.equal(config.status, 'fail');
      assert.match(config.detail, new RegExp(`is not valid TOML: line ${lines.length - 2}: `));
      assert.ok(config.fix.some((f) => f.command === `containerd --config ${broken} config dump`));
      assert.equal(check(r, 'socket').status, 'pass');
      assert.equal(check(r, 'disk').detail.includes(daemon.root), false, 'an unreadable config gives the default root');
    });
  });

  it('a healthy private containerd: plugins pass, listing only containerd\'s own skips', async () => {
    const daemon = await startContainerd({ name: 'doctor-ok' });
    try {
      const r = await runDoctor({ socketPath: daemon.address, configPath: daemon.configPath });
      const plugins = check(r, 'plugins');
      assert.equal(plugins.status, 'pass', plugins.detail);
      assert.match(plugins.detail, /^\d+ plugins loaded\. Not applicable here/);
      assert.equal(r.daemon.reachable && r.daemon.version, daemon.serverVersion);
    } finally {
      await daemon.stop();
    }
  });

  it('a socket that denies the unprivileged user: the socket check fails with that user\'s commands, the plugins check cannot ask', async function () {
    // Root may open any socket, so the doctor runs as nobody (setpriv); the daemon's socket is root:root 0660.
    const staged = stageForUser([bundled(path.join(__dirname, 'doctor-probe.js'), 'probe.js')], 'doctor-probe');
    const daemon = await startContainerd({ name: 'doctor-perm' });
    try {
      const { uid, report } = await runJsonProbe<{ uid: number; report: DoctorReport }>(process.execPath, [staged.path('probe.js'), daemon.address, staged.path('no-config.toml')], staged.dir);
      assert.equal(uid, 65534);
      counted(report);
      const socket = check(report, 'socket');
      assert.equal(socket.status, 'fail');
      assert.match(socket.detail, /nobody, uid 65534.*permission denied/);
      assert.deepEqual(socket.fix.map((s) => s.command).filter(Boolean), ['sudo groupadd -f containerd', 'sudo usermod -aG containerd nobody', 'getent group containerd', 'sudo systemctl restart containerd']);
      assert.equal(check(report, 'plugins').status, 'n/a');
      assert.equal(check(report, 'config').status, 'pass', 'a missing config file means defaults');
    } finally {
      staged.remove();
      await daemon.stop();
    }
  });

  it('no socket at all: fails with how to start containerd on this machine (systemctl only where systemd is init)', async () => {
    const r = await runDoctor({ socketPath: path.join(tmp, 'containerd.sock'), configPath: path.join(tmp, 'none.toml') });
    counted(r);
    const socket = check(r, 'socket');
    assert.equal(socket.status, 'fail');
    assert.match(socket.detail, /the socket does not exist/);
    const systemd = fs.existsSync('/run/systemd/system');
    assert.equal(socket.fix.some((f) => f.command === 'sudo systemctl start containerd'), systemd);
    if (!systemd) assert.equal(check(r, 'systemd').status, 'n/a');
    assert.equal(check(r, 'plugins').status, 'n/a');
  });

  it('containerd\'s root on a 16 MiB tmpfs: the disk check fails with what to do', async () => {
    const mnt = path.join(tmp, 'small');
    fs.mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt]);
    try {
      const config = path.join(tmp, 'config.toml');
      fs.writeFileSync(config, `version = 2\nroot = ${JSON.stringify(path.join(mnt, 'containerd'))}\n`);
      const r = await runDoctor({ socketPath: path.join(tmp, 'none.sock'), configPath: config });
      const disk = check(r, 'disk');
      assert.equal(disk.status, 'fail');
      assert.match(disk.detail, /^16 MiB free of 16 MiB \(100 %\) under .*\/small\/containerd \(not created yet; measured .*\/small\)\.$/);
      assert.ok(disk.fix.some((f) => f.command === `sudo du -xsh ${mnt}/*`));
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});
