// Interrupted pulls: a registry that drops the connection mid-blob (then a retry resumes from the ingest's
// offset), a cancel in the middle (downloads and unpack overlapping), and a content store that runs out of
// space (a private containerd whose content directory is a 4 MiB tmpfs).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, type ContainerdClient } from '../../packages/containerd-client/src';
import { CancelledError } from '../../packages/containerd-client/src/errors';
import { ingestRef, pull, type PullProgress } from '../../packages/containerd-client/src/pull';
import { RegistryUnreachableError } from '../../packages/containerd-client/src/registry';
import { buildImage, pushImage, sharedRegistry, startContainerd, type Daemon, type Registry } from '../harness';
import { startFaultyRegistry, type FaultyRegistry } from '../harness/faulty-registry';
import { clientEnv, eventually, teardown, type ClientEnv } from '../harness/client-setup';
import { assertNothingLeft, storeState } from '../harness/pull-setup';

describe('interrupted pulls (integration)', function () {
  this.timeout(120_000);
  let env: ClientEnv;
  let registry: Registry;
  let faulty: FaultyRegistry;
  // Three layers below a 3 MB incompressible top layer.
  const image = buildImage({
    layers: [{ files: { '/a.txt': 'a\n' } }, { files: { '/b.txt': 'b\n' } }],
    incompressibleLayers: { count: 1, bytesEach: 3_000_000 },
  });
  const top = image.layers[image.layers.length - 1].descriptor;

  before(async () => {
    registry = await sharedRegistry();
    faulty = await startFaultyRegistry(registry.url);
    await pushImage(registry.host, 'interrupt/img', 'v1', image);
  });
  beforeEach(async () => { env = await clientEnv('pullint'); });
  afterEach(async () => {
    faulty.reset();
    await teardown(env);
  });
  after(() => faulty?.stop());

  it('resumes a layer from the ingest a dropped connection left behind', async () => {
    const before = await storeState(env.client);
    faulty.dropBlob(top.digest, 1_200_000, 1000);
    await assert.rejects(pull(env.client, `${faulty.host}/interrupt/img:v1`, { registryOptions: { retries: 1, retryDelayMs: 10 } }), (e: unknown) =>
      e instanceof RegistryUnreachableError && e.host === faulty.host && /connection reset|premature close|ECONNRESET|aborted/.test(e.message));
    await assertNothingLeft(env.client, before);
    const partial = await env.client.content.status(ingestRef(top));
    assert.ok(partial.offset > 0 && partial.offset < top.size, `partial ingest at ${partial.offset} of ${top.size}`);

    faulty.reset();
    let last: PullProgress | undefined;
    const img = await pull(env.client, `${faulty.host}/interrupt/img:v1`, { onProgress: (p) => { last = p; } });
    assert.equal(img.target.digest, image.manifestDescriptor.digest);
    assert.ok(last);
    const topProgress = last.blobs.find((b) => b.digest === top.digest);
    assert.equal(topProgress?.resumedFrom, partial.offset);
    assert.ok(faulty.requests.some((r) => r.path.endsWith(top.digest) && r.range === `bytes=${partial.offset}-`), 'the retry asked for the rest only');
    assert.ok(last.downloadedBytes <= last.totalBytes - partial.offset, `the retry downloaded ${last.downloadedBytes} bytes, less than ${last.totalBytes}`);
    assert.deepEqual((await storeState(env.client)).ingests, []);
  });

  it('cancels in the middle: downloads stop, lower layers were unpacked meanwhile, only the partial ingest stays', async () => {
    const before = await storeState(env.client);
    faulty.stallBlob(top.digest, 1_000_000);
    const ac = new AbortController();
    let last: PullProgress | undefined;
    const pulling = pull(env.client, `${faulty.host}/interrupt/img:v1`, { signal: ac.signal, progressIntervalMs: 0, onProgress: (p) => { last = p; } });
    pulling.catch(() => undefined);
    // Downloads and unpack overlap: the layers below are unpacked while the top one is still coming.
    await eventually('lower layers unpacked while the top layer downloads', () => {
      const b = last?.blobs;
      return !!b && b.length === image.layers.length && b.slice(0, -1).every((x) => x.unpack === 'done') && b[b.length - 1].state === 'downloading' && b[b.length - 1].offset > 0;
    });
    ac.abort();
    await assert.rejects(pulling, (e: unknown) => e instanceof CancelledError && e.message === `pull of ${faulty.host}/interrupt/img:v1 cancelled`);
    await assertNothingLeft(env.client, before);
    const state = await storeState(env.client);
    assert.deepEqual(state.ingests.map((i) => i.ref), [ingestRef(top)], 'only the interrupted layer\'s ingest stays');
    assert.ok(state.ingests[0].offset > 0);

    faulty.reset();
    let again: PullProgress | undefined;
    await pull(env.client, `${faulty.host}/interrupt/img:v1`, { onProgress: (p) => { again = p; } });
    assert.equal(again?.blobs.find((b) => b.digest === top.digest)?.resumedFrom, state.ingests[0].offset);
  });
});

describe('pull into a full content store (integration)', function () {
  this.timeout(120_000);
  let daemon: Daemon;
  let client: ContainerdClient;
  let registry: Registry;
  const big = buildImage({ layers: [{ files: { '/x': 'x' } }], incompressibleLayers: { count: 1, bytesEach: 6_000_000 } });

  before(async () => {
    registry = await sharedRegistry();
    await pushImage(registry.host, 'diskfull/img', 'v1', big);
    daemon = await startContainerd({ name: 'diskfull' });
    // The content store's directory becomes a 4 MiB tmpfs: its writes hit a real ENOSPC. (Mounted after start;
    // containerd opens these paths per write, and the daemon's stop() unmounts everything under its dir.)
    const contentDir = path.join(daemon.root, 'io.containerd.content.v1.content');
    // containerd 2.x creates it on first write, 1.6 at start.
    fs.mkdirSync(contentDir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0711', 'tmpfs', contentDir]);
    fs.mkdirSync(path.join(contentDir, 'ingest'), { recursive: true });
    fs.mkdirSync(path.join(contentDir, 'blobs', 'sha256'), { recursive: true });
    client = await connect({ address: daemon.address, namespace: 'full' });
  });
  after(async () => {
    client?.close();
    await daemon?.stop();
  });

  it('fails with containerd\'s "no space left on device" and leaves nothing half-made', async () => {
    const before = await storeState(client);
    await assert.rejects(pull(client, `${registry.host}/diskfull/img:v1`), (e: unknown) => {
      assert.match((e as Error).message, /no space left on device/);
      assert.match((e as Error).message, /content store is full/);
      return true;
    });
    await assertNothingLeft(client, before);
  });
});
