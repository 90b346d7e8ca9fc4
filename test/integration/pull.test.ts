// pull() against the private containerd and registry: OCI, Docker schema 2, a multi-platform index, whiteouts
// and opaque directories; each pulled image then runs, and `ctr images check` must call it complete.
import * as assert from 'node:assert/strict';
import { chainIds } from '../../packages/containerd-client/src/digest';
import { MediaType } from '../../packages/containerd-client/src/oci/media-types';
import { ingestRef, pull, type PullProgress } from '../../packages/containerd-client/src/pull';
import type { Image } from '../../packages/containerd-client/src/types';
import { buildImage, buildMultiPlatformIndex, pushImage, sharedRegistry, type OciImage, type Registry } from '../harness';
import { clientEnv, teardown, type ClientEnv } from '../harness/client-setup';
import { runInImage, storeState } from '../harness/pull-setup';

describe('pull (integration)', function () {
  this.timeout(120_000);
  let env: ClientEnv;
  let registry: Registry;

  const oci = buildImage({
    env: ['GREETING=hello from oci', 'MODE=test'], user: 'app', workingDir: '/home/app',
    layers: [{ files: { '/etc/motd': 'oci image\n', '/home/app/data.txt': { content: 'app data\n', uid: 1000, gid: 1000 } } }],
    incompressibleLayers: { count: 2, bytesEach: 1_500_000 },
  });
  const docker = buildImage({ docker: true, env: ['FLAVOUR=schema2'], layers: [{ files: { '/docker.txt': 'docker schema 2\n' } }] });
  const amd64 = buildImage({ platform: { architecture: 'amd64', os: 'linux' }, layers: [{ files: { '/arch': 'amd64\n' } }] });
  const arm64 = buildImage({ platform: { architecture: 'arm64', os: 'linux', variant: 'v8' }, base: false, layers: [{ files: { '/arch': 'arm64\n' } }] });
  const multi = buildMultiPlatformIndex([
    { platform: { os: 'linux', architecture: 'amd64' }, image: amd64 },
    { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, image: arm64 },
  ]);
  const layered = buildImage({
    layers: [
      { files: { '/data/keep.txt': 'keep\n', '/data/gone.txt': 'gone\n', '/opq/old1': 'old\n', '/opq/sub/old2': 'old\n' }, createdBy: 'add files' },
      { deletes: ['/data/gone.txt', '/bin/vi'], createdBy: 'delete files' },
      { opaque: ['/opq'], files: { '/opq/new': 'new\n' }, createdBy: 'replace /opq' },
    ],
  });

  const ref = (repo: string, tag = 'v1'): string => `${registry.host}/${repo}:${tag}`;
  const check = async (name: string): Promise<string> => {
    const r = await env.daemon.ctr(['images', 'check'], { namespace: env.namespace });
    assert.equal(r.code, 0, r.stderr);
    const line = r.stdout.split('\n').find((l) => l.startsWith(`${name} `));
    assert.ok(line, `ctr images check lists ${name}:\n${r.stdout}`);
    return line;
  };
  const assertComplete = async (name: string, built: OciImage): Promise<void> => {
    const n = built.layers.length + 1;
    assert.match(await check(name), new RegExp(`complete \\(${n}/${n}\\).* true\\s*$`));
  };

  before(async () => {
    registry = await sharedRegistry();
    env = await clientEnv('pull');
    await pushImage(registry.host, 'pull/oci', 'v1', oci);
    await pushImage(registry.host, 'pull/docker', 'v1', docker);
    await pushImage(registry.host, 'pull/multi', 'v1', multi);
    await pushImage(registry.host, 'pull/layered', 'v1', layered);
  });
  after(() => teardown(env));

  it('pulls an OCI image with progress, runs it, and ctr calls it complete', async () => {
    const events: PullProgress[] = [];
    const phases: string[] = [];
    const image = await pull(env.client, ref('pull/oci'), {
      progressIntervalMs: 0,
      onProgress: (p) => { events.push(structuredClone(p)); if (phases[phases.length - 1] !== p.phase) phases.push(p.phase); },
    });
    assert.equal(image.name, ref('pull/oci'));
    assert.deepEqual(image.target, oci.manifestDescriptor);
    assert.deepEqual(phases, ['resolving', 'fetching', 'unpacking', 'done']);
    const last = events[events.length - 1];
    assert.equal(last.totalBytes, oci.layers.reduce((n, l) => n + l.descriptor.size, 0));
    assert.equal(last.doneBytes, last.totalBytes);
    assert.deepEqual(last.blobs.map((b) => [b.digest, b.unpack, b.offset]), oci.layers.map((l) => [l.descriptor.digest, 'done', l.descriptor.size]));
    // The busybox base layer may be in the daemon already (another namespace's; containerd shares content).
    assert.ok(last.blobs.every((b) => b.state === 'downloaded' || (b.state === 'exists' && b.digest === oci.layers[0].descriptor.digest)));
    assert.equal(last.downloadedBytes, last.blobs.filter((b) => b.state === 'downloaded').reduce((n, b) => n + b.size, 0));
    assert.equal(last.unpackedLayers, oci.layers.length);
    // Per-layer bytes grew while downloading.
    const big = oci.layers[2].descriptor.digest;
    assert.ok(events.some((e) => { const b = e.blobs.find((x) => x.digest === big); return !!b && b.offset > 0 && b.offset < b.size; }));

    await assertComplete(image.name, oci);
    const out = await runInImage(env, image, oci, 'id -u; id -g; pwd; echo "$GREETING|$MODE"; cat /etc/motd /home/app/data.txt; ls /data');
    assert.equal(out, '1000\n1000\n/home/app\nhello from oci|test\noci image\napp data\nblob-0.bin\nblob-1.bin\n');

    // GC labels as containerd sets them, and nothing of the pull's own is left.
    const manifestInfo = await env.client.content.info(oci.manifestDescriptor.digest);
    assert.equal(manifestInfo.labels['containerd.io/gc.ref.content.config'], oci.configDescriptor.digest);
    oci.layers.forEach((l, i) => assert.equal(manifestInfo.labels[`containerd.io/gc.ref.content.l.${i}`], l.descriptor.digest));
    // containerd keys it on the host without the port.
    assert.equal(manifestInfo.labels[`containerd.io/distribution.source.${registry.host.replace(/:\d+$/, '')}`], 'pull/oci');
    const configInfo = await env.client.content.info(oci.configDescriptor.digest);
    const chain = chainIds(oci.config.rootfs.diff_ids);
    assert.equal(configInfo.labels['containerd.io/gc.ref.snapshot.overlayfs'], chain[chain.length - 1]);
    const layerInfo = await env.client.content.info(oci.layers[1].descriptor.digest);
    assert.equal(layerInfo.labels['containerd.io/uncompressed'], oci.layers[1].diffId);
    const state = await storeState(env.client);
    assert.deepEqual(state.leases, []);
    assert.deepEqual(state.ingests, []);
  });

  it('pulls it again without downloading a layer', async () => {
    let last: PullProgress | undefined;
    const image = await pull(env.client, ref('pull/oci'), { onProgress: (p) => { last = p; } });
    assert.deepEqual(image.target, oci.manifestDescriptor);
    assert.ok(last);
    assert.equal(last.downloadedBytes, 0);
    assert.deepEqual(last.blobs.map((b) => b.state), oci.layers.map(() => 'exists'));
    assert.deepEqual(last.blobs.map((b) => b.unpack), oci.layers.map(() => 'done'));
  });

  it('pulls a Docker schema 2 image', async () => {
    const image = await pull(env.client, ref('pull/docker'));
    assert.equal(image.target.mediaType, MediaType.dockerManifest);
    assert.equal(image.target.digest, docker.manifestDescriptor.digest);
    await assertComplete(image.name, docker);
    assert.equal(await runInImage(env, image, docker, 'echo "$FLAVOUR"; cat /docker.txt; id -un'), 'schema2\ndocker schema 2\nroot\n');
  });

  describe('a multi-platform index', () => {
    let image: Image;
    it('pulls the host platform only, by default', async () => {
      image = await pull(env.client, ref('pull/multi'));
      assert.deepEqual(image.target, multi.indexDescriptor);
      const state = await storeState(env.client);
      assert.ok(state.content.includes(amd64.manifestDescriptor.digest));
      assert.ok(!state.content.includes(arm64.manifestDescriptor.digest));
      assert.ok(!state.content.includes(arm64.layers[0].descriptor.digest));
      const indexInfo = await env.client.content.info(multi.indexDescriptor.digest);
      assert.equal(indexInfo.labels['containerd.io/gc.ref.content.m.0'], amd64.manifestDescriptor.digest);
      // As containerd: the index references every manifest, fetched or not.
      assert.equal(indexInfo.labels['containerd.io/gc.ref.content.m.1'], arm64.manifestDescriptor.digest);
      assert.match(await check(image.name), /complete/);
      assert.equal(await runInImage(env, image, amd64, 'cat /arch'), 'amd64\n');
    });

    it('pulls every platform with "all", unpacking the host\'s', async () => {
      const all = await pull(env.client, ref('pull/multi'), { platform: 'all' });
      assert.deepEqual(all.target, multi.indexDescriptor);
      const state = await storeState(env.client);
      for (const d of [arm64.manifestDescriptor, arm64.configDescriptor, ...arm64.layers.map((l) => l.descriptor)]) assert.ok(state.content.includes(d.digest), d.digest);
      const armTop = chainIds(arm64.config.rootfs.diff_ids).pop() as string;
      assert.ok(!state.snapshots.includes(armTop), 'the arm64 image is not unpacked');
      const indexInfo = await env.client.content.info(multi.indexDescriptor.digest);
      assert.equal(indexInfo.labels['containerd.io/gc.ref.content.m.1'], arm64.manifestDescriptor.digest);
    });

    it('pulls and unpacks a chosen platform', async () => {
      const arm = await pull(env.client, ref('pull/multi'), { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
      assert.deepEqual(arm.target, multi.indexDescriptor);
      const armTop = chainIds(arm64.config.rootfs.diff_ids).pop() as string;
      assert.equal((await env.client.snapshots.stat(armTop)).kind, 'committed');
    });
  });

  it('pulls layers with whiteouts and an opaque directory, and they apply', async () => {
    const image = await pull(env.client, ref('pull/layered'), { concurrency: 1 });
    await assertComplete(image.name, layered);
    const out = await runInImage(env, image, layered,
      'ls /data; test -e /data/gone.txt && echo gone-still-there; test -e /bin/vi && echo vi-still-there; ls -A /opq; cat /opq/new; echo end');
    assert.equal(out, 'keep.txt\nnew\nnew\nend\n');
  });

  it('names the ingest of each layer as containerd does, so ctr and we resume each other', () => {
    assert.equal(ingestRef(oci.layers[0].descriptor), `layer-${oci.layers[0].descriptor.digest}`);
    assert.equal(ingestRef(oci.manifestDescriptor), `manifest-${oci.manifestDescriptor.digest}`);
    assert.equal(ingestRef(multi.indexDescriptor), `index-${multi.indexDescriptor.digest}`);
    assert.equal(ingestRef(oci.configDescriptor), `config-${oci.configDescriptor.digest}`);
  });
});
