// Container names and pod grouping from labels, with label sets as real containers carry them: CRI sandboxes and
// containers in k8s.io (kubelet labels plus io.cri-containerd.kind; containerd/cri#479 and containerd#13453 show
// them), nerdctl and compose containers (nerdctl/name, com.docker.compose.*), Docker's moby containers (only
// com.docker/engine.bundle.path: dockerd keeps names to itself). Also which storage views an event makes stale.
import * as assert from 'node:assert/strict';
import { containerNaming, groupContainers, POLLED_STORAGE_VIEWS, shortContainerId, storageViewsFor } from '../../packages/containerd-client/src/storage';

const POD = { 'io.kubernetes.pod.name': 'coredns-5f5694d56b-r8tds', 'io.kubernetes.pod.namespace': 'kube-system', 'io.kubernetes.pod.uid': '64489eae-d610-11e7-8e8b-42010af00002' };
const SANDBOX_ID = 'fbeeeff9edc8c6425b53231bc8a7511137faacc517b500a7470f789af9668255';
const CONTAINER_ID = '3176dae9470880ced229b03a05198ee198944099ec4883be636dba4dfd203bcc';
const sandbox = { id: SANDBOX_ID, labels: { ...POD, 'io.cri-containerd.kind': 'sandbox', 'k8s-app': 'kube-dns', 'pod-template-hash': '5f5694d56b' } };
const coredns = { id: CONTAINER_ID, labels: { ...POD, 'io.cri-containerd.kind': 'container', 'io.kubernetes.container.name': 'coredns' } };
const moby = { id: 'a5e26880c8937d5d0ee37ffc9c3e3605448ff11a6eab018162beac0be6e66919', labels: { 'com.docker/engine.bundle.path': '/var/run/docker/containerd/a5e26880c8937d5d0ee37ffc9c3e3605448ff11a6eab018162beac0be6e66919' } };
const nerdctlWeb = { id: 'b1c2'.repeat(16), labels: { 'nerdctl/name': 'web-1', 'nerdctl/namespace': 'default', 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '1' } };
const composeOnly = { id: 'c3d4'.repeat(16), labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'db', 'com.docker.compose.container-number': '2' } };

describe('storage: container naming', () => {
  it('a CRI container is named by io.kubernetes.container.name and grouped by its pod', () => {
    assert.deepEqual(containerNaming(coredns.id, coredns.labels), {
      displayName: 'coredns', origin: 'kubernetes', sandbox: false, groupKey: 'kube-system/coredns-5f5694d56b-r8tds',
      groupLabel: 'kube-system/coredns-5f5694d56b-r8tds', podUid: POD['io.kubernetes.pod.uid'],
    });
  });

  it('the pod sandbox (pause) is marked and named after the pod', () => {
    const n = containerNaming(sandbox.id, sandbox.labels);
    assert.equal(n.sandbox, true);
    assert.equal(n.displayName, 'coredns-5f5694d56b-r8tds (pause)');
    assert.equal(n.groupKey, 'kube-system/coredns-5f5694d56b-r8tds');
  });

  it('nerdctl name first, then compose service-number; compose containers group by project', () => {
    assert.deepEqual(containerNaming(nerdctlWeb.id, nerdctlWeb.labels), { displayName: 'web-1', origin: 'nerdctl', sandbox: false, groupKey: 'compose:shop', groupLabel: 'compose project shop' });
    assert.deepEqual(containerNaming(composeOnly.id, composeOnly.labels), { displayName: 'db-2', origin: 'compose', sandbox: false, groupKey: 'compose:shop', groupLabel: 'compose project shop' });
  });

  it("Docker's moby containers have no name in containerd: the 12-digit short id, origin docker", () => {
    assert.deepEqual(containerNaming(moby.id, moby.labels), { displayName: 'a5e26880c893', origin: 'docker', sandbox: false });
    assert.equal(containerNaming('my-box', {}).displayName, 'my-box', 'a non-hex id stays whole');
    assert.equal(shortContainerId('ABC'), 'ABC');
  });

  it('groups pods (sandbox apart from containers) and compose projects; the rest stays ungrouped in order', () => {
    const other = { id: 'plain-1', labels: {} };
    const { groups, ungrouped } = groupContainers([other, coredns, moby, composeOnly, sandbox, nerdctlWeb]);
    assert.deepEqual(groups.map((g) => [g.key, g.sandboxes.map((s) => s.id), g.containers.map((c) => c.id)]), [
      ['compose:shop', [], [composeOnly.id, nerdctlWeb.id]],
      ['kube-system/coredns-5f5694d56b-r8tds', [SANDBOX_ID], [CONTAINER_ID]],
    ]);
    assert.equal(groups[1].podUid, POD['io.kubernetes.pod.uid']);
    assert.deepEqual(ungrouped.map((u) => u.id), ['plain-1', moby.id]);
  });
});

describe('storage: which views an event refreshes', () => {
  it('snapshot and content events refresh their views; leases and ingests have no events', () => {
    assert.deepEqual(storageViewsFor('/snapshot/commit'), ['snapshots', 'diskUsage']);
    assert.deepEqual(storageViewsFor('/content/delete'), ['content', 'diskUsage']);
    assert.deepEqual(storageViewsFor('/tasks/oom'), []);
    assert.deepEqual(storageViewsFor('/no/such/topic'), []);
    assert.deepEqual(POLLED_STORAGE_VIEWS, ['leases', 'ingests']);
  });
});
