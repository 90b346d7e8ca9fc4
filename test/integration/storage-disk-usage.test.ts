// Disk usage and the storage listings on a private daemon, checked against its root on disk: the content store's
// blob files, and the overlayfs snapshotter's directories. Tolerances (block rounding, directories) are explained
// where they apply. Listings: blobs with media types and referencing images, snapshots with kind, chain and owners,
// leases with resources and expiry, ingests with offset/total and abort.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { chainIds, sha256Digest } from '../../packages/containerd-client/src/digest';
import { startContainer } from '../../packages/containerd-client/src/run';
import {
  abortIngest, daemonDiskUsage, deleteLease, listBlobs, listIngests, listLeases, listSnapshots, namespaceDiskUsage,
} from '../../packages/containerd-client/src/storage';
import { importTestImage, type ClientEnv, type ImportedImage } from '../harness/client-setup';
import { create } from '../harness/run-setup';
import { abandonIngest, diskUsage, heldBytes, privateEnv, stopPrivate } from '../harness/storage-setup';

describe('storage: disk usage and listings', function () {
  let env: ClientEnv;
  let one: ImportedImage;
  let two: ImportedImage;

  before(async function () {
    this.timeout(180_000);
    env = await privateEnv('du');
    one = await importTestImage(env.client, 'test.local/du/one:1', { layers: [{ files: { '/one.bin': randomBytes(400_000) } }] });
    two = await importTestImage(env.client, 'test.local/du/two:1', { layers: [{ files: { '/two.bin': randomBytes(200_000) } }] });
    // The container writes 3 MiB into its writable layer and stays up.
    await create(env, { id: 'writer', image: one.name, args: ['sh', '-c', 'head -c 3145728 /dev/urandom > /data.bin; sleep 1000'] });
    await startContainer(env.client, 'writer');
    const deadline = Date.now() + 20_000;
    while ((await env.client.snapshots.usage('writer-snapshot')).size < 3 << 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  });
  after(async function () { this.timeout(60_000); await stopPrivate(env); });

  it('per image: host and all-platform bytes, unpacked layers, shared (the busybox base) vs unique', async function () {
    this.timeout(60_000);
    const du = await namespaceDiskUsage(env.client);
    const img = (name: string) => du.images.find((i) => i.name === name);
    const base = one.resolved.manifest.layers[0];
    assert.equal(base.digest, two.resolved.manifest.layers[0].digest, 'both images share the base layer blob');
    for (const i of [one, two]) {
      const u = img(i.name);
      assert.ok(u);
      const blobs = [i.record.target.size, i.resolved.manifest.config.size, ...i.resolved.manifest.layers.map((l) => l.size)].reduce((a, b) => a + b, 0);
      assert.equal(u.contentBytes, blobs, `${i.name}: manifest + config + layers`);
      assert.equal(u.hostBytes, blobs, 'a single-platform image is all host platform');
      const chain = chainIds(i.resolved.config.rootfs.diff_ids);
      let unpacked = 0;
      for (const c of chain) unpacked += (await env.client.snapshots.usage(c)).size;
      assert.equal(u.unpackedBytes, unpacked);
      const baseUnpacked = (await env.client.snapshots.usage(chain[0])).size;
      assert.equal(u.sharedBytes, base.size + baseUnpacked, 'shared: the base blob and its snapshot');
      assert.equal(u.uniqueBytes, blobs + unpacked - u.sharedBytes);
    }
    assert.deepEqual(img(one.name)?.containers, ['writer']);
    assert.equal(du.imagesContentBytes, (img(one.name)?.contentBytes ?? 0) + (img(two.name)?.contentBytes ?? 0) - base.size, 'the shared base once');
    const writer = du.containers.find((c) => c.id === 'writer');
    assert.ok(writer && writer.writableBytes >= 3 << 20 && writer.running, JSON.stringify(writer));
    assert.equal(du.containersWritableBytes, writer.writableBytes);
    const held = await heldBytes(env.client);
    assert.equal(du.contentBytes, held.content);
    assert.equal(du.snapshotsBytes, held.snapshots);
    assert.equal(du.reclaimableBytes, (img(two.name)?.uniqueBytes ?? 0), 'a default prune would take the unused image two');
  });

  it("daemon-wide numbers match du of the daemon's root", async function () {
    this.timeout(60_000);
    const report = await daemonDiskUsage(env.client);
    assert.deepEqual(report.namespaces.map((n) => n.namespace), [env.namespace]);
    // Content: containerd reports exact sizes; the blob files hold exactly those bytes (apparent size). On disk they
    // take whole blocks: at most one partial 4 KiB block per blob more, plus the directories' own blocks.
    const blobs = diskUsage(path.join(env.daemon.root, 'io.containerd.content.v1.content', 'blobs'));
    assert.equal(blobs.apparentFileBytes, report.contentBytes);
    assert.equal(blobs.files, report.blobs);
    assert.ok(blobs.allocatedBytes >= report.contentBytes && blobs.allocatedBytes <= report.contentBytes + (blobs.files + blobs.dirs) * 4096,
      `allocated ${blobs.allocatedBytes} for ${report.contentBytes} bytes in ${blobs.files} blobs`);
    // Snapshots: Snapshots.Usage counts allocated blocks of each snapshot's fs/ tree (hard links once), which du
    // counts too; du also sees each snapshot's own directory and its overlay work/ (and work/work) directories,
    // up to 3 blocks of 4 KiB per snapshot, plus the snapshots/ directory itself.
    const snaps = diskUsage(path.join(env.daemon.root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots'));
    const count = report.namespaces.reduce((n, ns) => n + ns.snapshots, 0);
    const slack = snaps.allocatedBytes - report.snapshotsBytes;
    assert.ok(slack >= 0 && slack <= (count * 3 + 1) * 4096, `du ${snaps.allocatedBytes}, Usage sum ${report.snapshotsBytes}, ${count} snapshots: slack ${slack}`);
    process.stderr.write(`[storage-du] content ${report.contentBytes} B in ${report.blobs} blobs (du ${blobs.allocatedBytes} B allocated); snapshots ${report.snapshotsBytes} B in ${count} (du ${snaps.allocatedBytes} B)\n`);
  });

  it('lists blobs with media types and the images that reference them', async () => {
    const blobs = await listBlobs(env.client);
    const byDigest = new Map(blobs.map((b) => [b.digest, b]));
    const base = byDigest.get(one.resolved.manifest.layers[0].digest);
    assert.deepEqual(base?.images, [one.name, two.name]);
    assert.equal(base?.mediaType, one.resolved.manifest.layers[0].mediaType);
    assert.equal(byDigest.get(one.record.target.digest)?.mediaType, one.record.target.mediaType);
    assert.equal(byDigest.get(one.resolved.manifest.config.digest)?.mediaType, one.resolved.manifest.config.mediaType);
    assert.ok(byDigest.get(one.resolved.manifest.config.digest)?.labels['containerd.io/gc.ref.snapshot.overlayfs']);
  });

  it('lists snapshots with kind, parent chain, usage and owners', async () => {
    const snaps = await listSnapshots(env.client);
    const chain = chainIds(one.resolved.config.rootfs.diff_ids);
    const writer = snaps.find((s) => s.name === 'writer-snapshot');
    assert.equal(writer?.kind, 'active');
    assert.deepEqual(writer?.ancestors, [...chain].reverse());
    assert.deepEqual(writer?.owners, [{ kind: 'container', id: 'writer' }]);
    assert.ok((writer?.usage?.size ?? 0) >= 3 << 20);
    const base = snaps.find((s) => s.name === chain[0]);
    assert.equal(base?.kind, 'committed');
    assert.deepEqual(base?.owners, [{ kind: 'image', name: one.name }, { kind: 'image', name: two.name }]);
    assert.equal(base?.children, 2);
  });

  it('lists leases with resources and expiry, and deletes one', async () => {
    const data = randomBytes(5000);
    await env.client.leases.create({ id: 'held', expiresInMs: 600_000, labels: { purpose: 'test' } });
    await env.client.withLease('held').content.write(async function* () { yield data; }, { ref: 'held-blob', expected: { digest: sha256Digest(data), size: data.length } });
    const [lease] = (await listLeases(env.client)).filter((l) => l.id === 'held');
    assert.deepEqual(lease.resources, [{ id: sha256Digest(data), type: 'content' }]);
    assert.ok(lease.expiresAt && lease.expiresAt.getTime() > Date.now() && !lease.expired && !lease.ours);
    await deleteLease(env.client, 'held', { sync: true });
    assert.deepEqual((await listLeases(env.client)).map((l) => l.id), []);
  });

  it('lists an ingest with offset and total, and aborts it', async () => {
    const data = randomBytes(30_000);
    await abandonIngest(env.client, 'partial', data, 12_000);
    const [ingest] = await listIngests(env.client);
    // containerd 1.6 leaves `expected` empty in ListStatuses; later versions fill it.
    assert.deepEqual([ingest.ref, ingest.offset, ingest.total], ['partial', 12_000, 30_000]);
    assert.ok(['', sha256Digest(data)].includes(ingest.expected), ingest.expected);
    assert.equal(ingest.fraction, 0.4);
    await abortIngest(env.client, 'partial');
    assert.deepEqual(await listIngests(env.client), []);
  });
});
