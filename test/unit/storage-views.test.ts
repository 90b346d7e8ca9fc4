// What the storage views and reports say, from the client's data: rows of the Content, Snapshots, Leases and Active
// Downloads views, snapshot parent chains, the Disk Usage report and the Prune preview and summary.
import * as assert from 'node:assert/strict';
import type { NamespaceDiskUsage, PrunePlan, SnapshotEntry } from '@containerd-explorer/client';
import { childrenOf, mediaTypeWords, snapshotTree, storageRow } from '../../src/views/storage/storage-nodes';
import { renderNamespaceDiskUsage, renderPrunePlan, summarizePrune } from '../../src/views/storage/storage-report';

const D = (c: string): string => `sha256:${c.repeat(64)}`;
const snap = (name: string, parent: string, kind: SnapshotEntry['kind'] = 'committed'): SnapshotEntry =>
  ({ snapshotter: 'overlayfs', name, parent, kind, ancestors: [], children: 0, owners: [], labels: {} });

describe('storage views: rows and reports', () => {
  it('names media types in words', () => {
    assert.equal(mediaTypeWords('application/vnd.oci.image.layer.v1.tar+gzip'), 'layer (gzip)');
    assert.equal(mediaTypeWords('application/vnd.docker.image.rootfs.diff.tar.gzip'), 'layer');
    assert.equal(mediaTypeWords('application/vnd.oci.image.index.v1+json'), 'index');
    assert.equal(mediaTypeWords('application/vnd.docker.distribution.manifest.list.v2+json'), 'index');
    assert.equal(mediaTypeWords('application/vnd.oci.image.manifest.v1+json'), 'manifest');
    assert.equal(mediaTypeWords('application/vnd.oci.image.config.v1+json'), 'config');
    assert.equal(mediaTypeWords(undefined), 'not in any image');
  });

  it('a blob row: short digest, size, kind and the images that use it; labels in the tooltip', () => {
    const row = storageRow({ type: 'blob', namespace: 'n', entry: { digest: D('a'), size: 2048, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', images: ['x:1', 'y:2'], labels: { 'containerd.io/gc.ref': 'z' } } });
    assert.equal(row.label, 'aaaaaaaaaaaa');
    assert.equal(row.description, '2.0 KB · layer (gzip) · 2 images');
    assert.match(row.tooltip, /Images: x:1, y:2/);
    assert.match(row.tooltip, /Labels: containerd\.io\/gc\.ref=z/);
    assert.equal(row.contextValue, 'storage.blob');
  });

  it('snapshots form parent chains; an active one says which container owns it', () => {
    const entries = [snap(D('1'), ''), snap(D('2'), D('1')), { ...snap('web-rootfs', D('2'), 'active'), owners: [{ kind: 'container' as const, id: 'web' }], usage: { size: 4096, inodes: 3 } }, snap('orphan', 'gone')];
    const tree = snapshotTree(entries);
    assert.deepEqual(tree.roots.map((e) => e.name), ['orphan', D('1')]);
    assert.deepEqual(childrenOf(tree, entries[0]).map((e) => e.name), [D('2')]);
    assert.deepEqual(childrenOf(tree, entries[1]).map((e) => e.name), ['web-rootfs']);
    const row = storageRow({ type: 'snapshot', namespace: 'n', entry: entries[2], tree });
    assert.equal(row.description, 'active · 4.1 KB · container web');
    assert.equal(row.contextValue, 'storage.snapshot.active');
    assert.equal(row.collapsible, false);
    assert.equal(storageRow({ type: 'snapshot', namespace: 'n', entry: entries[0], tree }).collapsible, true);
    assert.match(storageRow({ type: 'snapshot', namespace: 'n', entry: entries[3], tree }).tooltip, /an orphan: prune removes it/);
  });

  it('a lease row says whose it is and why it is stale; an ingest row how far it got', () => {
    const lease = storageRow({ type: 'lease', namespace: 'n', entry: { id: 'pull-1', expired: false, labels: {}, resources: [{ id: D('b'), type: 'content' }], ours: true, staleReason: 'its pull (pid 42) is gone' } });
    assert.equal(lease.description, '1 resource · no expiry · ours, stale: its pull (pid 42) is gone');
    assert.equal(lease.contextValue, 'storage.lease.ours');
    assert.equal(lease.icon, 'warning');
    const ingest = storageRow({ type: 'ingest', namespace: 'n', entry: { ref: 'default/1/layer-x', offset: 1024, total: 4096, fraction: 0.25, expected: D('c') } });
    assert.equal(ingest.description, '1.0 KB of 4.1 KB (25 %)');
  });

  it('the Disk Usage report: totals, reclaimable by kind, per image unique/shared, the kubelet note', () => {
    const u: NamespaceDiskUsage = {
      namespace: 'k8s.io', images: [{ name: 'a:1', hostBytes: 100, contentBytes: 120, unpackedBytes: 300, sharedBytes: 50, uniqueBytes: 70, containers: ['c1'] }],
      imagesHostBytes: 100, imagesContentBytes: 120, imagesUnpackedBytes: 300, containers: [{ id: 'c1', displayName: 'web', snapshotter: 'overlayfs', snapshotKey: 'c1-snap', writableBytes: 2048, inodes: 4, running: true }],
      containersWritableBytes: 2048, contentBytes: 150, blobs: 4, snapshotsBytes: 2348, snapshots: 3, reclaimableBytes: 30, reclaimableByKind: { content: 30 }, managedByKubelet: true, takenAt: new Date(0),
    };
    const md = renderNamespaceDiskUsage(u);
    assert.match(md, /\| \*\*Reclaimable\*\* \| \*\*30 B\*\* \| orphan blobs 30 B \|/);
    assert.match(md, /\| `a:1` \| 70 B \| 50 B \| 120 B \| 300 B \| `c1` \|/);
    assert.match(md, /\| `web` \| 2\.0 KB \| `c1-snap` \(overlayfs\) \| live \|/);
    assert.match(md, /kubelet manages/);
  });

  it('the Prune preview lists each item with what it frees; the summary counts what stayed', () => {
    const plan: PrunePlan = {
      namespace: 'default', createdAt: new Date(0), options: { containers: true, images: true, leases: true, ingests: true, orphans: true, ingestMaxAgeMs: 1 },
      managedByKubelet: false, warnings: [], totalBytes: 3072,
      items: [{ kind: 'container', id: 'old', reason: 'its task exited', bytes: 1024, frees: { content: [], snapshots: ['old-snap'] } },
        { kind: 'image', id: 'unused:1', reason: 'no container uses it', bytes: 2048, frees: { content: [D('d')], snapshots: [] } }],
      imagesInUse: [{ name: 'busy:1', containers: ['web'] }],
    };
    const md = renderPrunePlan(plan);
    assert.match(md, /\*\*2 items would go, freeing 3\.1 KB:\*\* 1 stopped container, 1 unused image\./);
    assert.match(md, /\| unused image \| `unused:1` \| 2\.0 KB \| no container uses it \|/);
    assert.match(md, /- `busy:1`: `web`/);
    assert.match(renderPrunePlan({ ...plan, items: [], totalBytes: 0 }), /Nothing to prune/);
    const summary = summarizePrune({ namespace: 'default', freedBytes: 1024, results: [{ item: plan.items[0], status: 'removed' }, { item: plan.items[1], status: 'skipped', reason: 'container new uses it' }] });
    assert.equal(summary, 'Pruned 1 item from default, freeing 1.0 KB. Kept 1 in use since the preview (unused:1: container new uses it).');
  });
});
