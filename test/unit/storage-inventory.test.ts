// The collector's mark phase replayed over a hand-made inventory: roots (images, containers, unexpired leases,
// gc.root labels), references (gc.ref.content*, gc.ref.snapshot.<snapshotter>, snapshot parents), what a removal
// releases, orphans, and which containers use an image (its top layer, not a shared base).
import * as assert from 'node:assert/strict';
import type { Inventory } from '../../packages/containerd-client/src/storage';
import { reachable } from '../../packages/containerd-client/src/storage';
import { imageUsers, unreachable } from '../../packages/containerd-client/src/storage/inventory';
import type { WalkedImage } from '../../packages/containerd-client/src/storage/image-walk';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const info = (digest: string, labels: Record<string, string> = {}) => ({ digest, size: 100, labels });
const snap = (name: string, parent = '', kind: 'committed' | 'active' = 'committed', labels: Record<string, string> = {}) => ({ name, parent, kind, labels, snapshotter: 'overlayfs' });
const walked = (name: string, target: string, chain: string[]): WalkedImage => ({
  name, target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: target, size: 100 }, blobs: new Map(), hostDigests: new Set(),
  chainIds: new Set(chain), topChainIds: new Set(chain.slice(-1)), unreadable: new Map(),
});

function inventory(): Inventory {
  // Image A: manifest a -> config b (-> snapshot L2) + layers c, e; image B: manifest f -> config g (-> L1) + layer c.
  const content = [
    info(d('a'), { 'containerd.io/gc.ref.content.config': d('b'), 'containerd.io/gc.ref.content.l.0': d('c'), 'containerd.io/gc.ref.content.l.1': d('e') }),
    info(d('b'), { 'containerd.io/gc.ref.snapshot.overlayfs': 'L2' }),
    info(d('c')), info(d('e')),
    info(d('f'), { 'containerd.io/gc.ref.content.config': d('7'), 'containerd.io/gc.ref.content.l.0': d('c') }),
    info(d('7'), { 'containerd.io/gc.ref.snapshot.overlayfs': 'L1' }),
    info(d('8')), // orphan
    info(d('9'), { 'containerd.io/gc.root': '' }), // kept by its label
    info(d('0')), // held by an expired lease: orphan
    info(d('1')), // held by a live lease
  ];
  const snapshots = [snap('L1'), snap('L2', 'L1'), snap('box-snap', 'L2', 'active'), snap('stray', 'L1', 'active'), snap('rooted', '', 'active', { 'containerd.io/gc.root': 'x' })];
  return {
    namespace: 'ns', takenAt: new Date(),
    images: [{ name: 'A', labels: {}, target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('a'), size: 100 } }, { name: 'B', labels: {}, target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('f'), size: 100 } }],
    containers: [{ id: 'box', labels: {}, image: 'other-name', runtime: { name: 'io.containerd.runc.v2' }, snapshotter: 'overlayfs', snapshotKey: 'box-snap', extensions: {} }],
    tasks: new Map(),
    leases: [
      { id: 'old', labels: {}, resources: [{ id: d('0'), type: 'content' }], expiresAt: new Date(Date.now() - 1000) },
      { id: 'live', labels: {}, resources: [{ id: d('1'), type: 'content' }], expiresAt: new Date(Date.now() + 60_000) },
    ],
    content: new Map(content.map((c) => [c.digest, c])),
    snapshots: new Map(snapshots.map((s) => [`overlayfs/${s.name}`, s])),
    walked: new Map([['A', walked('A', d('a'), ['L1', 'L2'])], ['B', walked('B', d('f'), ['L1'])]]),
  };
}

describe('storage: the collector model', () => {
  it('orphans are what no root reaches: an unlabelled blob, an expired lease\'s blob, a stray snapshot', () => {
    const inv = inventory();
    const lost = unreachable(inv, reachable(inv));
    assert.deepEqual(lost.content.sort(), [d('0'), d('8')]);
    assert.deepEqual(lost.snapshots, ['overlayfs/stray']);
  });

  it('removing image A frees its own blobs only: the layer B shares stays, L2 stays while the container sits on it', () => {
    const inv = inventory();
    const lost = unreachable(inv, reachable(inv, { images: new Set(['A']) }));
    assert.deepEqual(lost.content.sort(), [d('0'), d('8'), d('a'), d('b'), d('e')].sort());
    assert.deepEqual(lost.snapshots, ['overlayfs/stray']);
    const both = unreachable(inv, reachable(inv, { images: new Set(['A']), containers: new Set(['box']) }));
    assert.deepEqual(both.snapshots.sort(), ['overlayfs/L2', 'overlayfs/box-snap', 'overlayfs/stray']);
  });

  it('removing the live lease frees what it held', () => {
    const inv = inventory();
    assert.ok(unreachable(inv, reachable(inv, { leases: new Set(['live']) })).content.includes(d('1')));
  });

  it('a container uses the image whose top layer its snapshot sits on, not every image sharing a lower layer', () => {
    const inv = inventory();
    assert.deepEqual(imageUsers(inv, 'A'), ['box']);
    assert.deepEqual(imageUsers(inv, 'B'), [], 'B only shares the base layer L1');
    assert.deepEqual(imageUsers(inv, 'A', new Set(['box'])), []);
  });
});
