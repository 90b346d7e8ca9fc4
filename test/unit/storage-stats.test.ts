// Live stats from recorded Tasks.Metrics payloads: a real cgroup v1 one captured from the harness daemon (a CPU
// burner with 8 MiB in its page cache) and a synthesized v2 one (these machines have no cgroup v2). Rates, docker's
// memory semantics (usage minus inactive file), unlimited limits, /proc/<pid>/net/dev parsing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeMetrics } from '../../packages/containerd-client/src/metrics';
import { countersOf, parseNetDev, sampleOf } from '../../packages/containerd-client/src/storage';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
interface Recorded { id: string; timestamp: { seconds: number; nanos: number }; type_url: string; value: string }
function load(file: string): ReturnType<typeof decodeMetrics>[] {
  const { samples } = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { samples: Recorded[] };
  return samples.map((s) => decodeMetrics(s.id, new Date(s.timestamp.seconds * 1000 + Math.floor(s.timestamp.nanos / 1e6)), { type_url: s.type_url, value: Buffer.from(s.value, 'base64') }));
}
const HOST = { cpus: 2, memoryBytes: 8 * 2 ** 30 };

describe('storage: stats from recorded metrics', () => {
  it('cgroup v1 (captured): CPU % of one core and of the host, memory without the inactive page cache, no limit', () => {
    const [a, b] = load('metrics-v1-burner.json');
    assert.equal(a.cgroup, 'v1');
    const ca = countersOf(a, 0);
    const cb = countersOf(b, 0);
    const first = sampleOf(ca, undefined, 'running', HOST);
    assert.equal(first.cpuPercent, undefined, 'no rate from one sample');
    const s = sampleOf(cb, ca, 'running', HOST);
    // 966538387 - 504150620 ns of CPU over 1.004873734 s of containerd's timestamps (ms precision here).
    const seconds = (cb.timeMs - ca.timeMs) / 1000;
    assert.ok(Math.abs(seconds - 1.005) < 0.002, `interval ${seconds}`);
    assert.ok(Math.abs((s.cpuPercent ?? 0) - (462387767 / 1e9 / seconds) * 100) < 1e-6, `cpu ${s.cpuPercent}`);
    assert.ok((s.cpuPercent ?? 0) > 40 && (s.cpuPercent ?? 0) < 50);
    assert.equal(s.cpuHostPercent, (s.cpuPercent ?? 0) / 2);
    // usage 9175040 includes the 8 MiB file dd wrote to /tmp (total_inactive_file 8388608): docker shows 768 KiB.
    assert.deepEqual(s.memory, { usedBytes: 9175040 - 8388608, usageBytes: 9175040, limitBytes: HOST.memoryBytes, limited: false, percent: ((9175040 - 8388608) / HOST.memoryBytes) * 100 });
    assert.deepEqual(s.pids, { current: 1 }, 'pids.max "max" is no limit');
    assert.deepEqual(s.blockIo, { readBytes: 0, writeBytes: 0, readPerSec: 0, writePerSec: 0 });
    assert.equal(s.network, undefined, 'runc task metrics carry no network counters');
  });

  it('cgroup v2 (synthesized): memory.current minus inactive_file, memory.max as the limit, io.stat rates summed over devices', () => {
    const [a, b] = load('metrics-v2-synthesized.json');
    assert.equal(a.cgroup, 'v2');
    const s = sampleOf(countersOf(b, 0), countersOf(a, 0), 'running', HOST);
    assert.equal(s.cpuPercent, 75, '1.5 s of CPU in 2 s');
    assert.equal(s.cpuHostPercent, 37.5);
    assert.deepEqual(s.memory, { usedBytes: 56623104 - 8388608, usageBytes: 56623104, limitBytes: 268435456, limited: true, percent: ((56623104 - 8388608) / 268435456) * 100 });
    assert.deepEqual(s.pids, { current: 3, limit: 4096 });
    assert.deepEqual(s.blockIo, { readBytes: 6291456 + 1000, writeBytes: 3145728, readPerSec: 524288, writePerSec: 1048576 });
  });

  it('a counter that goes backwards (cgroup recreated) gives 0, not a negative rate', () => {
    const [a, b] = load('metrics-v2-synthesized.json');
    const s = sampleOf(countersOf(a, 0), { ...countersOf(b, 0), timeMs: countersOf(a, 0).timeMs - 1000 }, 'running', HOST);
    assert.equal(s.cpuPercent, 0);
    assert.equal(s.blockIo?.writePerSec, 0);
  });

  it('reads rx/tx bytes of /proc/<pid>/net/dev without loopback', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:    1234      10    0    0    0     0          0         0     1234      10    0    0    0     0       0          0',
      '  eth0: 5000000    4000    0    0    0     0          0         0   300000    2000    0    0    0     0       0          0',
      '  eth1:     100       1    0    0    0     0          0         0       50       1    0    0    0     0       0          0',
    ].join('\n');
    assert.deepEqual(parseNetDev(text), { rxBytes: 5000100, txBytes: 300050 });
    assert.equal(parseNetDev(text.split('\n').slice(0, 3).join('\n')), undefined, 'loopback only: no network');
  });
});
