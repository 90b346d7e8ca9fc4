// Image import through our own client (content writes, image record, unpack via snapshots/diff), checked against
// what containerd stores and against what ctr, containerd's own client, makes of it.
import * as assert from 'node:assert/strict';
import { AlreadyExistsError, NotFoundError } from '../../packages/containerd-client/src/errors';
import { chainIds } from '../../packages/containerd-client/src/digest';
import { importImage, mapSource } from '../../packages/containerd-client/src/images/import';
import { resolveImage } from '../../packages/containerd-client/src/images/resolve';
import { isUnpacked } from '../../packages/containerd-client/src/images/unpack';
import { hostPlatform } from '../../packages/containerd-client/src';
import { buildImage, ctrRunFlags, isAlive, tail } from '../harness';
import { clientEnv, importTestImage, teardown, type ClientEnv, type ImportedImage } from '../harness/client-setup';

describe('client: images', function () {
  let env: ClientEnv;
  let image: ImportedImage;
  let chain: string[];

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('images');
    // Two layers, so the second snapshot has a parent.
    image = await importTestImage(env.client, 'test/busybox:two-layers', { layers: [{ files: { '/etc/motd': 'imported by our client\n' } }], cmd: ['cat', '/etc/motd'] });
    chain = chainIds(image.oci.config.rootfs.diff_ids);
  });

  after(async function () {
    this.timeout(60_000);
    await teardown(env);
  });

  it('creates the image record pointing at the manifest', async () => {
    assert.deepEqual(image.record.target, image.oci.manifestDescriptor);
    const got = await env.client.images.get('test/busybox:two-layers');
    assert.equal(got.name, 'test/busybox:two-layers');
    assert.deepEqual(got.target, image.oci.manifestDescriptor);
    assert.ok(got.createdAt instanceof Date);
    assert.deepEqual((await env.client.images.list()).map((i) => i.name), ['test/busybox:two-layers']);
    assert.deepEqual((await env.client.images.list(['name~=nothing-like-this'])), []);
  });

  it('writes every blob with the labels containerd\'s GC follows', async () => {
    const m = await env.client.content.info(image.oci.manifestDescriptor.digest);
    assert.equal(m.size, image.oci.manifestDescriptor.size);
    assert.deepEqual(m.labels, {
      'containerd.io/gc.ref.content.config': image.oci.configDescriptor.digest,
      'containerd.io/gc.ref.content.l.0': image.oci.layers[0].descriptor.digest,
      'containerd.io/gc.ref.content.l.1': image.oci.layers[1].descriptor.digest,
    });
    const cfg = await env.client.content.info(image.oci.configDescriptor.digest);
    assert.deepEqual(cfg.labels, { 'containerd.io/gc.ref.snapshot.overlayfs': chain[1] });
    for (const [i, layer] of image.oci.layers.entries()) {
      const info = await env.client.content.info(layer.descriptor.digest);
      assert.equal(info.size, layer.descriptor.size);
      assert.deepEqual(info.labels, { 'containerd.io/uncompressed': layer.diffId });
      assert.equal(layer.diffId, image.oci.config.rootfs.diff_ids[i]);
    }
    const all: string[] = [];
    for await (const info of env.client.content.list()) all.push(info.digest);
    assert.deepEqual(all.sort(), [...image.oci.blobs.keys()].sort());
  });

  it('commits one snapshot per layer, named by chain ID, each on its parent', async () => {
    const snaps = await env.client.snapshots.listAll();
    assert.deepEqual(snaps.map((s) => s.name).sort(), [...chain].sort());
    const byName = new Map(snaps.map((s) => [s.name, s]));
    assert.equal(byName.get(chain[0])?.parent, '');
    assert.equal(byName.get(chain[1])?.parent, chain[0]);
    assert.ok(snaps.every((s) => s.kind === 'committed'));
    assert.equal(await isUnpacked(env.client, image.oci.config), true);
  });

  it('resolveImage reads back the manifest and config for the host platform', async () => {
    const r = await resolveImage(env.client, image.record.target);
    assert.deepEqual(r.manifestDescriptor, image.oci.manifestDescriptor);
    assert.deepEqual(r.manifest, image.oci.manifest);
    assert.deepEqual(r.config, image.oci.config);
    assert.deepEqual(r.platforms, [{ os: 'linux', architecture: hostPlatform().architecture }]);
  });

  it('survives garbage collection: the labels hold content and snapshots without a lease', async () => {
    assert.deepEqual(await env.client.leases.list(), [], 'the import lease is gone');
    // A synchronous lease delete runs containerd's GC before it returns.
    const l = await env.client.leases.create();
    await env.client.leases.delete(l.id, { sync: true });
    for (const d of image.oci.blobs.keys()) await env.client.content.info(d);
    assert.equal((await env.client.snapshots.listAll()).length, 2);
  });

  it('is used as is by ctr: `ctr run` finds it unpacked and prints the file our unpack wrote', async () => {
    const r = await env.daemon.ctr(['run', '--rm', ...ctrRunFlags(env.daemon), 'test/busybox:two-layers', 'ctr-check'], { namespace: env.namespace });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'imported by our client\n');
    // Had our chain IDs differed from containerd's, ctr would have unpacked again under other names.
    assert.deepEqual((await env.client.snapshots.listAll()).map((s) => s.name).sort(), [...chain].sort());
  });

  it('imports without unpacking when asked, and isUnpacked says so', async () => {
    const other = buildImage({ layers: [{ files: { '/only-here': 'x' } }] });
    const rec = await importImage(env.client, mapSource(other.blobs), other.manifestDescriptor, 'test/not-unpacked:1', { unpack: false });
    assert.equal(rec.name, 'test/not-unpacked:1');
    assert.equal(await isUnpacked(env.client, other.config), false);
    // The shared busybox layer is unpacked already; the top one is not.
    const snaps = (await env.client.snapshots.listAll()).map((s) => s.name);
    assert.ok(!snaps.includes(chainIds(other.config.rootfs.diff_ids)[1]));
    await env.client.images.delete('test/not-unpacked:1', { sync: true });
  });

  it('updates labels and target; create of an existing name is AlreadyExistsError', async () => {
    const updated = await env.client.images.update('test/busybox:two-layers', { labels: { team: 'a', 'x.y/z': '1' } });
    assert.deepEqual(updated.labels, { team: 'a', 'x.y/z': '1' });
    assert.deepEqual(updated.target, image.oci.manifestDescriptor);
    assert.ok(updated.updatedAt && updated.createdAt && updated.updatedAt >= updated.createdAt);
    await assert.rejects(env.client.images.create({ name: 'test/busybox:two-layers', target: image.oci.manifestDescriptor }), (e: unknown) => {
      assert.ok(e instanceof AlreadyExistsError);
      assert.match(e.message, /^images\.create "test\/busybox:two-layers": image "test\/busybox:two-layers": already exists$/);
      return true;
    });
    const copy = await env.client.images.create({ name: 'test/copy:1', target: image.oci.manifestDescriptor, labels: { copy: 'yes' } });
    assert.deepEqual(copy.labels, { copy: 'yes' });
    await env.client.images.delete('test/copy:1');
  });

  it('a labels-only update keeps the target and the daemon (containerd 2.x dies on an image sent without target)', async () => {
    const pid = env.daemon.pid;
    await env.client.images.create({ name: 'test/relabel:1', target: image.oci.manifestDescriptor, labels: { keep: 'no' } });
    const relabelled = await env.client.images.update('test/relabel:1', { labels: { only: 'this' } });
    assert.deepEqual(relabelled.labels, { only: 'this' });
    assert.deepEqual(relabelled.target, image.oci.manifestDescriptor);
    // Nothing asked is nothing changed (an empty field mask would mean "replace everything" to containerd).
    const same = await env.client.images.update('test/relabel:1', {});
    assert.deepEqual([same.labels, same.target], [{ only: 'this' }, image.oci.manifestDescriptor]);
    assert.ok(isAlive(pid), `containerd ${env.daemon.serverVersion} (pid ${pid}) died on images.update:\n${tail(env.daemon.log())}`);
    assert.equal(env.daemon.pid, pid);
    await env.client.images.delete('test/relabel:1');
  });

  it('a missing image is NotFoundError naming it, for get, update and delete', async () => {
    for (const call of [
      () => env.client.images.get('test/missing:1'),
      () => env.client.images.update('test/missing:1', { labels: { a: 'b' } }),
      () => env.client.images.delete('test/missing:1'),
    ]) {
      await assert.rejects(call(), (e: unknown) => {
        assert.ok(e instanceof NotFoundError, String(e));
        assert.match(e.message, /"test\/missing:1".*not found/);
        return true;
      });
    }
  });

  it('deleting the image with sync lets GC remove its content and snapshots', async () => {
    await env.client.images.delete('test/busybox:two-layers', { sync: true });
    await assert.rejects(env.client.images.get('test/busybox:two-layers'), NotFoundError);
    const left: string[] = [];
    for await (const info of env.client.content.list()) left.push(info.digest);
    assert.deepEqual(left, []);
    assert.deepEqual(await env.client.snapshots.listAll(), []);
    assert.equal(await isUnpacked(env.client, image.oci.config), false);
  });
});
