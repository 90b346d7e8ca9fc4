// Prune on a real containerd: the plan lists exactly what may go (a stopped container, images no container uses,
// our stale lease, an abandoned ingest) and nothing in use; executing it removes
// those, skips an image a container started using after the plan, leaves the running container's image, snapshot
// chain and content in place, and frees what the plan said. k8s.io plans carry managedByKubelet.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chainIds, sha256Digest } from '../../packages/containerd-client/src/digest';
import { writeBuffer } from '../../packages/containerd-client/src/images/blobs';
import { LEASE_OWNER_LABEL, leaseOwnerLabels } from '../../packages/containerd-client/src/pull/pull-leases';
import { startContainer } from '../../packages/containerd-client/src/run';
import { executePrune, planPrune, type PrunePlan } from '../../packages/containerd-client/src/storage';
import { importTestImage, type ClientEnv, type ImportedImage } from '../harness/client-setup';
import { create } from '../harness/run-setup';
import { abandonIngest, heldBytes, privateEnv, stopPrivate } from '../harness/storage-setup';

describe('storage: prune', function () {
  let env: ClientEnv;
  let inUse: ImportedImage;
  let plan: PrunePlan;
  const ids = (kind: string): string[] => plan.items.filter((i) => i.kind === kind).map((i) => i.id).sort();

  before(async function () {
    this.timeout(180_000);
    env = await privateEnv('prune');
    const c = env.client;
    inUse = await importTestImage(c, 'test.local/prune/in-use:1', { layers: [{ files: { '/a.bin': randomBytes(300_000) } }] });
    await importTestImage(c, 'test.local/prune/stopped:1', { layers: [{ files: { '/b.bin': randomBytes(200_000) } }] });
    await importTestImage(c, 'test.local/prune/unused:1', { layers: [{ files: { '/c.bin': randomBytes(100_000) } }] });
    await create(env, { id: 'running', image: inUse.name, args: ['sleep', '1000'] });
    await startContainer(c, 'running');
    await create(env, { id: 'stopped', image: 'test.local/prune/stopped:1', args: ['sh', '-c', 'head -c 50000 /dev/urandom > /junk'] });
    await startContainer(c, 'stopped');
    await c.tasks.wait('stopped', '', { timeoutMs: 30_000 });

    // Our lease from a pull whose process has exited (same boot and PID namespace, a pid that is gone), holding a blob.
    const dead = spawnSync('true');
    const [boot, pidns] = (leaseOwnerLabels()[LEASE_OWNER_LABEL] ?? '').split('/');
    await c.leases.create({ id: 'containerd-explorer-pull-dead', labels: { [LEASE_OWNER_LABEL]: `${boot}/${pidns}/${dead.pid}/1` }, expiresInMs: 3600_000 });
    const held = randomBytes(40_000);
    await writeBuffer(c.withLease('containerd-explorer-pull-dead'), { digest: sha256Digest(held), size: held.length }, held);
    // Somebody else's lease (no owner label of ours): never pruned, and what it holds stays.
    await c.leases.create({ id: 'foreign', expiresInMs: 3600_000 });
    const foreign = randomBytes(30_000);
    await writeBuffer(c.withLease('foreign'), { digest: sha256Digest(foreign), size: foreign.length }, foreign);
    // An abandoned ingest: 10 000 bytes of a 50 000-byte blob, then the writer went away.
    const partial = randomBytes(50_000);
    await abandonIngest(c, 'abandoned', partial, 10_000);
    await new Promise((r) => setTimeout(r, 50));
    plan = await planPrune(c, { ingestMaxAgeMs: 1 });
  });
  after(async function () { this.timeout(60_000); await stopPrivate(env); });

  it('plans the stopped container, unused images, our stale lease and the ingest; nothing in use', () => {
    assert.deepEqual(ids('container'), ['stopped']);
    assert.deepEqual(ids('image'), ['test.local/prune/stopped:1', 'test.local/prune/unused:1']);
    assert.deepEqual(ids('lease'), ['containerd-explorer-pull-dead']);
    assert.deepEqual(ids('ingest'), ['abandoned']);
    // Orphans (unreferenced, not yet collected) are covered by the unit tests: on a real daemon the collector's
    // periodic run takes them at a moment the test cannot control.
    assert.deepEqual([...ids('snapshot'), ...ids('content')], []);
    assert.deepEqual(plan.imagesInUse, [{ name: inUse.name, containers: ['running'] }]);
    assert.equal(plan.managedByKubelet, false);
    // The ingest frees what was written of it; the lease its blob; each image its own layer (the busybox base stays with the running image).
    const bytes = (kind: string, id: string): number => plan.items.find((i) => i.kind === kind && i.id === id)?.bytes ?? -1;
    assert.equal(bytes('ingest', 'abandoned'), 10_000);
    assert.equal(bytes('lease', 'containerd-explorer-pull-dead'), 40_000);
    assert.ok(bytes('image', 'test.local/prune/unused:1') > 100_000, `unused image frees ${bytes('image', 'test.local/prune/unused:1')}`);
    assert.ok(bytes('container', 'stopped') >= 50_000, `stopped container frees its writable layer: ${bytes('container', 'stopped')}`);
    const frees = plan.items.flatMap((i) => i.frees.snapshots);
    assert.ok(!frees.some((s) => s.endsWith('/running-snapshot') || chainIds(inUse.resolved.config.rootfs.diff_ids).includes(s.slice(s.indexOf('/') + 1))), 'nothing of the running container');
    assert.equal(plan.totalBytes, plan.items.reduce((n, i) => n + i.bytes, 0));
  });

  it('executes: re-checks each item (an image used since the plan stays), frees what the plan said, keeps all in use', async function () {
    this.timeout(120_000);
    const c = env.client;
    // After the plan, a new container starts using the "unused" image: prune must not take it.
    await create(env, { id: 'latecomer', image: 'test.local/prune/unused:1', args: ['true'] });
    const before = await heldBytes(c);
    const result = await executePrune(c, plan);
    const status = Object.fromEntries(result.results.map((r) => [`${r.item.kind}:${r.item.kind === 'content' ? 'blob' : r.item.id}`, r.status]));
    assert.equal(status['image:test.local/prune/unused:1'], 'skipped');
    assert.match(result.results.find((r) => r.item.id === 'test.local/prune/unused:1')?.reason ?? '', /latecomer/);
    for (const r of result.results) if (r.item.id !== 'test.local/prune/unused:1') assert.equal(r.status, 'removed', `${r.item.kind} ${r.item.id}: ${r.status} ${r.reason ?? ''}`);
    const after = await heldBytes(c);
    // Both measurements hold the latecomer's snapshot; the difference is what the prune freed.
    assert.equal(before.total - after.total, result.freedBytes, `held before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);

    // Everything in use survived: the running task, its image, its snapshot chain, the image's blobs, the foreign lease's blob.
    assert.equal((await c.tasks.get('running')).status, 'running');
    await c.images.get(inUse.name);
    await c.snapshots.stat('running-snapshot');
    for (const d of [inUse.record.target.digest, inUse.resolved.manifest.config.digest, ...inUse.resolved.manifest.layers.map((l) => l.digest)]) await c.content.info(d);
    for (const layer of chainIds(inUse.resolved.config.rootfs.diff_ids)) await c.snapshots.stat(layer);
    assert.deepEqual((await c.leases.list()).map((l) => l.id).sort(), ['foreign']);
    assert.deepEqual((await c.containers.list()).map((x) => x.id).sort(), ['latecomer', 'running']);
    assert.deepEqual((await c.images.list()).map((i) => i.name).sort(), [inUse.name, 'test.local/prune/unused:1']);
    assert.deepEqual(await c.content.listStatuses(), []);
  });

  it('a plan in k8s.io says the kubelet manages it', async () => {
    const k8s = env.client.withNamespace('k8s.io');
    await env.client.namespaces.create('k8s.io', {});
    try {
      const p = await planPrune(k8s);
      assert.equal(p.managedByKubelet, true);
      assert.match(p.warnings.join(' '), /kubelet/);
      assert.deepEqual(p.items, []);
    } finally {
      await env.client.namespaces.delete('k8s.io');
    }
  });
});
