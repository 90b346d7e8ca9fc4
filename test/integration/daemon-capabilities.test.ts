// daemonCapabilities() against the run's private containerd (1.6, or 2.x with CONTAINERD_TEST_VERSION=2): what
// the daemon says of itself (version, UUID, loaded snapshotters, Transfer) must match what ctr and its plugin
// list say, and the client built on it must talk to that snapshotter.
import * as assert from 'node:assert/strict';
import { connect, daemonCapabilities, type ContainerdClient } from '../../packages/containerd-client/src';
import { sharedDaemon, type Daemon } from '../harness';

describe('daemon capabilities (integration)', function () {
  this.timeout(60_000);
  let daemon: Daemon;
  let client: ContainerdClient;

  before(async () => {
    daemon = await sharedDaemon();
    client = await connect({ address: daemon.address, namespace: 'caps-test' });
  });
  after(() => client?.close());

  it('reads version, UUID, snapshotters and Transfer support from the daemon', async () => {
    const caps = await daemonCapabilities(client);
    process.stderr.write(`      [capabilities] containerd ${caps.version}: snapshotters ${caps.snapshotters.join(', ')}; default ${caps.defaultSnapshotter}; transfer ${caps.transfer.offered}\n`);
    assert.equal(caps.version, daemon.serverVersion);
    assert.equal(caps.uuid, (await client.introspection.server()).uuid);
    const plugins = await client.introspection.plugins(['type==io.containerd.snapshotter.v1']);
    assert.deepEqual(caps.snapshotters.sort(), plugins.filter((p) => !p.initError).map((p) => p.id).sort());
    // The harness's root is on a filesystem where overlayfs loads.
    assert.equal(caps.defaultSnapshotter, 'overlayfs');
    assert.equal(caps.runtime, 'io.containerd.runc.v2');
    assert.equal(caps.tasks, true);
    const v2 = daemon.flavour.version === '2';
    assert.deepEqual([caps.transfer.offered, caps.transfer.preferred, caps.streaming], [v2, v2, v2]);
  });
});
