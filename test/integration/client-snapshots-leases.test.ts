// Snapshots (view, mounts, stat, list, usage, commit, remove) and leases (create, list, resources, delete,
// withTemporaryLease) through our client, on the image our own import unpacked.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError, NotFoundError } from '../../packages/containerd-client/src/errors';
import { chainIds, sha256Digest } from '../../packages/containerd-client/src/digest';
import { writeBuffer } from '../../packages/containerd-client/src/images/blobs';
import type { Mount } from '../../packages/containerd-client/src/types';
import { clientEnv, importTestImage, teardown, type ClientEnv } from '../harness/client-setup';

const option = (m: Mount, name: string): string | undefined => m.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);

describe('client: snapshots', function () {
  let env: ClientEnv;
  let chain: string[];

  before(async function () {
    this.timeout(120_000);
    const base = await clientEnv('snapshots');
    const image = await importTestImage(base.client, 'test/busybox:snap', { layers: [{ files: { '/hello.txt': 'hi\n' } }] });
    chain = chainIds(image.oci.config.rootfs.diff_ids);
    // Views and active snapshots nothing references would be fair game for containerd's GC: hold them by a lease.
    const lease = await base.client.leases.create({ id: 'snapshots-test' });
    env = { ...base, client: base.client.withLease(lease.id) };
  });
  after(async function () { this.timeout(60_000); await teardown(env); });

  it('stats and measures committed layers', async () => {
    const top = await env.client.snapshots.stat(chain[1]);
    assert.deepEqual([top.name, top.parent, top.kind], [chain[1], chain[0], 'committed']);
    assert.ok(top.createdAt instanceof Date);
    const base = await env.client.snapshots.usage(chain[0]);
    // The base layer holds the static busybox binary.
    assert.ok(base.size >= fs.statSync('/bin/busybox').size, `size ${base.size}`);
    assert.ok(base.inodes > 50, `inodes ${base.inodes}`);
    const upper = await env.client.snapshots.usage(chain[1]);
    assert.ok(upper.size > 0 && upper.size < base.size, `upper ${upper.size}`);
  });

  it('a view is read-only, with overlay mounts of both layers; mounts() returns the same', async () => {
    const mounts = await env.client.snapshots.view('snap-view', chain[1], { 'test.view': '1' });
    assert.equal(mounts.length, 1);
    const [m] = mounts;
    assert.equal(m.type, 'overlay');
    assert.equal(option(m, 'upperdir'), undefined, 'a view has no upper dir');
    const lower = option(m, 'lowerdir')?.split(':') ?? [];
    assert.equal(lower.length, 2);
    assert.ok(fs.existsSync(path.join(lower[0], 'hello.txt')), 'top layer first');
    assert.ok(fs.existsSync(path.join(lower[1], 'bin', 'busybox')));
    assert.deepEqual(await env.client.snapshots.mounts('snap-view'), mounts);
    const info = await env.client.snapshots.stat('snap-view');
    assert.deepEqual([info.kind, info.parent, info.labels], ['view', chain[1], { 'test.view': '1' }]);
  });

  it('prepares, writes into and commits a new snapshot', async () => {
    const [m] = await env.client.snapshots.prepare('snap-active', chain[1]);
    const upper = option(m, 'upperdir');
    assert.ok(upper && fs.statSync(upper).isDirectory(), `upperdir in ${m.options.join(',')}`);
    assert.equal((await env.client.snapshots.stat('snap-active')).kind, 'active');
    fs.writeFileSync(path.join(upper, 'data.bin'), randomBytes(64 * 1024));
    assert.ok((await env.client.snapshots.usage('snap-active')).size >= 64 * 1024);
    await env.client.snapshots.commit('snap-committed', 'snap-active', { 'test.committed': 'yes' });
    await assert.rejects(env.client.snapshots.stat('snap-active'), NotFoundError);
    const c = await env.client.snapshots.stat('snap-committed');
    assert.deepEqual([c.kind, c.parent, c.labels['test.committed']], ['committed', chain[1], 'yes']);
  });

  it('lists snapshots, with filters', async () => {
    const all = await env.client.snapshots.listAll();
    assert.deepEqual(all.map((s) => s.name).sort(), [...chain, 'snap-committed', 'snap-view'].sort());
    assert.deepEqual((await env.client.snapshots.listAll(['kind==view'])).map((s) => s.name), ['snap-view']);
    assert.deepEqual((await env.client.snapshots.listAll([`parent==${chain[1]}`])).map((s) => s.name).sort(), ['snap-committed', 'snap-view']);
    assert.deepEqual((await env.client.snapshots.listAll(['labels."test.committed"==yes'])).map((s) => s.name), ['snap-committed']);
  });

  it('refuses to remove a parent, and reports missing keys, with typed errors', async () => {
    await assert.rejects(env.client.snapshots.remove(chain[1]), (e: unknown) => {
      assert.ok(e instanceof FailedPreconditionError, String(e));
      assert.match(e.message, /snapshots\.remove ".*": .*child/);
      return true;
    });
    await assert.rejects(env.client.snapshots.mounts('no-such-key'), (e: unknown) => e instanceof NotFoundError && /no-such-key/.test(e.message));
    await assert.rejects(env.client.snapshots.prepare('snap-bad-parent', 'no-such-parent'), NotFoundError);
  });

  it('removes what it made, leaving only the image layers', async () => {
    await env.client.snapshots.remove('snap-view');
    await env.client.snapshots.remove('snap-committed');
    await assert.rejects(env.client.snapshots.remove('snap-view'), NotFoundError);
    assert.deepEqual((await env.client.snapshots.listAll()).map((s) => s.name).sort(), [...chain].sort());
  });
});

describe('client: leases', function () {
  let env: ClientEnv;
  before(async function () { env = await clientEnv('leases'); });
  after(async function () { this.timeout(60_000); await teardown(env); });

  it('creates a lease with an id, labels and an expiry; lists and filters it', async () => {
    const before = Date.now();
    const l = await env.client.leases.create({ id: 'lease-one', labels: { purpose: 'test' }, expiresInMs: 60_000 });
    assert.equal(l.id, 'lease-one');
    assert.equal(l.labels.purpose, 'test');
    const expire = Date.parse(l.labels['containerd.io/gc.expire']);
    assert.ok(expire >= before + 60_000 && expire <= Date.now() + 60_000, l.labels['containerd.io/gc.expire']);
    const generated = await env.client.leases.create();
    assert.match(generated.id, /^containerd-explorer-\d+-[0-9a-f]{8}$/);
    assert.deepEqual((await env.client.leases.list()).map((x) => x.id).sort(), ['lease-one', generated.id].sort());
    assert.deepEqual((await env.client.leases.list(['id==lease-one'])).map((x) => x.labels.purpose), ['test']);
    await env.client.leases.delete(generated.id);
  });

  it('holds what is written under it until deleted; resources are listed', async () => {
    const data = randomBytes(1000);
    const desc = { digest: sha256Digest(data), size: data.length };
    assert.equal(await writeBuffer(env.client.withLease('lease-one'), desc, data), true);
    assert.deepEqual(await env.client.leases.listResources('lease-one'), [{ id: desc.digest, type: 'content' }]);
    await env.client.leases.addResource('lease-one', { id: 'some-snapshot', type: 'snapshots/overlayfs' });
    assert.deepEqual((await env.client.leases.listResources('lease-one')).map((r) => r.type).sort(), ['content', 'snapshots/overlayfs']);
    // Unreferenced content survives GC while leased, and goes with the lease.
    const other = await env.client.leases.create();
    await env.client.leases.delete(other.id, { sync: true });
    assert.equal((await env.client.content.info(desc.digest)).size, 1000);
    await env.client.leases.delete('lease-one', { sync: true });
    await assert.rejects(env.client.content.info(desc.digest), NotFoundError);
    await assert.rejects(env.client.leases.delete('lease-one'), (e: unknown) => e instanceof NotFoundError && /lease-one/.test(e.message));
    assert.deepEqual(await env.client.leases.list(), []);
  });

  it('withTemporaryLease runs the work under a lease and always deletes it', async () => {
    let seen: string[] = [];
    const result = await env.client.withTemporaryLease(async (leased) => {
      assert.ok(leased.lease);
      seen = (await env.client.leases.list()).map((l) => l.id);
      return `ran under ${leased.lease}`;
    }, { labels: { job: 'ok' } });
    assert.equal(seen.length, 1);
    assert.equal(result, `ran under ${seen[0]}`);
    assert.deepEqual(await env.client.leases.list(), []);

    await assert.rejects(env.client.withTemporaryLease(async () => { throw new Error('work failed'); }), /work failed/);
    assert.deepEqual(await env.client.leases.list(), [], 'deleted after a failure too');
  });
});
