// Check Setup on real files made here: fixes restart containerd with systemctl only where systemd is the init system
// (a marker folder made or not made here), and the runc check follows the config's BinaryName for the runc shim
// (1.x and 2.x plugin names, the default runtime) to fake runtimes written here as scripts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execRunner, runDoctor, type CheckResult, type CommandRunner, type DoctorReport } from '../../packages/containerd-client/src';
import { checkConfigFile } from '../../packages/containerd-client/src/doctor/config-checks';
import { configuredRuncBinary, readConfig } from '../../packages/containerd-client/src/doctor/config-file';
import { checkPlugins } from '../../packages/containerd-client/src/doctor/daemon-checks';
import { checkRunc } from '../../packages/containerd-client/src/doctor/host-checks';
import { tempFolderPerTest } from './temp-folder';

const SYSTEM_PATH = '/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin';
const RESTART = 'sudo systemctl restart containerd';
const PROCESS_MANAGER = /^Restart containerd the way it was started \(e\.g\. your init system or the process manager\)/;

describe('Check Setup (doctor): restart steps and the runc the daemon runs', () => {
  let dir: string;
  const write = tempFolderPerTest('doctor-fixes-', (d) => { dir = d; });
  /** A fake runtime: prints `version` and records that it ran. */
  const fakeRuntime = (name: string, version: string, mode = 0o755): string =>
    write(`bin/${name}`, `#!/bin/sh\ntouch "${dir}/ran-${name}"\necho "${version}"\n`, mode);

  /** runDoctor with no daemon (missing socket), systemctl answered from a recording, the rest real. */
  async function doctor(opts: { systemd: boolean; config: string }): Promise<DoctorReport> {
    const recorded: CommandRunner = async (file, args) => {
      if (file === 'systemctl') return { code: 0, stdout: 'LoadState=loaded\nActiveState=active\nDelegate=no\nKillMode=control-group\n', stderr: '' };
      if (file === 'containerd') return { code: 0, stdout: 'containerd github.com/containerd/containerd 1.7.24 abc\n', stderr: '' };
      return execRunner(file, args);
    };
    const marker = path.join(dir, 'run-systemd-system');
    if (opts.systemd) fs.mkdirSync(marker, { recursive: true });
    return runDoctor({
      socketPath: path.join(dir, 'no.sock'), configPath: opts.config, run: recorded, systemdMarker: marker,
      pathEnv: SYSTEM_PATH, cniDirs: [dir], certsDir: path.join(dir, 'certs.d'), timeoutMs: 2000,
    });
  }
  const check = (r: DoctorReport, id: string): CheckResult => {
    const c = r.checks.find((x) => x.id === id);
    assert.ok(c, id);
    return c;
  };

  describe('restart steps', () => {
    it('runDoctor: systemctl in no fix where systemd is not init; the config and systemd fixes restart with it where it is', async () => {
      const config = write('config.toml', 'version = 3\n'); // 1.7.24 cannot read it: a fix that ends in a restart
      const without = await doctor({ systemd: false, config });
      const commands = without.checks.flatMap((c) => c.fix.map((f) => f.command ?? ''));
      assert.deepEqual(commands.filter((c) => c.includes('systemctl')), [], JSON.stringify(without.checks.map((c) => c.fix)));
      assert.match(check(without, 'config').fix.at(-1)?.text ?? '', PROCESS_MANAGER);
      const withSystemd = await doctor({ systemd: true, config });
      assert.equal(check(withSystemd, 'config').fix.at(-1)?.command, RESTART);
      assert.equal(check(withSystemd, 'systemd').fix.at(-1)?.command, RESTART);
    });

    it('each config fix and the plugins fix: systemctl with systemd, the way it was started without', async () => {
      const configs = [
        ['broken.toml', 'version = 2\n[plugins\n', '1.6.20'],
        ['v2.toml', 'version = 2\n', '2.1.9'],
        ['v3.toml', 'version = 3\n', '1.7.24'],
      ];
      for (const [name, text, daemon] of configs) {
        const facts = await readConfig(write(name, text));
        assert.equal(checkConfigFile(facts, daemon, true).fix.at(-1)?.command, RESTART, name);
        const step = checkConfigFile(facts, daemon, false).fix.at(-1);
        assert.equal(step?.command, undefined, name);
        assert.match(step?.text ?? '', PROCESS_MANAGER, name);
      }
      const plugin = { type: 'io.containerd.snapshotter.v1', id: 'overlayfs', requires: [], platforms: [], exports: {}, capabilities: [], initError: 'failed to create root' };
      const facts = await readConfig(path.join(dir, 'none.toml'));
      const daemon = { reachable: true as const, version: '1.6.20', plugins: [plugin] };
      assert.equal(checkPlugins(daemon, facts, true).fix.at(-1)?.command, RESTART);
      const step = checkPlugins(daemon, facts, false).fix.at(-1);
      assert.equal(step?.command, undefined);
      assert.match(step?.text ?? '', /the process manager\) and check again: this machine does not run systemd/);
    });
  });

  describe('runc: the config\'s BinaryName', () => {
    it('reads BinaryName on 1.x and 2.x plugin names, of the default runtime when it is the runc shim, else of runc', async () => {
      const v1 = await readConfig(write('v1.toml', 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  BinaryName = "/opt/runc/bin/runc"\n'));
      assert.deepEqual(configuredRuncBinary(v1), { name: '/opt/runc/bin/runc', where: `plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options.BinaryName in ${v1.path}` });
      const v3 = await readConfig(write('v3.toml', [
        'version = 3', '[plugins."io.containerd.cri.v1.runtime".containerd]', '  default_runtime_name = "fast"',
        '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.fast]', '  runtime_type = "io.containerd.runc.v2"',
        '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.fast.options]', '  BinaryName = "crun"',
        '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]', '  BinaryName = "/usr/bin/runc"', '',
      ].join('\n')));
      assert.equal(configuredRuncBinary(v3)?.name, 'crun');
      assert.match(configuredRuncBinary(v3)?.where ?? '', /cri\.v1\.runtime"\.containerd\.runtimes\.fast\.options/);
      // A default runtime that is another shim (kata): runc's own entry is what the runc shim runs.
      const kata = await readConfig(write('kata.toml', [
        'version = 2', '[plugins."io.containerd.grpc.v1.cri".containerd]', '  default_runtime_name = "kata"',
        '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]', '  runtime_type = "io.containerd.kata.v2"',
        '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata.options]', '  BinaryName = "/opt/kata/bin/kata"',
        '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]', '  BinaryName = "/usr/sbin/runc"', '',
      ].join('\n')));
      assert.equal(configuredRuncBinary(kata)?.name, '/usr/sbin/runc');
      assert.equal(configuredRuncBinary(await readConfig(write('plain.toml', 'version = 2\n'))), undefined);
      assert.equal(configuredRuncBinary(await readConfig(path.join(dir, 'none.toml'))), undefined);
    });

    it('runDoctor checks the runc BinaryName names, not the one on PATH: too old fails naming the setting', async () => {
      const old = fakeRuntime('old-runc', 'runc version 1.0.3');
      const config = write('config.toml', `version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  BinaryName = "${old}"\n`);
      const runc = check(await doctor({ systemd: false, config }), 'runc');
      assert.equal(runc.status, 'fail', runc.detail);
      assert.match(runc.detail, /old-runc \(named by plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runc\.options\.BinaryName in .*\) is runc 1\.0\.3, older than 1\.1\.0 for containerd 1\.7\.24/);
    });

    it('a bare name is looked up on PATH; another OCI runtime passes unchecked; missing, relative or writable by others is not run', async () => {
      const where = 'BinaryName in test.toml';
      const bin = path.join(dir, 'bin');
      fakeRuntime('crun', 'crun version 1.8.1');
      const crun = await checkRunc(execRunner, `${SYSTEM_PATH}:${bin}`, '1.6.20', { name: 'crun', where });
      assert.equal(crun.status, 'pass');
      assert.match(crun.detail, /crun \(named by BinaryName in test\.toml\) is not runc \(it answered "crun version 1\.8\.1"\)/);
      const good = fakeRuntime('runc-new', 'runc version 1.1.12');
      assert.equal((await checkRunc(execRunner, SYSTEM_PATH, '2.1.9', { name: good, where })).status, 'pass');
      const missing = await checkRunc(execRunner, SYSTEM_PATH, '1.6.20', { name: path.join(dir, 'nope'), where });
      assert.equal(missing.status, 'fail');
      assert.match(missing.detail, /nope, named by BinaryName in test\.toml, does not exist/);
      assert.equal((await checkRunc(execRunner, SYSTEM_PATH, '1.6.20', { name: 'not-on-path-runc', where })).status, 'fail');
      const relative = await checkRunc(execRunner, SYSTEM_PATH, '1.6.20', { name: 'bin/runc', where });
      assert.equal(relative.status, 'fail');
      assert.match(relative.detail, /a relative path/);
      const shared = fakeRuntime('shared-runc', 'runc version 1.1.12', 0o777);
      const notRun = await checkRunc(execRunner, SYSTEM_PATH, '1.6.20', { name: shared, where });
      assert.equal(notRun.status, 'warn');
      assert.match(notRun.detail, /was not run: .*mode 0777, so others could change it/);
      assert.ok(!fs.existsSync(path.join(dir, 'ran-shared-runc')), 'a binary others can change is never executed');
      assert.ok(fs.existsSync(path.join(dir, 'ran-runc-new')));
    });
  });
});
