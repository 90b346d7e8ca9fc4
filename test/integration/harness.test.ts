// Proves the test harness itself: private daemons, images built by the image builder, the registry.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  buildImage, buildMultiPlatformIndex, ctrRunFlags, Daemon, isAlive, mountsUnder, ociLayoutTar, pushImage,
  runCtr, sharedDaemon, sharedRegistry, shimsOf, startContainerd, startFakeSocket, startRegistry, sweepStaleDaemons, waitFor,
} from '../harness';

const NS = 'harnesstest';
const HARNESS_INDEX = path.resolve(__dirname, '../harness/index.js');

async function ctrOk(daemon: Daemon, args: string[]): Promise<string> {
  const r = await daemon.ctr(args, { namespace: NS });
  assert.equal(r.code, 0, `ctr ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

async function importLayout(daemon: Daemon, tar: Buffer): Promise<void> {
  const file = path.join(daemon.dir, `import-${Date.now()}.tar`);
  fs.writeFileSync(file, tar);
  await ctrOk(daemon, ['images', 'import', file]);
  fs.rmSync(file);
}

/** Runs a node script that uses the harness, returning its first stdout line as JSON. */
function runChild(script: string): Promise<{ child: ReturnType<typeof spawn>; info: { dir: string; pid: number; address: string } }> {
  const child = spawn(process.execPath, ['-e', `const h = require(${JSON.stringify(HARNESS_INDEX)});\n${script}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve({ child, info: JSON.parse(out.split('\n')[0]) as { dir: string; pid: number; address: string } });
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code} before reporting`)));
  });
}

describe('test harness', () => {
  it('starts a private containerd that answers on its own socket', async () => {
    const daemon = await sharedDaemon();
    assert.ok(daemon.address.startsWith(os.tmpdir()));
    assert.ok(fs.statSync(daemon.address).isSocket());
    const r = await daemon.ctr(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Server:\s+Version:/);
    assert.match(daemon.log(), /containerd successfully booted/);
  });

  it('imports an image built by the image builder and runs it with ctr', async () => {
    const daemon = await sharedDaemon();
    await importLayout(daemon, ociLayoutTar(buildImage(), 'test/busybox:1'));
    await importLayout(daemon, ociLayoutTar(buildImage({ user: 'app', workingDir: '/home/app' }), 'test/busybox-app:1'));
    assert.match(await ctrOk(daemon, ['images', 'ls', '-q']), /^test\/busybox:1$/m);
    const run = ['run', '--rm', ...ctrRunFlags(daemon)];
    assert.equal(await ctrOk(daemon, [...run, 'test/busybox:1', 'harness-echo', 'echo', 'hello']), 'hello\n');
    assert.match(await ctrOk(daemon, [...run, 'test/busybox:1', 'harness-id-root', 'id']), /^uid=0\(root\) gid=0\(root\)/);
    assert.match(await ctrOk(daemon, [...run, 'test/busybox-app:1', 'harness-id-app', 'id']), /^uid=1000\(app\) gid=1000\(app\)/);
    assert.equal(await ctrOk(daemon, [...run, 'test/busybox-app:1', 'harness-pwd', 'pwd']), '/home/app\n');
  });

  it('restart() keeps images and running tasks; stop() leaves no process, mount or dir', async () => {
    const daemon = await startContainerd({ name: 'harness-restart' });
    try {
      await importLayout(daemon, ociLayoutTar(buildImage(), 'test/busybox:1'));
      await ctrOk(daemon, ['run', '-d', ...ctrRunFlags(daemon), 'test/busybox:1', 'sleeper', 'sleep', '1000']);
      const before = daemon.pid;
      await daemon.restart();
      assert.notEqual(daemon.pid, before);
      assert.ok(!isAlive(before));
      assert.match(await ctrOk(daemon, ['images', 'ls', '-q']), /^test\/busybox:1$/m);
      assert.match(await ctrOk(daemon, ['tasks', 'ls']), /sleeper\s+\d+\s+RUNNING/);
      assert.equal(shimsOf(daemon.address).length, 1);
    } finally {
      await daemon.stop();
    }
    await daemon.stop();
    assert.ok(!isAlive(daemon.pid));
    assert.deepEqual(shimsOf(daemon.address), []);
    assert.deepEqual(mountsUnder(daemon.dir), []);
    assert.ok(!fs.existsSync(daemon.dir));
  });

  it('sets the socket owner from grpcUid/grpcGid', async () => {
    const daemon = await startContainerd({ name: 'harness-perm', grpcUid: 0, grpcGid: 4321 });
    try {
      const st = fs.statSync(daemon.address);
      assert.equal(st.gid, 4321);
      assert.equal(st.mode & 0o777, 0o660);
    } finally {
      await daemon.stop();
    }
  });

  it('pushes to the registry and ctr pulls from it', async () => {
    const daemon = await sharedDaemon();
    const registry = await sharedRegistry();
    assert.match(registry.host, /^127\.0\.0\.1:\d+$/);
    const image = buildImage({ docker: true, cmd: ['echo', 'pulled'] });
    const desc = await pushImage(registry.host, 'test/busybox', '1', image);
    assert.equal(desc.digest, image.manifestDescriptor.digest);
    // Pushing again skips blobs the registry has.
    await pushImage(registry.host, 'test/busybox', '1', image);
    await ctrOk(daemon, ['images', 'pull', '--plain-http', `${registry.host}/test/busybox:1`]);
    const out = await ctrOk(daemon, ['run', '--rm', ...ctrRunFlags(daemon), `${registry.host}/test/busybox:1`, 'harness-pulled']);
    assert.equal(out, 'pulled\n');

    const index = buildMultiPlatformIndex([
      { platform: { os: 'linux', architecture: 'amd64' }, image: buildImage({ platform: { architecture: 'amd64' } }) },
      { platform: { os: 'linux', architecture: 'arm64' }, image: buildImage({ platform: { architecture: 'arm64' }, labels: { arch: 'arm64' } }) },
    ]);
    await pushImage(registry.host, 'test/multi', 'v1', index);
    const manifest = await fetch(`${registry.url}/v2/test/multi/manifests/v1`, { headers: { Accept: index.index.mediaType as string } });
    assert.equal(manifest.headers.get('docker-content-digest'), index.indexDescriptor.digest);
    await ctrOk(daemon, ['images', 'pull', '--plain-http', `${registry.host}/test/multi:v1`]);
  });

  it('runs a registry with htpasswd auth', async () => {
    const registry = await startRegistry({ htpasswd: { alice: 's3cret' } });
    try {
      assert.equal((await fetch(`${registry.url}/v2/`)).status, 401);
      await assert.rejects(pushImage(registry.host, 'private/img', '1', buildImage({ base: false })), /HTTP 401/);
      await pushImage(registry.host, 'private/img', '1', buildImage({ base: false }), { auth: { username: 'alice', password: 's3cret' } });
      const ok = await fetch(`${registry.url}/v2/private/img/tags/list`, { headers: { Authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` } });
      assert.deepEqual(await ok.json(), { name: 'private/img', tags: ['1'] });
    } finally {
      await registry.stop();
    }
    assert.ok(!fs.existsSync(registry.dir));
  });

  it('offers sockets that are not containerd', async () => {
    for (const kind of ['http', 'close', 'garbage'] as const) {
      const fake = await startFakeSocket({ kind });
      try {
        const r = await runCtr(fake.address, ['--connect-timeout', '1s', 'version'], { timeoutMs: 20_000 });
        assert.notEqual(r.code, 0);
        assert.ok(fake.connections() > 0);
      } finally {
        await fake.stop();
      }
    }
    const fake = await startFakeSocket();
    try {
      const status = await new Promise<number>((resolve, reject) => {
        http.get({ socketPath: fake.address, path: '/v1.41/version' }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
      });
      assert.equal(status, 404);
    } finally {
      await fake.stop();
    }
  });

  it('cleans up when the test process exits without stopping its daemon', async () => {
    const { child, info } = await runChild('h.startContainerd({ name: "harness-exit" }).then((d) => { console.log(JSON.stringify({ dir: d.dir, pid: d.pid, address: d.address })); setTimeout(() => process.exit(3), 100); });');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    assert.ok(await waitFor(() => !isAlive(info.pid), 10_000));
    assert.ok(!fs.existsSync(info.dir));
  });

  it('sweeps what a SIGKILLed test process left behind', async () => {
    const { child, info } = await runChild('h.startContainerd({ name: "harness-kill" }).then((d) => console.log(JSON.stringify({ dir: d.dir, pid: d.pid, address: d.address })));');
    child.kill('SIGKILL');
    // setpriv --pdeathsig takes the daemon down with its parent.
    assert.ok(await waitFor(() => !isAlive(info.pid), 10_000), 'daemon died with its parent');
    assert.ok(fs.existsSync(info.dir));
    const swept = await sweepStaleDaemons();
    assert.ok(swept.includes(info.dir));
    assert.ok(!fs.existsSync(info.dir));
  });
});
