// capabilitiesOf(): what the daemon's plugin list implies (snapshotter, Transfer, Streaming), and the pull the
// containerd.pullMethod setting gives there. Plugin lists shaped as containerd 1.6 and 2.x report them.
import * as assert from 'node:assert/strict';
import { capabilitiesOf } from '../../packages/containerd-client/src/capabilities';
import { UnimplementedError } from '../../packages/containerd-client/src/errors';
import { pullMethodFor } from '../../packages/containerd-client/src/transfer/choose';
import type { Plugin } from '../../packages/containerd-client/src/types';

const plugin = (type: string, id: string, initError?: string): Plugin => ({ type, id, requires: [], platforms: [], exports: {}, capabilities: [], ...(initError ? { initError } : {}) });
const common = [plugin('io.containerd.snapshotter.v1', 'native'), plugin('io.containerd.runtime.v2', 'task'), plugin('io.containerd.grpc.v1', 'content')];
const transfer = [plugin('io.containerd.transfer.v1', 'local'), plugin('io.containerd.streaming.v1', 'manager'), plugin('io.containerd.grpc.v1', 'transfer'), plugin('io.containerd.grpc.v1', 'streaming')];

describe('daemon capabilities', () => {
  it('prefers overlayfs when it loaded', () => {
    const c = capabilitiesOf({ version: '1.6.20~ds1', revision: '' }, [...common, plugin('io.containerd.snapshotter.v1', 'overlayfs')], 'u-1');
    assert.equal(c.defaultSnapshotter, 'overlayfs');
    assert.deepEqual(c.snapshotters, ['native', 'overlayfs']);
    assert.equal(c.uuid, 'u-1');
    assert.equal(c.runtime, 'io.containerd.runc.v2');
    assert.equal(c.tasks, true);
    assert.equal(c.transfer.offered, false);
    assert.equal(c.streaming, false);
  });

  it('falls back to native when overlayfs failed to load, and says why', () => {
    const c = capabilitiesOf({ version: '2.1.9+unknown', revision: '' }, [...common, plugin('io.containerd.snapshotter.v1', 'overlayfs', 'overlayfs is not supported on this filesystem'), plugin('io.containerd.snapshotter.v1', 'btrfs', 'not btrfs')]);
    assert.equal(c.defaultSnapshotter, 'native');
    assert.deepEqual(c.snapshotters, ['native']);
    assert.match(c.snapshotterReason, /overlayfs failed to load: overlayfs is not supported.*using native/);
    assert.equal(c.uuid, undefined);
  });

  it('offers Transfer only with all four plugins loaded, and prefers it from 2.0', () => {
    assert.equal(capabilitiesOf({ version: '2.1.9+unknown', revision: '' }, [...common, ...transfer]).transfer.preferred, true);
    const v17 = capabilitiesOf({ version: 'v1.7.24', revision: 'x' }, [...common, ...transfer]);
    assert.deepEqual([v17.transfer.offered, v17.transfer.preferred, v17.streaming], [true, false, true]);
    const broken = capabilitiesOf({ version: '2.1.9+unknown', revision: '' }, [...common, ...transfer.slice(1), plugin('io.containerd.transfer.v1', 'local', 'failed')]);
    assert.equal(broken.transfer.offered, false);
    assert.match(broken.transfer.reason ?? '', /io\.containerd\.transfer\.v1 plugin/);
  });

  it('turns the pullMethod setting and the support into the pull that runs, with its reason', () => {
    const v2 = capabilitiesOf({ version: '2.1.9+unknown', revision: '' }, [...common, ...transfer]).transfer;
    const v16 = capabilitiesOf({ version: '1.6.20~ds1', revision: '' }, common).transfer;
    assert.deepEqual(pullMethodFor('auto', v2), { method: 'transfer', reason: 'containerd 2.1.9+unknown pulls server-side (Transfer service)' });
    assert.equal(pullMethodFor('auto', v16).method, 'client');
    assert.match(pullMethodFor('auto', v16).reason, /has no Transfer service/);
    assert.equal(pullMethodFor('client', v2).method, 'client');
    assert.throws(() => pullMethodFor('transfer', v16), UnimplementedError);
  });
});
