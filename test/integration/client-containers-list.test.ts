// containers.list against the private containerd: the spec-less listing (`spec: false`, records read from their
// bytes with the spec stepped over) returns the same containers as the full listing, field by field (ids, labels,
// image, runtime, timestamps, snapshot), with and without filters, for many records and for records whose spec
// spans several HTTP/2 frames; the full listing still returns every spec as created.
import * as assert from 'node:assert/strict';
import type { Container } from '../../packages/containerd-client/src/types';
import { clientEnv, runcOptions, teardown, type ClientEnv } from '../harness/client-setup';

const MANY = 150;

/** A spec of the shape containerd stores (JSON in an Any); `size` pads it with environment variables. */
function specFor(id: string, size = 0): { ociVersion: string; process: { args: string[]; env: string[] }; annotations: Record<string, string> } {
  const env = Array.from({ length: Math.ceil(size / 100) }, (_, i) => `VAR_${i}=${'v'.repeat(90)}`);
  return { ociVersion: '1.1.0', process: { args: ['sleep', id], env }, annotations: { 'test.id': id } };
}

const byId = (a: Container, b: Container): number => a.id.localeCompare(b.id);

describe('client: containers.list with and without specs against a real containerd', function () {
  let env: ClientEnv;
  const specs = new Map<string, unknown>();
  const t0 = new Date();

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('ctr-list');
    const c = env.client.containers;
    const create = async (id: string, opts: Omit<Parameters<typeof c.create>[0], 'id' | 'spec'>, specSize = 0): Promise<void> => {
      const spec = specFor(id, specSize);
      specs.set(id, spec);
      await c.create({ id, spec, ...opts });
    };
    await create('full', {
      image: 'docker.io/library/busybox:1.36', labels: { role: 'web', 'nerdctl/name': 'wéb ✓', empty: '' },
      runtimeOptions: runcOptions(env.runcRoot), snapshotter: 'overlayfs', snapshotKey: 'full-snapshot',
    });
    await create('bare', {});
    await create('big-spec', { labels: { role: 'big' } }, 300_000); // over the 64 KiB HTTP/2 window and frames
    await create('updated', { labels: { role: 'web' } });
    await new Promise((r) => setTimeout(r, 20)); // so the update's time differs from the creation's
    await c.update('updated', { labels: { role: 'db', extra: 'yes' } });
    for (let i = 0; i < MANY; i++) {
      await create(`many-${String(i).padStart(3, '0')}`, { image: `img-${i % 7}`, labels: { n: String(i), role: i % 2 ? 'odd' : 'even' } });
    }
  });

  after(async function () {
    this.timeout(60_000);
    await teardown(env);
  });

  it('returns the same containers as the full listing, field by field, without specs', async () => {
    const full = (await env.client.containers.list()).sort(byId);
    const bare = (await env.client.containers.list([], { spec: false })).sort(byId);
    assert.equal(full.length, MANY + 4);
    assert.deepEqual(bare, full.map((c) => ({ ...c, spec: undefined })));
    assert.ok(bare.every((c) => c.spec === undefined));
  });

  it('reads each field of the record as created', async () => {
    const bare = new Map((await env.client.containers.list([], { spec: false })).map((c) => [c.id, c]));
    const full = bare.get('full');
    assert.ok(full);
    assert.deepEqual(full.labels, { role: 'web', 'nerdctl/name': 'wéb ✓' }); // containerd drops empty values
    assert.equal(full.image, 'docker.io/library/busybox:1.36');
    assert.deepEqual(full.runtime, { name: 'io.containerd.runc.v2', optionsTypeUrl: 'containerd.runc.v1.Options' });
    assert.equal(full.snapshotter, 'overlayfs');
    assert.equal(full.snapshotKey, 'full-snapshot');
    assert.ok(full.createdAt && full.createdAt.getTime() >= t0.getTime() - 1000, `createdAt ${full.createdAt?.toISOString()}`);
    assert.deepEqual(full.extensions, {});
    assert.deepEqual(bare.get('bare'), {
      id: 'bare', labels: {}, image: '', runtime: { name: 'io.containerd.runc.v2' }, spec: undefined, snapshotter: '', snapshotKey: '',
      createdAt: bare.get('bare')?.createdAt, updatedAt: bare.get('bare')?.updatedAt, extensions: {},
    });
    const updated = bare.get('updated');
    assert.deepEqual(updated?.labels, { role: 'db', extra: 'yes' });
    assert.ok(updated?.createdAt && updated.updatedAt && updated.updatedAt > updated.createdAt, 'the update moved updatedAt only');
  });

  it('applies filters the same way', async () => {
    for (const filters of [['labels.role==web'], ['labels.role==odd', 'image==img-3'], ['id~=^many-01']]) {
      const full = (await env.client.containers.list(filters)).map((c) => ({ ...c, spec: undefined })).sort(byId);
      const bare = (await env.client.containers.list(filters, { spec: false })).sort(byId);
      assert.ok(full.length > 0, `${filters.join(' or ')} matches something`);
      assert.deepEqual(bare, full, filters.join(' or '));
    }
  });

  it('still returns every spec as created with spec: true (the default)', async () => {
    for (const listed of [await env.client.containers.list(), await env.client.containers.list([], { spec: true })]) {
      assert.equal(listed.length, specs.size);
      for (const c of listed) assert.deepEqual(c.spec, specs.get(c.id), c.id);
    }
  });
});
