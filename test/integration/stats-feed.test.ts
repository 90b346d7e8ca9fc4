// The Stats panel's host half (StatsFeed) on real tasks of a private containerd: it samples only between start() and
// stop() (the panel's visibility), keeps each task's window across a stop, follows every running task of a
// namespace, and a single task that is killed freezes with its exit status: start() then samples nothing more.
import * as assert from 'node:assert/strict';
import { startContainer } from '../../packages/containerd-client/src/run';
import { StatsFeed, type FeedBatch } from '../../src/views/stats/stats-feed';
import { clientEnv, importTestImage, teardown, type ClientEnv } from '../harness/client-setup';
import { create } from '../harness/run-setup';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the batches seen until `ok` holds (or rejects after timeoutMs). */
function batchesUntil(feed: StatsFeed, ok: (all: FeedBatch[]) => boolean, timeoutMs = 30_000): Promise<FeedBatch[]> {
  const all: FeedBatch[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out after ${all.length} batches`)); }, timeoutMs);
    const sub = feed.onBatch((b) => {
      all.push(b);
      if (ok(all)) { clearTimeout(timer); sub.dispose(); resolve(all); }
    });
  });
}

describe('stats panel: the feed on real tasks', function () {
  let env: ClientEnv;

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('stats-feed');
    const image = await importTestImage(env.client, 'test.local/stats-feed:1', {});
    for (const id of ['feed-a', 'feed-b']) {
      await create(env, { id, image: image.name, args: ['sleep', '1000'] });
      await startContainer(env.client, id);
    }
  });
  after(async function () { this.timeout(60_000); await teardown(env); });

  it('samples one task only while started, keeps its window across a stop, and freezes it when it is killed', async function () {
    this.timeout(90_000);
    const feed = new StatsFeed({ namespace: env.client.namespace, containerId: 'feed-a', client: async () => env.client, intervalMs: 200 });
    try {
      let batches = 0;
      feed.onBatch(() => { batches++; });
      await sleep(600);
      assert.equal(batches, 0, 'nothing is sampled before start()');
      assert.equal(feed.sampling, false);

      feed.start();
      await batchesUntil(feed, (all) => all.length >= 3);
      feed.stop();
      await feed.settled();
      const kept = feed.history();
      assert.equal(kept.length, 1);
      assert.equal(kept[0].state, 'running');
      assert.ok(kept[0].points.length >= 3, `${kept[0].points.length} points kept`);
      assert.ok(kept[0].points.slice(1).every((p) => p.cpu !== undefined && p.memUsed !== undefined && p.pids === 1));
      const before = batches;
      await sleep(800);
      assert.equal(batches, before, 'no sampling after stop()');

      feed.start();
      await batchesUntil(feed, (all) => all.length >= 2);
      assert.ok(feed.history()[0].points.length >= kept[0].points.length + 2, 'the window grows on from what was kept');

      const stopped = batchesUntil(feed, (all) => all.some((b) => b.some((s) => s.state === 'stopped')));
      await env.client.tasks.kill('feed-a', 'SIGKILL');
      const last = (await stopped).flat().pop();
      assert.deepEqual(last, { id: 'feed-a', state: 'stopped', exitStatus: 137 });
      await feed.settled();
      assert.equal(feed.sampling, false, 'the stream ended with the task');
      const frozen = feed.history()[0];
      assert.equal(frozen.state, 'stopped');
      assert.ok(frozen.points.length > 0, 'the frozen chart keeps its points');
      feed.start();
      assert.equal(feed.sampling, false, 'a stopped task is not sampled again');
    } finally {
      feed.dispose();
    }
  });

  it('follows every running task of the namespace', async function () {
    this.timeout(60_000);
    const feed = new StatsFeed({ namespace: env.client.namespace, client: async () => env.client, intervalMs: 200 });
    try {
      feed.start();
      const seen = await batchesUntil(feed, (all) => all.length >= 2);
      const ids = new Set(seen.flat().filter((s) => s.point).map((s) => s.id));
      assert.ok(ids.has('feed-b'), `followed: ${[...ids].join(', ')}`);
      assert.ok(!ids.has('feed-a'), 'the killed task is not followed');
    } finally {
      feed.dispose();
    }
    assert.equal(feed.sampling, false, 'dispose stops sampling');
  });
});
