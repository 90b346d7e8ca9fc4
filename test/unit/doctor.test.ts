// Check Setup's checks on real files made here (config files, certs.d, CNI folders, executables on a PATH), the
// machine's own cgroups, runc and init system, and `systemctl show` answers recorded from real systemd machines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execRunner, judgeSystemdUnit, parseSystemctlShow, renderDoctorReport, type CommandRunner, type DoctorReport } from '../../packages/containerd-client/src';
import { checkConfigFile, checkInsecureRegistries } from '../../packages/containerd-client/src/doctor/config-checks';
import { readConfig } from '../../packages/containerd-client/src/doctor/config-file';
import { cgroupMode, checkCgroup, checkCni, checkRunc, minimumRunc, versionBelow } from '../../packages/containerd-client/src/doctor/host-checks';
import { checkSystemd, SYSTEMD_MARKER } from '../../packages/containerd-client/src/doctor/systemd';
import { tempFolderPerTest } from './temp-folder';

// Recorded on Debian 12 with the containerd package (its unit sets both), and on a unit edited to systemd's defaults.
const DEBIAN_UNIT = 'LoadState=loaded\nActiveState=active\nDelegate=yes\nKillMode=process\nFragmentPath=/lib/systemd/system/containerd.service\nDropInPaths=\n';
const DEFAULTS_UNIT = 'LoadState=loaded\nActiveState=active\nDelegate=no\nKillMode=control-group\nFragmentPath=/etc/systemd/system/containerd.service\nDropInPaths=\n';
const NO_UNIT = 'LoadState=not-found\nActiveState=inactive\nDelegate=no\nKillMode=control-group\nFragmentPath=\nDropInPaths=\n';

describe('Check Setup (doctor) checks', () => {
  let dir: string;
  const write = tempFolderPerTest('doctor-unit-', (d) => { dir = d; });

  describe('systemd', () => {
    it('judges recorded `systemctl show` answers: Debian\'s unit passes, systemd\'s defaults fail with a drop-in, no unit is n/a', () => {
      assert.deepEqual(parseSystemctlShow('Delegate=yes\nKillMode=process\nnoise\n'), { Delegate: 'yes', KillMode: 'process' });
      assert.equal(judgeSystemdUnit(parseSystemctlShow(DEBIAN_UNIT)).status, 'pass');
      const bad = judgeSystemdUnit(parseSystemctlShow(DEFAULTS_UNIT));
      assert.equal(bad.status, 'fail');
      assert.match(bad.detail, /Delegate=no \(needs yes\) and KillMode=control-group \(needs process\)/);
      assert.deepEqual(bad.fix.map((f) => f.command).filter(Boolean).slice(-2), ['sudo systemctl daemon-reload', 'sudo systemctl restart containerd']);
      assert.ok(bad.fix.some((f) => f.command?.includes('Delegate=yes\\nKillMode=process') && f.command.includes('containerd.service.d/')));
      assert.equal(judgeSystemdUnit(parseSystemctlShow(NO_UNIT)).status, 'n/a');
    });

    it('asks systemctl with an argument array where systemd is init (marker present; recorded answer)', async () => {
      const calls: Array<[string, string[]]> = [];
      const recorded: CommandRunner = async (file, args) => { calls.push([file, args]); return { code: 0, stdout: DEFAULTS_UNIT, stderr: '' }; };
      const r = await checkSystemd(recorded, dir);
      assert.equal(r.status, 'fail');
      assert.equal(calls.length, 1);
      assert.equal(calls[0][0], 'systemctl');
      assert.deepEqual(calls[0][1].slice(0, 2), ['show', 'containerd']);
      assert.ok(calls[0][1].includes('Delegate') && calls[0][1].includes('KillMode'));
    });

    it('on this machine: says truthfully whether systemd is PID 1 (the real systemctl, the real marker)', async () => {
      const r = await checkSystemd(execRunner);
      if (!fs.existsSync(SYSTEMD_MARKER)) {
        assert.equal(r.status, 'n/a');
        assert.match(r.detail, /does not run systemd as its init system .*PID 1 is /);
      } else {
        assert.notEqual(r.detail, '', 'systemd is init here: the check asked systemctl');
        assert.doesNotMatch(r.detail, /does not run systemd/);
      }
    });
  });

  describe('config file', () => {
    it('a missing file passes (defaults); a broken one fails with its line; versions are matched to the daemon', async () => {
      assert.equal(checkConfigFile(await readConfig(path.join(dir, 'none.toml')), '1.6.20', true).status, 'pass');
      const broken = checkConfigFile(await readConfig(write('broken.toml', 'version = 2\n\n[plugins\nfoo = 1\n')), '1.6.20', true);
      assert.equal(broken.status, 'fail');
      assert.match(broken.detail, /not valid TOML: line 3/);
      const v2 = await readConfig(write('v2.toml', 'version = 2\nroot = "/data/containerd"\n[plugins."io.containerd.grpc.v1.cri".cni]\nbin_dir = "/x"\n'));
      assert.equal(checkConfigFile(v2, '1.6.20~ds1', true).status, 'pass');
      assert.equal(checkConfigFile(v2, '2.1.9+unknown', true).status, 'warn');
      assert.ok(checkConfigFile(v2, 'v2.0.0', true).fix.some((f) => f.command?.includes('config migrate')));
      const v3 = await readConfig(write('v3.toml', 'version = 3\n'));
      assert.equal(checkConfigFile(v3, '1.7.24', true).status, 'fail');
      assert.equal(checkConfigFile(v3, '2.1.9', true).status, 'pass');
      assert.equal(checkConfigFile(await readConfig(write('v1.toml', '[plugins.cri]\n')), '1.6.20', true).status, 'warn');
      assert.equal(checkConfigFile(await readConfig(write('v1b.toml', 'root = "/x"\n')), '2.1.9', true).status, 'fail');
    });

    it('TOML our reader lacks is a warning, not a broken file; a huge or unreadable file is not read', async () => {
      const r = checkConfigFile(await readConfig(write('aot.toml', 'version = 2\n[[x]]\n')), '1.6.20', true);
      assert.equal(r.status, 'warn');
      assert.match(r.detail, /may well be valid/);
      const big = write('big.toml', '');
      fs.truncateSync(big, 2 * 1024 * 1024);
      assert.equal((await readConfig(big)).state, 'unreadable');
      assert.equal((await readConfig(dir)).state, 'unreadable');
    });
  });

  describe('insecure registries', () => {
    it('loopback entries pass; remote ones from the setting and hosts.toml (skip_verify, http server) warn with where to fix', () => {
      assert.equal(checkInsecureRegistries(['localhost:5000', '127.0.0.1:5001'], path.join(dir, 'none')).status, 'pass');
      write('certs.d/reg.example:5000/hosts.toml', 'server = "https://reg.example:5000"\n[host."https://reg.example:5000"]\n  skip_verify = true\n');
      write('certs.d/plain.example/hosts.toml', 'server = "http://plain.example"\n');
      write('certs.d/localhost:5000/hosts.toml', 'server = "http://localhost:5000"\n');
      const r = checkInsecureRegistries(['build.example:5000'], path.join(dir, 'certs.d'));
      assert.equal(r.status, 'warn');
      assert.match(r.detail, /^3 insecure: /);
      assert.match(r.detail, /skip_verify = true for reg\.example:5000/);
      assert.match(r.detail, /plain HTTP to plain\.example/);
      assert.match(r.detail, /plain HTTP to localhost:5000 .*loopback/);
      assert.ok(r.fix.some((f) => f.command === `sudoedit ${path.join(dir, 'certs.d/reg.example:5000/hosts.toml')}`));
      assert.ok(r.fix.some((f) => f.text.includes('containerd.insecureRegistries')));
    });
  });

  describe('runc, CNI, cgroups', () => {
    it('runc versions: a prerelease counts below its release; 1.7 and 2.x need 1.1', () => {
      assert.ok(versionBelow('1.0.0-rc93', '1.0.0'));
      assert.ok(!versionBelow('1.1.5+ds1', '1.1.0'));
      assert.ok(versionBelow('1.0.3', minimumRunc('2.1.9+unknown')));
      assert.equal(minimumRunc('1.6.20~ds1'), '1.0.0');
    });

    it('finds the machine\'s runc; a missing or too old runc on PATH fails with the package to install', async () => {
      const real = await checkRunc(execRunner, '/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin', '1.6.20~ds1');
      assert.equal(real.status, 'pass', real.detail);
      const missing = await checkRunc(execRunner, dir, '1.6.20');
      assert.equal(missing.status, 'fail');
      assert.equal(missing.fix[0].command, 'sudo apt-get install runc');
      write('bin/runc', '#!/bin/sh\necho "runc version 1.0.3"\necho "spec: 1.0.2-dev"\n', 0o755);
      const old = await checkRunc(execRunner, path.join(dir, 'bin'), '1.7.24');
      assert.equal(old.status, 'fail');
      assert.match(old.detail, /runc 1\.0\.3, older than 1\.1\.0 for containerd 1\.7\.24/);
    });

    it('CNI: the first folder holding bridge, host-local and loopback passes; none names the Debian package', () => {
      const r = checkCni([path.join(dir, 'nothing'), path.join(dir, 'cni')]);
      assert.equal(r.status, 'warn');
      assert.equal(r.fix[0].command, 'sudo apt-get install containernetworking-plugins');
      for (const p of ['bridge', 'host-local', 'loopback']) write(`cni/${p}`, '#!/bin/sh\n', 0o755);
      const ok = checkCni([path.join(dir, 'nothing'), path.join(dir, 'cni')]);
      assert.equal(ok.status, 'pass');
      assert.match(ok.detail, /found in .*\/cni\.$/);
    });

    it('cgroups: the machine\'s /sys/fs/cgroup is v1, hybrid or v2 and judged so; a plain folder is no cgroup fs', async () => {
      const mode = await cgroupMode('/sys/fs/cgroup');
      assert.notEqual(mode, 'none');
      assert.equal((await checkCgroup('/sys/fs/cgroup', '1.6.20')).status, mode === 'v2' ? 'pass' : 'warn');
      assert.equal(await cgroupMode(dir), 'none');
      assert.equal((await checkCgroup(dir, '1.6.20')).status, 'fail');
    });
  });

  describe('report', () => {
    const report = (over: Partial<DoctorReport> = {}): DoctorReport => ({
      socketPath: '/run/containerd/containerd.sock', configPath: '/etc/containerd/config.toml',
      daemon: { reachable: false, reason: 'missing', version: '1.6.20' },
      counts: { pass: 1, warn: 0, fail: 1, 'n/a': 1 },
      checks: [
        { id: 'a', title: 'A', status: 'pass', detail: 'fine', why: 'w', fix: [] },
        { id: 'b', title: 'B', status: 'n/a', detail: 'none', why: 'w', fix: [] },
        { id: 'c', title: 'C <b>', status: 'fail', detail: 'see [here](http://evil) <img src=x>', why: 'w', fix: [{ text: 'run it', command: 'echo ```; rm -rf /tmp/x' }, { text: 'Then retry.' }] },
      ],
      ...over,
    });

    it('summary first, failures first, each with why and fenced commands; text from files cannot inject Markdown or HTML', () => {
      const md = renderDoctorReport(report(), new Date(0));
      const lines = md.split('\n');
      assert.equal(lines[0], '# Containerd: Check Setup');
      assert.equal(lines[2], '**1 pass, 0 warn, 1 fail, 1 not applicable**');
      const headings = lines.filter((l) => l.startsWith('## '));
      assert.deepEqual(headings, ['## ✖ C \\<b\\>: Fail', '## ✔ A: Pass', '## – B: Not applicable']);
      assert.ok(md.includes('see \\[here\\](http://evil) \\<img src=x\\>'));
      assert.ok(md.includes('   ````sh\n   echo ```; rm -rf /tmp/x\n   ````'), md);
      assert.ok(md.includes('1. Run it:') && md.includes('2. Then retry.'));
      assert.ok(md.includes('**Why it matters:** w'));
    });
  });
});
