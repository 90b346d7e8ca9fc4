// Tag, remove, export and import through our own content/image code: an export/import round trip (checked
// against ctr too), `docker save` archives (plain and gzipped), OCI layout tars, and broken archives.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { exportImages } from '../../packages/containerd-client/src/images/archive-export';
import { importArchive } from '../../packages/containerd-client/src/images/archive-import';
import { removeImage, tagImage } from '../../packages/containerd-client/src/images/manage';
import { chainIds } from '../../packages/containerd-client/src/digest';
import { InvalidArgumentError } from '../../packages/containerd-client/src/errors';
import type { Index } from '../../packages/containerd-client/src/oci/image-types';
import { MediaType } from '../../packages/containerd-client/src/oci/media-types';
import { createTar, readTar, type TarInput } from '../../packages/containerd-client/src/oci/tar';
import { pull } from '../../packages/containerd-client/src/pull';
import {
  buildImage, buildMultiPlatformIndex, ociLayoutTar, pushImage, sha256, sharedRegistry, writeOciLayoutTar, type OciImage, type Registry,
} from '../harness';
import { clientEnv, teardown, type ClientEnv } from '../harness/client-setup';
import { assertNothingLeft, runInImage, storeState } from '../harness/pull-setup';

/** What `docker save` writes: <config>.json, <id>/layer.tar (uncompressed), manifest.json, repositories. */
function dockerArchive(img: OciImage, tags: string[]): Buffer {
  const configName = `${img.configDescriptor.digest.slice(7)}.json`;
  const entries: TarInput[] = [{ name: configName, content: img.blobs.get(img.configDescriptor.digest) }];
  const layers = img.layers.map((l, i) => {
    const id = sha256(`layer ${i} ${l.diffId}`).slice(7);
    entries.push({ name: `${id}/`, type: 'directory' }, { name: `${id}/VERSION`, content: '1.0' },
      { name: `${id}/layer.tar`, content: zlib.gunzipSync(img.blobs.get(l.descriptor.digest) as Buffer) });
    return `${id}/layer.tar`;
  });
  entries.push({ name: 'manifest.json', content: JSON.stringify([{ Config: configName, RepoTags: tags, Layers: layers }]) },
    { name: 'repositories', content: '{}' });
  return createTar(entries);
}

async function tarFiles(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const e of readTar(fs.readFileSync(file))) if (e.type === 'file') out.set(e.name, await e.buffer());
  return out;
}

describe('tag, remove, export and import (integration)', function () {
  this.timeout(120_000);
  let env: ClientEnv;
  let registry: Registry;
  let dir: string;
  const img = buildImage({ env: ['WHO=exported'], layers: [{ files: { '/round.txt': 'trip\n' } }] });
  const amd64 = buildImage({ platform: { architecture: 'amd64', os: 'linux' }, layers: [{ files: { '/arch': 'amd64\n' } }] });
  const arm64 = buildImage({ platform: { architecture: 'arm64', os: 'linux' }, base: false, layers: [{ files: { '/arch': 'arm64\n' } }] });
  const multi = buildMultiPlatformIndex([{ platform: { os: 'linux', architecture: 'amd64' }, image: amd64 }, { platform: { os: 'linux', architecture: 'arm64' }, image: arm64 }]);
  const name = (): string => `${registry.host}/xfer/img:v1`;

  before(async () => {
    registry = await sharedRegistry();
    env = await clientEnv('xfer');
    dir = fs.mkdtempSync(path.join(env.daemon.dir, 'xfer-'));
    await pushImage(registry.host, 'xfer/img', 'v1', img);
    await pushImage(registry.host, 'xfer/multi', 'v1', multi);
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await teardown(env);
  });

  it('tags an image: a second record, same target; removing one keeps the content', async () => {
    const pulled = await pull(env.client, name());
    const tagged = await tagImage(env.client, pulled.name, 'example.com/xfer/tagged:1');
    assert.deepEqual(tagged.target, pulled.target);
    await removeImage(env.client, tagged.name);
    assert.ok((await env.client.content.info(img.layers[1].descriptor.digest)).size > 0);
  });

  it('exports an OCI layout tar that names the image, and ctr imports it', async () => {
    const file = path.join(dir, 'img.tar');
    const phases: string[] = [];
    await exportImages(env.client, [name()], file, { onProgress: (p) => { if (phases[phases.length - 1] !== p.phase) phases.push(p.phase); } });
    assert.deepEqual(phases, ['writing', 'done']);
    const files = await tarFiles(file);
    assert.deepEqual(JSON.parse(files.get('oci-layout')?.toString() ?? ''), { imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(files.get('index.json')?.toString() ?? '') as Index;
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0].digest, img.manifestDescriptor.digest);
    assert.deepEqual(index.manifests[0].annotations, { 'io.containerd.image.name': name(), 'org.opencontainers.image.ref.name': 'v1' });
    for (const [digest, bytes] of img.blobs) assert.deepEqual(files.get(`blobs/sha256/${digest.slice(7)}`), bytes, digest);
    const docker = JSON.parse(files.get('manifest.json')?.toString() ?? '') as Array<{ RepoTags: string[]; Layers: string[] }>;
    assert.deepEqual(docker[0].RepoTags, [`${registry.host}/xfer/img:v1`]);
    assert.equal(docker[0].Layers.length, img.layers.length);
    assert.equal(fs.readdirSync(dir).filter((f) => f.includes('.partial')).length, 0);

    const r = await env.daemon.ctr(['images', 'import', file], { namespace: `${env.namespace}-ctr` });
    assert.equal(r.code, 0, r.stderr);
    const check = await env.daemon.ctr(['images', 'check'], { namespace: `${env.namespace}-ctr` });
    assert.match(check.stdout, new RegExp(`${name()}.*complete`));
  });

  it('removes the image: content and snapshots only it used are collected', async () => {
    await removeImage(env.client, name());
    const state = await storeState(env.client);
    assert.ok(!state.images.includes(name()));
    for (const d of img.blobs.keys()) assert.ok(!state.content.includes(d), `${d} was collected`);
    const top = chainIds(img.config.rootfs.diff_ids).pop() as string;
    assert.ok(!state.snapshots.includes(top));
  });

  it('imports the exported tar back: same image, unpacked, runs', async () => {
    const images = await importArchive(env.client, path.join(dir, 'img.tar'));
    assert.deepEqual(images.map((i) => [i.name, i.target.digest]), [[name(), img.manifestDescriptor.digest]]);
    assert.equal(await runInImage(env, images[0], img, 'cat /round.txt; echo $WHO'), 'trip\nexported\n');
    assert.deepEqual((await storeState(env.client)).leases, []);
  });

  it('exports a multi-platform image whole when every platform is present, else the host\'s manifest', async () => {
    const ref = `${registry.host}/xfer/multi:v1`;
    await pull(env.client, ref);
    const partial = path.join(dir, 'multi-host.tar');
    await exportImages(env.client, [ref], partial);
    let index = JSON.parse((await tarFiles(partial)).get('index.json')?.toString() ?? '') as Index;
    assert.equal(index.manifests[0].digest, amd64.manifestDescriptor.digest);
    await pull(env.client, ref, { platform: 'all' });
    const whole = path.join(dir, 'multi-all.tar');
    await exportImages(env.client, [ref], whole);
    const files = await tarFiles(whole);
    index = JSON.parse(files.get('index.json')?.toString() ?? '') as Index;
    assert.equal(index.manifests[0].digest, multi.indexDescriptor.digest);
    assert.ok(files.has(`blobs/sha256/${arm64.layers[0].descriptor.digest.slice(7)}`));
  });

  for (const gzip of [false, true]) {
    it(`imports a docker save archive${gzip ? ' (gzipped)' : ''}: schema 2 manifest built from manifest.json, one record per tag`, async () => {
      const file = path.join(dir, `docker${gzip ? '.tar.gz' : '.tar'}`);
      const tar = dockerArchive(img, ['dockerarchive:v1', 'example.com/team/dockerarchive:latest']);
      fs.writeFileSync(file, gzip ? zlib.gzipSync(tar) : tar);
      const images = await importArchive(env.client, file);
      assert.deepEqual(images.map((i) => i.name), ['docker.io/library/dockerarchive:v1', 'example.com/team/dockerarchive:latest']);
      assert.equal(images[0].target.mediaType, MediaType.dockerManifest);
      assert.deepEqual(images[0].target, images[1].target);
      const manifest = JSON.parse((await env.client.content.readAll(images[0].target.digest)).toString());
      assert.equal(manifest.config.digest, img.configDescriptor.digest);
      assert.deepEqual(manifest.layers.map((l: { mediaType: string }) => l.mediaType), img.layers.map(() => 'application/vnd.docker.image.rootfs.diff.tar'));
      assert.equal(await runInImage(env, images[0], img, 'cat /round.txt'), 'trip\n');
      const check = await env.daemon.ctr(['images', 'check'], { namespace: env.namespace });
      assert.match(check.stdout, /docker\.io\/library\/dockerarchive:v1 .*complete/);
    });
  }

  it('imports an OCI layout tar named by io.containerd.image.name', async () => {
    const file = path.join(dir, 'layout.tar');
    writeOciLayoutTar(file, img, 'example.org/layout/img:2');
    const images = await importArchive(env.client, file);
    assert.deepEqual(images.map((i) => i.name), ['example.org/layout/img:2']);
  });

  it('refuses what is not an image archive, or one with a missing blob, leaving nothing', async () => {
    const before = await storeState(env.client);
    const junk = path.join(dir, 'junk.tar');
    fs.writeFileSync(junk, 'this is not a tar archive at all'.repeat(40));
    await assert.rejects(importArchive(env.client, junk), (e: unknown) => e instanceof InvalidArgumentError && /junk\.tar is not a readable image archive/.test(e.message));
    const noIndex = path.join(dir, 'noindex.tar');
    fs.writeFileSync(noIndex, createTar([{ name: 'hello.txt', content: 'hi' }]));
    await assert.rejects(importArchive(env.client, noIndex), /not an image archive: it has neither an OCI index.json nor a Docker manifest.json/);
    const other = buildImage({ layers: [{ files: { '/missing': 'x' } }] });
    const missing = path.join(dir, 'missing.tar');
    const layer = other.layers[1].descriptor.digest;
    const entries: TarInput[] = [];
    for await (const e of readTar(ociLayoutTar(other, 'example.org/missing:1'))) if (e.type === 'file' && !e.name.endsWith(layer.slice(7))) entries.push({ name: e.name, content: await e.buffer() });
    fs.writeFileSync(missing, createTar(entries));
    await assert.rejects(importArchive(env.client, missing), new RegExp(`the archive is missing blob ${layer}`));
    await assertNothingLeft(env.client, before);
  });
});
