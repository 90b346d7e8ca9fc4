import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Index } from '../../packages/containerd-client/src/oci/image-types';
import { MediaType } from '../../packages/containerd-client/src/oci/media-types';
import { readTar } from '../../packages/containerd-client/src/oci/tar';
import { assertLoopbackHost } from '../harness/push';
import { buildImage, DEFAULT_PATH, OciImage, sha256 } from '../harness/image-builder';
import { buildMultiPlatformIndex, ociLayoutTar, writeOciLayout } from '../harness/oci-layout';

function listLayer(gz: Buffer): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-test-'));
  try {
    const file = path.join(dir, 'layer.tar.gz');
    fs.writeFileSync(file, gz);
    return execFileSync('tar', ['--numeric-owner', '-tzvf', file], { encoding: 'utf8' }).trim().split('\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function blob(image: { blobs: Map<string, Buffer> }, digest: string): Buffer {
  const b = image.blobs.get(digest);
  assert.ok(b, `blob ${digest} present`);
  return b;
}

function checkConsistent(image: OciImage): void {
  for (const [digest, data] of image.blobs) assert.equal(sha256(data), digest);
  const manifestBytes = blob(image, image.manifestDescriptor.digest);
  assert.equal(image.manifestDescriptor.size, manifestBytes.length);
  assert.deepEqual(JSON.parse(manifestBytes.toString()), image.manifest);
  const configBytes = blob(image, image.manifest.config.digest);
  assert.equal(image.manifest.config.size, configBytes.length);
  assert.deepEqual(JSON.parse(configBytes.toString()), image.config);
  assert.equal(image.config.rootfs.diff_ids.length, image.manifest.layers.length);
  image.manifest.layers.forEach((layer, i) => {
    const gz = blob(image, layer.digest);
    assert.equal(layer.size, gz.length);
    const tar = zlib.gunzipSync(gz);
    assert.equal(sha256(tar), image.config.rootfs.diff_ids[i]);
    assert.equal(image.layers[i].uncompressedSize, tar.length);
  });
}

describe('test image builder', () => {
  it('builds a consistent busybox image: digests, sizes and diff_ids match contents', () => {
    const image = buildImage();
    checkConsistent(image);
    assert.equal(image.manifest.mediaType, MediaType.ociManifest);
    assert.equal(image.manifest.layers[0].mediaType, MediaType.ociLayerGzip);
    assert.equal(image.configDescriptor.mediaType, MediaType.ociConfig);
    assert.deepEqual(image.config.config?.Env, [DEFAULT_PATH]);
    assert.deepEqual(image.config.config?.Cmd, ['/bin/sh']);
    assert.equal(image.config.os, 'linux');
    assert.equal(image.config.history?.length, 1);
  });

  it('lays out the base layer as GNU tar sees it', async () => {
    const image = buildImage();
    const listing = listLayer(blob(image, image.manifest.layers[0].digest));
    const line = (name: string): string => listing.find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `)) ?? `missing ${name}`;
    assert.match(line('bin/busybox'), /^-rwxr-xr-x 0\/0 +\d{6,} /);
    assert.match(line('bin/sh'), /^lrwxrwxrwx 0\/0 .* bin\/sh -> busybox$/);
    assert.match(line('bin/whoami'), / -> busybox$/);
    assert.match(line('tmp/'), /^drwxrwxrwt /);
    assert.match(line('home/app/'), /^drwxr-xr-x 1000\/1000 /);
    assert.match(line('root/'), /^drwx------ 0\/0 /);
    const gz = blob(image, image.manifest.layers[0].digest);
    const files = new Map<string, string>();
    for await (const e of readTar(zlib.gunzipSync(gz))) if (e.name.startsWith('etc/')) files.set(e.name, (await e.buffer()).toString());
    assert.match(files.get('etc/passwd') ?? '', /^app:x:1000:1000:app:\/home\/app:\/bin\/sh$/m);
    assert.match(files.get('etc/passwd') ?? '', /^nobody:x:65534:65534:/m);
    assert.match(files.get('etc/group') ?? '', /^app:x:1000:$/m);
  });

  it('uses hardlinks when asked', () => {
    const image = buildImage({ links: 'hardlink' });
    const listing = listLayer(blob(image, image.manifest.layers[0].digest));
    assert.ok(listing.some((l) => /^hrwxr-xr-x .* bin\/sh link to bin\/busybox$/.test(l)), listing.join('\n'));
  });

  it('adds layers with files, whiteouts and opaque dirs, and the config asked for', () => {
    const image = buildImage({
      layers: [
        { files: { '/app/config.json': { content: '{}', mode: 0o600, uid: 1000, gid: 1000 }, '/etc/motd': 'hi\n' } },
        { deletes: ['/etc/motd'], opaque: ['/app'], files: { '/app/new.txt': 'new' }, symlinks: { '/app/link': 'new.txt' }, dirs: { '/data': { mode: 0o700 } } },
      ],
      env: ['FOO=bar'], entrypoint: ['/bin/sh', '-c'], cmd: ['echo hi'], workingDir: '/app', user: 'app',
      labels: { a: 'b' }, exposedPorts: ['80/tcp'], volumes: ['/data'], stopSignal: 'SIGINT',
    });
    checkConsistent(image);
    assert.equal(image.manifest.layers.length, 3);
    const first = listLayer(blob(image, image.manifest.layers[1].digest));
    assert.ok(first.some((l) => /^drwxr-xr-x 0\/0 .* app\/$/.test(l)), 'implicit parent dir');
    assert.ok(first.some((l) => /^-rw------- 1000\/1000 +2 .* app\/config\.json$/.test(l)));
    const second = listLayer(blob(image, image.manifest.layers[2].digest));
    assert.ok(second.some((l) => l.endsWith(' etc/.wh.motd')));
    assert.ok(second.some((l) => l.endsWith(' app/.wh..wh..opq')));
    assert.ok(second.some((l) => / app\/link -> new\.txt$/.test(l)));
    assert.ok(second.some((l) => /^drwx------ .* data\/$/.test(l)));
    const c = image.config.config;
    assert.deepEqual(c?.Env, [DEFAULT_PATH, 'FOO=bar']);
    assert.deepEqual([c?.Entrypoint, c?.Cmd, c?.WorkingDir, c?.User, c?.StopSignal], [['/bin/sh', '-c'], ['echo hi'], '/app', 'app', 'SIGINT']);
    assert.deepEqual([c?.Labels, c?.ExposedPorts, c?.Volumes], [{ a: 'b' }, { '80/tcp': {} }, { '/data': {} }]);
  });

  it('is reproducible and supports Docker media types', () => {
    assert.equal(buildImage({ cmd: ['x'] }).manifestDescriptor.digest, buildImage({ cmd: ['x'] }).manifestDescriptor.digest);
    const image = buildImage({ docker: true });
    checkConsistent(image);
    assert.equal(image.manifest.mediaType, MediaType.dockerManifest);
    assert.equal(image.manifestDescriptor.mediaType, MediaType.dockerManifest);
    assert.equal(image.manifest.config.mediaType, MediaType.dockerConfig);
    assert.equal(image.manifest.layers[0].mediaType, MediaType.dockerLayerGzip);
  });

  it('adds incompressible layers for benchmarks', () => {
    const image = buildImage({ base: false, incompressibleLayers: { count: 2, bytesEach: 200_000 } });
    checkConsistent(image);
    assert.equal(image.manifest.layers.length, 2);
    for (const l of image.manifest.layers) assert.ok(l.size > 200_000, `layer of ${l.size} bytes`);
    assert.notEqual(image.manifest.layers[0].digest, image.manifest.layers[1].digest);
  });

  it('builds multi-platform indexes and OCI layouts', () => {
    const amd = buildImage({ platform: { architecture: 'amd64' } });
    const arm = buildImage({ platform: { architecture: 'arm64', variant: 'v8' } });
    const idx = buildMultiPlatformIndex([
      { platform: { os: 'linux', architecture: 'amd64' }, image: amd },
      { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, image: arm },
    ]);
    assert.equal(idx.index.mediaType, MediaType.ociIndex);
    assert.deepEqual(idx.index.manifests.map((m) => m.platform?.architecture), ['amd64', 'arm64']);
    assert.equal(sha256(blob(idx, idx.indexDescriptor.digest)), idx.indexDescriptor.digest);
    for (const d of [...amd.blobs.keys(), ...arm.blobs.keys()]) assert.ok(idx.blobs.has(d));
    assert.equal(buildMultiPlatformIndex([{ platform: { os: 'linux', architecture: 'amd64' }, image: amd }], { docker: true }).index.mediaType, MediaType.dockerManifestList);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layout-test-'));
    try {
      writeOciLayout(dir, [{ item: idx, refName: 'test/multi:1' }, { item: amd }]);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
      const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as Index;
      assert.equal(index.manifests[0].digest, idx.indexDescriptor.digest);
      assert.deepEqual(index.manifests[0].annotations, { 'io.containerd.image.name': 'test/multi:1', 'org.opencontainers.image.ref.name': '1' });
      assert.equal(index.manifests[1].annotations, undefined);
      for (const [digest, data] of idx.blobs) {
        assert.deepEqual(fs.readFileSync(path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length))), data);
      }
      const tarFile = path.join(dir, 'layout.tar');
      fs.writeFileSync(tarFile, ociLayoutTar(amd, 'test/amd:1'));
      const names = execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8' }).trim().split('\n');
      assert.deepEqual(names.slice(0, 4), ['blobs/', 'blobs/sha256/', 'oci-layout', 'index.json']);
      assert.equal(names.length, 4 + amd.blobs.size);
      assert.throws(() => writeOciLayout(dir, [amd, arm], 'x:1'), /one refName for several images/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to push anywhere but loopback', () => {
    for (const ok of ['127.0.0.1:5000', 'localhost:5000', '[::1]:5000', '127.1.2.3']) assertLoopbackHost(ok);
    for (const bad of ['example.com:5000', '10.0.0.1:5000', '127.0.0.1.example.com', 'docker.io']) {
      assert.throws(() => assertLoopbackHost(bad), /non-loopback/);
    }
  });
});
