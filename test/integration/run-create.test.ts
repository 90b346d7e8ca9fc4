// Create Container on a real containerd: the spec we generate equals the one `ctr run` generates (read back
// with `ctr containers info`), field by field; the snapshot is named and sits on the image's chain ID; the
// image's USER, env, cwd, host network and bind mounts really apply inside the running container.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { chainId } from '../../packages/containerd-client/src/digest';
import type { Spec } from '../../packages/containerd-client/src/oci/runtime-spec-types';
import { joinCommandLine, RunLabels, startContainer } from '../../packages/containerd-client/src/run';
import { ctrRunFlags, runCtr } from '../harness';
import { clientEnv, importTestImage, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';
import { create, runToEnd } from '../harness/run-setup';

const execFileP = promisify(execFile);

interface CtrInfo { Labels?: Record<string, string>; Image: string; Runtime: { Name: string }; SnapshotKey: string; Snapshotter: string; Spec: Spec }

describe('run: create container (spec as ctr makes it)', function () {
  let env: ClientEnv;
  let image: ImportedImage;
  let userImage: ImportedImage;
  let shared: string;

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('run-create');
    image = await importTestImage(env.client, 'test.local/run/plain:1', {
      env: ['APP_MODE=prod', 'GREETING=hello'], entrypoint: ['/bin/sh', '-c'], cmd: ['sleep 1000'], workingDir: '/srv',
      layers: [{ dirs: { '/srv': {} }, files: { '/srv/readme': 'srv\n' } }],
    });
    userImage = await importTestImage(env.client, 'test.local/run/user:1', { user: 'app', cmd: ['sleep', '1000'] });
    shared = fs.mkdtempSync(path.join(env.daemon.dir, 'bind-'));
    fs.writeFileSync(path.join(shared, 'from-host.txt'), 'hello from the host\n');
  });
  after(async function () { this.timeout(60_000); await teardown(env); });

  /**
   * `ctr run -d` with the same options, and the spec ctr stored (its task is left for teardown). Always the system's
   * ctr 1.6, whichever daemon runs: ctr builds the spec itself, and ours follows 1.6's (newer ctrs differ: ociVersion
   * 1.2.1, /sys/devices/virtual/powercap masked).
   */
  async function ctrSpec(id: string, flags: string[], img: ImportedImage, args: string[] = []): Promise<CtrInfo> {
    const argv = ['--address', env.daemon.address, '--namespace', env.namespace, 'run', '-d', ...ctrRunFlags(env.daemon), ...flags, img.name, id, ...args];
    // `ctr run -t` needs a console even when detaching: give it a pseudo-terminal through script(1).
    const run = flags.includes('-t')
      ? await execFileP('script', ['-qec', `ctr ${joinCommandLine(argv)}`, '/dev/null']).then(() => ({ code: 0, stderr: '' }), (e: { code?: number; stderr?: string; stdout?: string }) => ({ code: e.code ?? 1, stderr: `${e.stderr ?? ''}${e.stdout ?? ''}` }))
      : await runCtr(env.daemon.address, argv.slice(4), { namespace: env.namespace }, 'ctr');
    assert.equal(run.code, 0, `ctr run failed: ${run.stderr}`);
    const info = await env.daemon.ctr(['containers', 'info', id], { namespace: env.namespace });
    assert.equal(info.code, 0, info.stderr);
    return JSON.parse(info.stdout) as CtrInfo;
  }

  /** Compares each part of the spec so a failure names the field; cgroupsPath differs only by the id. */
  function assertSameSpec(ours: Spec, theirs: Spec, ourId: string, theirId: string): void {
    const norm = (s: Spec, id: string): Spec => {
      const c = structuredClone(s);
      if (c.linux?.cgroupsPath) c.linux.cgroupsPath = c.linux.cgroupsPath.replace(`/${id}`, '/<id>');
      return c;
    };
    const [a, b] = [norm(ours, ourId), norm(theirs, theirId)];
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), 'top-level fields');
    for (const k of Object.keys(b.process ?? {}) as (keyof NonNullable<Spec['process']>)[]) {
      assert.deepEqual(a.process?.[k], b.process?.[k], `process.${k}`);
    }
    assert.deepEqual(a.mounts, b.mounts, 'mounts');
    for (const k of Object.keys(b.linux ?? {}) as (keyof NonNullable<Spec['linux']>)[]) {
      assert.deepEqual(a.linux?.[k], b.linux?.[k], `linux.${k}`);
    }
    assert.deepEqual(a, b, 'whole spec');
  }

  it('default options: the same spec as `ctr run`, on a named snapshot over the image chain', async () => {
    const made = await create(env, { id: 'plain', image: image.name, snapshotName: 'my-named-snapshot' });
    const theirs = await ctrSpec('ctr-plain', [], image);
    assertSameSpec(made.spec, theirs.Spec, 'plain', 'ctr-plain');
    const record = await env.client.containers.get('plain');
    assert.deepEqual(record.spec, made.spec, 'the record carries the spec');
    assert.equal(record.snapshotKey, 'my-named-snapshot');
    assert.equal(record.snapshotter, theirs.Snapshotter);
    assert.equal(record.runtime.name, theirs.Runtime.Name);
    assert.equal(record.image, image.name);
    assert.equal(record.labels[RunLabels.stopSignal], theirs.Labels?.[RunLabels.stopSignal]);
    assert.equal(record.labels[RunLabels.createdBy], 'containerd-explorer');
    const snap = await env.client.snapshots.stat('my-named-snapshot');
    assert.equal(snap.kind, 'active');
    assert.equal(snap.parent, chainId(image.oci.config.rootfs.diff_ids));
    assert.equal(snap.parent, (await env.client.snapshots.stat(theirs.SnapshotKey)).parent);
    // No lease is left holding anything: the container record alone keeps the snapshot.
    assert.deepEqual(await env.client.leases.list(), []);
  });

  it('host network, TTY, env, cwd, args, labels and a bind mount: the same spec as `ctr run` with those flags', async () => {
    const made = await create(env, {
      id: 'loaded', image: image.name, network: 'host', tty: true, env: ['GREETING=bye', 'EXTRA=1'], cwd: '/tmp',
      args: ['sh', '-c', 'sleep 1000'], labels: { 'com.example.a': 'b' }, mounts: [{ source: shared, destination: '/data', readonly: true }],
    });
    const theirs = await ctrSpec('ctr-loaded', ['--net-host', '-t', '--env', 'GREETING=bye', '--env', 'EXTRA=1', '--cwd', '/tmp',
      '--label', 'com.example.a=b', '--mount', `type=bind,src=${shared},dst=/data,options=rbind:ro`], image, ['sh', '-c', 'sleep 1000']);
    assertSameSpec(made.spec, theirs.Spec, 'loaded', 'ctr-loaded');
    assert.equal((await env.client.containers.get('loaded')).labels['com.example.a'], 'b');
  });

  it("the image's named USER: uid/gid 1000 in the spec (as ctr resolves it) and in the running process", async () => {
    const made = await create(env, { id: 'as-app', image: userImage.name, args: ['id'] });
    assert.deepEqual(made.spec.process?.user, { uid: 1000, gid: 1000, additionalGids: [1000] });
    const theirs = await ctrSpec('ctr-as-app', [], userImage, ['id']);
    assertSameSpec(made.spec, theirs.Spec, 'as-app', 'ctr-as-app');
    await startContainer(env.client, 'as-app');
    const { exitStatus, log } = await runToEnd(env, 'as-app');
    assert.equal(exitStatus, 0);
    assert.match(log, /^uid=1000\(app\) gid=1000\(app\)/);
  });

  it('a user override by name:group and by uid:gid', async () => {
    const byName = await create(env, { id: 'user-named', image: image.name, user: 'nobody:app', args: ['id'] });
    assert.deepEqual(byName.spec.process?.user, { uid: 65534, gid: 1000, additionalGids: [1000] });
    await startContainer(env.client, 'user-named');
    assert.match((await runToEnd(env, 'user-named')).log, /^uid=65534\(nobody\) gid=1000\(app\)/);
    const byIds = await create(env, { id: 'user-ids', image: image.name, user: '1000:1000', args: ['id', '-u'] });
    assert.equal(byIds.spec.process?.user.uid, 1000);
    await startContainer(env.client, 'user-ids');
    assert.equal((await runToEnd(env, 'user-ids')).log, '1000\n');
  });

  it('env and cwd reach the process: image env merged, overrides win, cwd as given', async () => {
    await create(env, { id: 'envcwd', image: image.name, env: ['GREETING=bye', 'NEW=yes'], cwd: '/tmp', args: ['sh', '-c', 'echo "$APP_MODE $GREETING $NEW"; pwd'] });
    await startContainer(env.client, 'envcwd');
    const { exitStatus, log } = await runToEnd(env, 'envcwd');
    assert.equal(exitStatus, 0);
    assert.equal(log, 'prod bye yes\n/tmp\n');
    await create(env, { id: 'imgcwd', image: image.name, args: ['pwd'] });
    await startContainer(env.client, 'imgcwd');
    assert.equal((await runToEnd(env, 'imgcwd')).log, '/srv\n', "the image's WorkingDir by default");
  });

  it("host network shares the host's network namespace; the default has its own", async () => {
    const hostNs = fs.readlinkSync('/proc/self/ns/net');
    await create(env, { id: 'net-host', image: image.name, network: 'host', args: ['sh', '-c', 'readlink /proc/self/ns/net; cat /etc/hosts | wc -l'] });
    await create(env, { id: 'net-none', image: image.name, args: ['sh', '-c', 'readlink /proc/self/ns/net; ls /sys/class/net'] });
    await startContainer(env.client, 'net-host');
    await startContainer(env.client, 'net-none');
    const host = (await runToEnd(env, 'net-host')).log.split('\n');
    assert.equal(host[0], hostNs);
    assert.equal(Number(host[1]), fs.readFileSync('/etc/hosts', 'utf8').split('\n').length - 1, "the host's /etc/hosts");
    const none = (await runToEnd(env, 'net-none')).log.split('\n');
    assert.notEqual(none[0], hostNs);
    assert.equal(none[1], 'lo', 'only loopback in its own namespace');
  });

  it('a bind mount shows the host folder, read-write when asked', async () => {
    await create(env, { id: 'binder', image: image.name, mounts: [{ source: shared, destination: '/work/shared', readonly: false }],
      args: ['sh', '-c', 'cat /work/shared/from-host.txt && echo written-inside > /work/shared/from-container.txt'] });
    await startContainer(env.client, 'binder');
    const { exitStatus, log } = await runToEnd(env, 'binder');
    assert.equal(exitStatus, 0, log);
    assert.equal(log, 'hello from the host\n');
    assert.equal(fs.readFileSync(path.join(shared, 'from-container.txt'), 'utf8'), 'written-inside\n');
  });
});
