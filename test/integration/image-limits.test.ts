// Hostile images and archives on a real containerd: decompression bombs (a small .tar.gz whose index.json, PAX
// header or /etc/passwd inflates to 256 MiB; an oversized manifest) are refused with TooLargeError before being
// buffered, and leave nothing behind; zstd layers work for Create Container on this Node.js (20: no zlib zstd).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { importArchive } from '../../packages/containerd-client/src/images/archive-import';
import { writeBuffer } from '../../packages/containerd-client/src/images/blobs';
import { importImage, importOciLayout, mapSource } from '../../packages/containerd-client/src/images/import';
import { resolveImage } from '../../packages/containerd-client/src/images/resolve';
import { TooLargeError } from '../../packages/containerd-client/src/limits';
import type { Descriptor, Manifest } from '../../packages/containerd-client/src/oci/image-types';
import { MediaType } from '../../packages/containerd-client/src/oci/media-types';
import { createTar, encodeTarHeader, TAR_END } from '../../packages/containerd-client/src/oci/tar';
import { readUserFiles } from '../../packages/containerd-client/src/run';
import { buildImage, GROUP, PASSWD, sha256, writeOciLayout, type OciImage } from '../harness';
import { clientEnv, teardown, uniqueId, type ClientEnv } from '../harness/client-setup';
import { assertNothingLeft, storeState } from '../harness/pull-setup';
import { create } from '../harness/run-setup';

const BOMB = 256 << 20;
const MIB = Buffer.alloc(1 << 20);

/** A tar entry `name` holding `size` zero bytes, produced lazily (the test never holds them). */
function* zeroEntry(header: Buffer, size: number): Generator<Buffer> {
  yield header;
  for (let left = size; left > 0; left -= MIB.length) yield left >= MIB.length ? MIB : MIB.subarray(0, left);
}

/** A header block of PAX type announcing `size` bytes of records. */
function paxHeader(size: number): Buffer {
  const b = encodeTarHeader({ name: 'PaxHeaders/index.json' }, size);
  b.write('x', 156, 'latin1');
  b.fill(0x20, 148, 156);
  b.write(`${b.reduce((n, v) => n + v, 0).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(p);
  return Buffer.concat(parts);
}

const gzip = (parts: Iterable<Buffer>): Promise<Buffer> => collect(Readable.from(parts).pipe(zlib.createGzip({ level: 1 })));

/** zstd's own tool, fed as a stream. */
function zstd(parts: Iterable<Buffer>): Promise<Buffer> {
  const child = spawn('zstd', ['-q', '-c', '-1'], { stdio: ['pipe', 'pipe', 'inherit'] });
  Readable.from(parts).pipe(child.stdin);
  return collect(child.stdout);
}

/** The image with every layer recompressed with zstd (what `nerdctl image convert --zstd` makes). */
function zstdImage(img: OciImage): OciImage {
  const blobs = new Map(img.blobs);
  const layers = img.layers.map((l) => {
    const gz = img.blobs.get(l.descriptor.digest) as Buffer;
    blobs.delete(l.descriptor.digest);
    const zst = execFileSync('zstd', ['-q', '-c', '-3'], { input: zlib.gunzipSync(gz), maxBuffer: 64 << 20 });
    const descriptor: Descriptor = { mediaType: MediaType.ociLayerZstd, digest: sha256(zst), size: zst.length };
    blobs.set(descriptor.digest, zst);
    return { ...l, descriptor };
  });
  blobs.delete(img.manifestDescriptor.digest);
  const manifest: Manifest = { ...img.manifest, layers: layers.map((l) => l.descriptor) };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const manifestDescriptor: Descriptor = { mediaType: MediaType.ociManifest, digest: sha256(bytes), size: bytes.length };
  blobs.set(manifestDescriptor.digest, bytes);
  return { ...img, manifest, manifestDescriptor, layers, blobs };
}

/** Runs `work`, which must fail with TooLargeError matching `message`, while rss grows by well under the bomb. */
async function refusedWithinMemory(work: () => Promise<unknown>, message: RegExp): Promise<void> {
  const rss = process.memoryUsage().rss;
  await assert.rejects(work(), (e: unknown) => {
    assert.ok(e instanceof TooLargeError, `expected TooLargeError, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
  const grown = process.memoryUsage().rss - rss;
  assert.ok(grown < BOMB / 4, `rss grew by ${(grown / 2 ** 20).toFixed(0)} MiB`);
}

describe('resource limits: decompression bombs and zstd layers (integration)', function () {
  this.timeout(120_000);
  let env: ClientEnv;
  let dir: string;

  before(async () => {
    env = await clientEnv('limits');
    dir = fs.mkdtempSync(path.join(env.daemon.dir, 'limits-'));
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await teardown(env);
  });

  /** Imports `archive` expecting the refusal; then the store is as it was: no image, lease, ingest or blob. */
  async function refusedImport(name: string, archive: Buffer, message: RegExp): Promise<void> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, archive);
    const before = await storeState(env.client);
    await refusedWithinMemory(() => importArchive(env.client, file), message);
    const after = await assertNothingLeft(env.client, before);
    assert.deepEqual(after.ingests, before.ingests, 'no ingest is left');
    assert.deepEqual(after.content, before.content, 'no blob is left');
  }

  it('refuses a small .tar.gz whose index.json inflates to 256 MiB', async () => {
    const archive = await gzip([createTar([{ name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' }]).subarray(0, -1024),
      ...zeroEntry(encodeTarHeader({ name: 'index.json' }, BOMB), BOMB), TAR_END]);
    assert.ok(archive.length < 2 << 20, `the bomb is ${archive.length} bytes`);
    await refusedImport('index-bomb.tar.gz', archive, /^index\.json in the archive is 256 MiB, over the 4 MiB limit/);
  });

  it('refuses an archive whose PAX header inflates to 256 MiB', async () => {
    const archive = await gzip([...zeroEntry(paxHeader(BOMB), BOMB), TAR_END]);
    await refusedImport('pax-bomb.tar.gz', archive, /^tar PAX header is 256 MiB, over the 1 MiB limit/);
  });

  it('refuses an OCI layout whose manifest is over the registry cap of 4 MiB', async () => {
    const manifest = Buffer.from(`{"schemaVersion":2,"padding":"${'a'.repeat(5 << 20)}"}`);
    const digest = sha256(manifest);
    const index = { schemaVersion: 2, manifests: [{ mediaType: MediaType.ociManifest, digest, size: manifest.length }] };
    const archive = createTar([
      { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
      { name: 'index.json', content: JSON.stringify(index) },
      { name: `blobs/sha256/${digest.slice(7)}`, content: manifest },
    ]);
    await refusedImport('big-manifest.tar', archive, new RegExp(`^manifest ${digest} in the archive is 5 MiB, over the 4 MiB limit`));
  });

  it('imports an OCI layout directory streaming its layers, and refuses a 1 GiB index.json there', async () => {
    const layout = path.join(dir, 'layout');
    const img = buildImage({ layers: [{ files: { '/layout.txt': 'dir\n' } }] });
    writeOciLayout(layout, img, 'v1');
    const images = await importOciLayout(env.client, layout, 'test.local/limits/layout:1');
    assert.equal(images[0].target.digest, img.manifestDescriptor.digest);
    assert.ok((await env.client.content.info(img.layers[1].descriptor.digest)).size > 0);
    // A sparse file: no disk used, but readFile would take the whole gigabyte.
    fs.truncateSync(path.join(layout, 'index.json'), 1 << 30);
    const before = await storeState(env.client);
    await refusedWithinMemory(() => importOciLayout(env.client, layout, 'test.local/limits/layout:2'), /index\.json is 1\.0 GiB, over the 4 MiB limit/);
    await assertNothingLeft(env.client, before);
  });

  it('refuses a manifest in the content store over 4 MiB before parsing it', async () => {
    const manifest = Buffer.from(`{"schemaVersion":2,"padding":"${'b'.repeat(5 << 20)}"}`);
    const desc: Descriptor = { mediaType: MediaType.ociManifest, digest: sha256(manifest), size: manifest.length };
    await env.client.withTemporaryLease(async (leased) => {
      await writeBuffer(leased, desc, manifest);
      await assert.rejects(resolveImage(leased, desc), (e: unknown) => e instanceof TooLargeError && new RegExp(`^manifest ${desc.digest} is 5 MiB, over the 4 MiB limit`).test(e.message));
    });
  });

  for (const compression of ['gzip', 'zstd'] as const) {
    it(`refuses a ${compression} layer whose /etc/passwd inflates to 256 MiB when resolving users`, async () => {
      const tar = [...zeroEntry(encodeTarHeader({ name: 'etc/passwd' }, BOMB), BOMB), TAR_END];
      const blob = compression === 'gzip' ? await gzip(tar) : await zstd(tar);
      assert.ok(blob.length < 2 << 20, `the layer is ${blob.length} bytes`);
      const layer: Descriptor = { mediaType: compression === 'gzip' ? MediaType.ociLayerGzip : MediaType.ociLayerZstd, digest: sha256(blob), size: blob.length };
      const manifest: Manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: layer, layers: [layer] };
      await env.client.withTemporaryLease(async (leased) => {
        await writeBuffer(leased, layer, blob);
        await refusedWithinMemory(() => readUserFiles(leased, manifest), new RegExp(`^/etc/passwd in layer ${layer.digest} is 256 MiB, over the 16 MiB limit`));
      });
    });
  }

  it('creates a container from an image with zstd layers, resolving its USER from them', async () => {
    const img = zstdImage(buildImage({ user: 'app', cmd: ['sleep', '1000'], layers: [{ files: { '/etc/motd': 'zstd\n' } }] }));
    assert.ok(img.manifest.layers.every((l) => l.mediaType === MediaType.ociLayerZstd));
    const name = 'test.local/limits/zstd:1';
    await importImage(env.client, mapSource(img.blobs), img.manifestDescriptor, name);
    assert.deepEqual(await readUserFiles(env.client, img.manifest), { passwd: PASSWD, group: GROUP });
    const created = await create(env, { id: uniqueId('zstd'), image: name });
    assert.deepEqual(created.spec.process?.user, { uid: 1000, gid: 1000, additionalGids: [1000] });
  });
});
