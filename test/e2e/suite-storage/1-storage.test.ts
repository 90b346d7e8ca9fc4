// Disk Usage, the storage views and Prune… in the real extension host, against the suite's private daemon: the
// report's numbers are the client's, the views list what containerd holds, Delete Lease removes a lease, and Prune
// removes the stopped container and unused images while the running container's image, snapshot and content stay.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { connect, namespaceDiskUsage, type ContainerdClient } from '@containerd-explorer/client';
import type { ExplorerApi } from '../../../src/extension';
import { documentUri, type DocumentRef } from '../../../src/views/documents/read-only-documents';
import { formatBytes } from '../../../src/views/model/format';
import type { StorageNode } from '../../../src/views/storage/storage-nodes';
import { daemonAddress, rows, withScriptedHost } from '../suite-views/env';
import type { ScriptedHost } from '../suite-views/scripted-host';
import { K8S_IMAGE, RUNNING, STOPPED, STOPPED_IMAGE, UNUSED_IMAGE, USED_IMAGE } from './fixture';

describe('storage: disk usage, views and prune in VS Code', function () {
  let api: ExplorerApi;
  let host: ScriptedHost;
  let client: ContainerdClient;
  withScriptedHost((a, h) => { api = a; host = h; });

  before(async () => { client = await connect({ address: daemonAddress(), namespace: 'default' }); });
  after(() => client?.close());

  const doc = (ref: DocumentRef): string => {
    const text = api.documents.cached(documentUri(ref));
    assert.ok(text, `document ${ref.name} was not rendered`);
    return text;
  };

  it('Show Disk Usage of a namespace: the report carries the client\'s totals', async () => {
    const ref = await vscode.commands.executeCommand<DocumentRef>('containerd.showDiskUsage', { type: 'namespace', name: 'default' });
    const md = doc(ref);
    const u = await namespaceDiskUsage(client);
    assert.ok(md.includes(`| Content store | ${formatBytes(u.contentBytes)} | ${u.blobs} blobs |`), md);
    assert.ok(md.includes(`| Snapshots | ${formatBytes(u.snapshotsBytes)} | ${u.snapshots} snapshots |`), md);
    assert.ok(md.includes(`| **Reclaimable** | **${formatBytes(u.reclaimableBytes)}** |`), md);
    for (const name of [USED_IMAGE, UNUSED_IMAGE, STOPPED_IMAGE]) assert.ok(md.includes(`| \`${name}\` |`), `${name} missing from the report`);
    assert.ok(u.reclaimableBytes > 0, 'the unused image and the stopped container are reclaimable');
  });

  it('the Namespaces view\'s tooltip shows the namespace\'s disk usage, measured on hover', async () => {
    const provider = api.views.providers.namespaces;
    const tip = (): string => rows(provider, [{ type: 'namespace', name: 'default' }])[0].tooltip;
    let text = tip(); // this hover starts the measurement
    assert.match(text, /Disk: images \| measuring… \(hover again\)/);
    for (let i = 0; i < 100 && /measuring/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = tip();
    }
    const u = await namespaceDiskUsage(client);
    assert.ok(text.includes(`| Disk: images | ${formatBytes(u.imagesHostBytes)} (unpacked ${formatBytes(u.imagesUnpackedBytes)}) |`), text);
    assert.ok(text.includes(`| Reclaimable | ${formatBytes(u.reclaimableBytes)} (Prune…) |`), text);
  });

  it('Show Disk Usage daemon-wide: every namespace, and the kubelet note in k8s.io', async () => {
    const ref = await vscode.commands.executeCommand<DocumentRef>('containerd.showDiskUsage');
    const md = doc(ref);
    assert.match(md, /^# Disk usage/);
    assert.match(md, /## Namespace `default`/);
    assert.match(md, /## Namespace `k8s\.io`/);
    assert.match(md, /kubelet manages/);
    assert.ok(md.includes(`| \`${K8S_IMAGE}\` |`));
  });

  it('the Content view lists every blob of the namespace; Snapshots shows the running container\'s chain', async () => {
    await api.storage.providers.content.refresh();
    const blobs = (api.storage.providers.content.nodes ?? []).filter((n): n is Extract<StorageNode, { type: 'blob' }> => n.type === 'blob');
    const listed: string[] = [];
    for await (const info of client.content.list()) listed.push(info.digest);
    assert.deepEqual(blobs.map((b) => b.entry.digest).sort(), listed.sort());
    assert.ok(blobs.some((b) => b.entry.images.includes(USED_IMAGE) && b.entry.mediaType?.includes('layer')));

    await api.storage.providers.snapshots.refresh();
    const provider = api.storage.providers.snapshots;
    const all: Extract<StorageNode, { type: 'snapshot' }>[] = [];
    const walk = async (nodes: StorageNode[]): Promise<void> => {
      for (const n of nodes) {
        if (n.type !== 'snapshot') continue;
        all.push(n);
        await walk(await provider.getChildren(n));
      }
    };
    await walk(await provider.getChildren());
    const active = all.find((n) => n.entry.owners.some((o) => o.kind === 'container' && o.id === RUNNING));
    assert.ok(active, `no snapshot owned by ${RUNNING}: ${all.map((n) => n.entry.name).join(', ')}`);
    assert.equal(active.entry.kind, 'active');
    const item = provider.getTreeItem(active);
    assert.match(String(item.description), new RegExp(`^active · .* · container ${RUNNING}`));
  });

  it('Delete Lease asks, deletes the lease and lists the leases again', async () => {
    await client.leases.create({ id: 'e2e-storage-lease', labels: { purpose: 'e2e' } });
    await api.storage.providers.leases.refresh();
    const lease = api.storage.providers.leases.nodes?.find((n) => n.type === 'lease' && n.entry.id === 'e2e-storage-lease');
    assert.ok(lease, 'the new lease is listed');
    host.confirms.push(true);
    assert.equal(await vscode.commands.executeCommand('containerd.deleteLease', lease), 'e2e-storage-lease');
    assert.ok(host.asked.includes('confirm: Delete lease e2e-storage-lease?'));
    assert.ok(!(await client.leases.list()).some((l) => l.id === 'e2e-storage-lease'));
  });

  it('Prune in k8s.io says the kubelet owns those images; declining removes nothing', async () => {
    host.confirms.push(false);
    const out = await vscode.commands.executeCommand<{ plan: { items: unknown[]; managedByKubelet: boolean } }>('containerd.pruneNamespace', { type: 'namespace', name: 'k8s.io' });
    assert.equal(out.plan.managedByKubelet, true);
    const preview = doc({ namespace: 'k8s.io', kind: 'prune-preview', name: 'prune-k8s.io', ext: 'md' });
    assert.match(preview, /\*\*Warning:\*\* .*kubelet/);
    assert.ok(await client.withNamespace('k8s.io').images.get(K8S_IMAGE), 'declined: the image stays');
  });

  it('Prune… removes the stopped container and unused images; the running container keeps its image, snapshot and content', async () => {
    const runningRecord = await client.containers.get(RUNNING);
    const usedImage = await client.images.get(USED_IMAGE);
    host.confirms.push(true);
    const out = await vscode.commands.executeCommand<{ plan: { items: { kind: string; id: string }[] }; result: { freedBytes: number } }>('containerd.pruneNamespace', { type: 'namespace', name: 'default' });
    const planned = out.plan.items.map((i) => `${i.kind} ${i.id}`);
    assert.ok(planned.includes(`container ${STOPPED}`) && planned.includes(`image ${UNUSED_IMAGE}`) && planned.includes(`image ${STOPPED_IMAGE}`), planned.join(', '));
    assert.ok(!planned.some((p) => p.includes(RUNNING) || p === `image ${USED_IMAGE}`), planned.join(', '));
    const preview = doc({ namespace: 'default', kind: 'prune-preview', name: 'prune-default', ext: 'md' });
    assert.ok(preview.includes(`| stopped container | \`${STOPPED}\` |`), preview);
    assert.ok(host.asked.some((q) => /^confirm: Prune default: remove 1 stopped container, 2 unused images/.test(q)), host.asked.join('\n'));
    assert.ok(host.said.some((s) => s.level === 'info' && new RegExp(`^Pruned \\d+ items from default, freeing ${formatBytes(out.result.freedBytes).replace('.', '\\.')}\\.`).test(s.message)), JSON.stringify(host.said));

    await assert.rejects(client.containers.get(STOPPED), /not found/);
    await assert.rejects(client.images.get(UNUSED_IMAGE), /not found/);
    assert.equal((await client.containers.get(RUNNING)).id, RUNNING);
    assert.equal((await client.images.get(USED_IMAGE)).target.digest, usedImage.target.digest);
    assert.equal((await client.snapshots.stat(runningRecord.snapshotKey)).kind, 'active');
    assert.ok(await client.content.info(usedImage.target.digest));
    assert.equal((await client.tasks.get(RUNNING)).status, 'running');
  });
});
