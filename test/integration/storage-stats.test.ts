// The stats sampler on real tasks: a CPU burner shows > 50 % of one core, a task filling /dev/shm (tmpfs, charged
// to its memory cgroup and not reclaimable page cache) shows memory rising, one Tasks.Metrics round covers both,
// a stopped task ends its stream with a 'stopped' sample carrying the exit status, and network counters come from
// /proc/<pid>/net/dev (runc tasks' metrics have none).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startContainer } from '../../packages/containerd-client/src/run';
import { parseNetDev, sampleStats, type StatsSample } from '../../packages/containerd-client/src/storage';
import { clientEnv, importTestImage, teardown, type ClientEnv } from '../harness/client-setup';
import { create } from '../harness/run-setup';

describe('storage: stats sampler', function () {
  let env: ClientEnv;

  before(async function () {
    this.timeout(120_000);
    env = await clientEnv('stats');
    const image = await importTestImage(env.client, 'test.local/stats:1', {});
    await create(env, { id: 'burner', image: image.name, args: ['sh', '-c', 'while :; do :; done'] });
    // 24 MiB in 2 MiB steps, about 0.3 s apart, then idle.
    const grow = 'i=1; while [ $i -le 12 ]; do dd if=/dev/zero of=/dev/shm/f$i bs=1M count=2 2>/dev/null; i=$((i+1)); sleep 0.3; done; sleep 1000';
    await create(env, { id: 'grower', image: image.name, args: ['sh', '-c', grow] });
    await startContainer(env.client, 'burner');
    await startContainer(env.client, 'grower');
  });
  after(async function () { this.timeout(60_000); await teardown(env); });

  it('follows every running task of the namespace: the burner above 50 % of one core, the grower rising', async function () {
    this.timeout(60_000);
    const ac = new AbortController();
    const seen = new Map<string, StatsSample[]>();
    let rounds = 0;
    for await (const batch of sampleStats(env.client, { intervalMs: 500, signal: ac.signal })) {
      rounds++;
      for (const s of batch) seen.set(s.containerId, [...(seen.get(s.containerId) ?? []), s]);
      if (rounds >= 10) ac.abort();
    }
    assert.equal(rounds, 10, 'the stream ends when aborted');
    const burner = seen.get('burner') ?? [];
    const grower = seen.get('grower') ?? [];
    assert.equal(burner.length, 10, 'one sample per round for each task');
    assert.equal(grower.length, 10);
    assert.equal(burner[0].cpuPercent, undefined, 'a rate needs two samples');
    const cpu = burner.slice(1).map((s) => s.cpuPercent ?? 0);
    // The last four rounds: by then the grower (12 steps of dd and 0.3 s sleeps) is idle and the burner has a core.
    const mean = cpu.slice(-4).reduce((a, b) => a + b, 0) / 4;
    assert.ok(mean > 50, `burner CPU ${cpu.map((c) => c.toFixed(0)).join(', ')} % of one core`);
    assert.ok(burner.every((s) => s.state === 'running' && s.pids?.current === 1));
    const mem = grower.map((s) => s.memory?.usedBytes ?? 0);
    assert.ok(mem[mem.length - 1] - mem[0] >= 4 << 20, `grower memory ${mem.map((m) => (m / 1048576).toFixed(1)).join(', ')} MiB`);
    assert.equal(grower[0].memory?.limited, false, 'no memory limit set');
    process.stderr.write(`[storage-stats] burner CPU % of one core: ${cpu.map((c) => c.toFixed(0)).join(' ')}; grower MiB: ${mem.map((m) => (m / 1048576).toFixed(1)).join(' ')}; network: ${burner[1].network ? JSON.stringify(burner[1].network) : 'none (loopback only)'}\n`);
  });

  it('a followed task that stops ends the stream with a stopped sample and its exit status', async function () {
    this.timeout(60_000);
    const samples: StatsSample[] = [];
    let killed = false;
    for await (const batch of sampleStats(env.client, { containerIds: ['burner'], intervalMs: 300 })) {
      samples.push(...batch);
      if (!killed && samples.length >= 2) {
        killed = true;
        await env.client.tasks.kill('burner', 'SIGKILL');
      }
    }
    const last = samples[samples.length - 1];
    assert.equal(last.state, 'stopped');
    assert.equal(last.exitStatus, 137);
    assert.ok(samples.slice(0, -1).every((s) => s.state === 'running'));
  });

  it("network counters come from /proc/<pid>/net/dev of the task's network namespace (the host's here)", async function () {
    this.timeout(60_000);
    // With the host's network the task sees the host's interfaces; the sampler reads them through the task's pid.
    await create(env, { id: 'hostnet', image: 'test.local/stats:1', args: ['sleep', '1000'], network: 'host' });
    await startContainer(env.client, 'hostnet');
    const expected = parseNetDev(fs.readFileSync('/proc/self/net/dev', 'utf8'));
    const ac = new AbortController();
    const samples: StatsSample[] = [];
    for await (const batch of sampleStats(env.client, { containerIds: ['hostnet'], intervalMs: 300, signal: ac.signal })) {
      samples.push(...batch);
      if (samples.length >= 2) ac.abort();
    }
    assert.equal(samples[1].network?.source, 'proc');
    assert.ok((samples[1].network?.rxBytes ?? 0) >= (expected?.rxBytes ?? 0), `${JSON.stringify(samples[1].network)} vs the host's ${JSON.stringify(expected)}`);
    assert.ok((samples[1].network?.rxPerSec ?? -1) >= 0);
  });

  it('a task that does not exist yields one stopped sample and ends', async () => {
    const batches: StatsSample[][] = [];
    for await (const b of sampleStats(env.client, { containerIds: ['no-such-task'] })) batches.push(b);
    assert.deepEqual(batches.map((b) => b.map((s) => [s.containerId, s.state])), [[['no-such-task', 'stopped']]]);
  });
});
