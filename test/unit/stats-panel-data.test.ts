// The Stats panel's pure half, in plain Node: samples to points, the rolling window and its chart columns, the
// all-tasks table's sorting, and the figures' text.
import * as assert from 'node:assert/strict';
import type { StatsSample } from '../../packages/containerd-client/src';
import {
  columnsOf, formatBytesIEC, formatMemoryPair, formatPair, formatPercent, formatRate, nextSort, SeriesWindow, sortRows,
  stateText, type StatsPoint, type TableRow,
} from '../../src/views/stats/stats-data';
import { pointOf } from '../../src/views/stats/stats-feed';

const row = (id: string, latest: Partial<StatsPoint> | undefined, state: TableRow['state'] = 'running'): TableRow =>
  ({ id, state, ...(latest ? { latest: { t: 1, ...latest } } : {}) });

describe('stats panel: data', () => {
  it('turns a sample into a point with rates and memory used/limit, leaving out what the sample lacks', () => {
    const s: StatsSample = {
      containerId: 'c', state: 'running', time: new Date(1_700_000_000_500), cgroup: 'v2', cpuPercent: 98.5, cpuHostPercent: 49.25,
      memory: { usedBytes: 10, usageBytes: 12, limitBytes: 100, limited: true, percent: 10 }, pids: { current: 3 },
      blockIo: { readBytes: 1, writeBytes: 2, readPerSec: 5, writePerSec: 6 }, network: { rxBytes: 1, txBytes: 1, source: 'proc' },
    };
    assert.deepEqual(pointOf(s), { t: 1_700_000_000.5, cpu: 98.5, memUsed: 10, memLimit: 100, memLimited: true, pids: 3, blkRead: 5, blkWrite: 6 });
    assert.deepEqual(pointOf({ containerId: 'c', state: 'running', time: new Date(2000), cgroup: 'v1' }), { t: 2 });
  });

  it('keeps the last window of seconds by timestamp and drops samples out of order', () => {
    const w = new SeriesWindow(10);
    for (const t of [100, 101, 105, 104, 110, 111]) w.push({ t, cpu: t });
    assert.deepEqual(w.points.map((p) => p.t), [101, 105, 110, 111]);
    w.push({ t: 200 });
    assert.deepEqual(w.points.map((p) => p.t), [200], 'a long pause (panel hidden) leaves only the new point');
    assert.equal(w.latest?.t, 200);
  });

  it('lays points out as uPlot columns with gaps as null', () => {
    const pts: StatsPoint[] = [{ t: 1, cpu: 5, netRx: 1 }, { t: 2, netRx: 2 }, { t: 3, cpu: 7 }];
    assert.deepEqual(columnsOf(pts, ['cpu', 'netRx']), [[1, 2, 3], [5, null, 7], [1, 2, null]]);
    assert.deepEqual(columnsOf([], ['cpu']), [[], []]);
  });

  it('sorts the table by a column, live tasks first, missing figures last, ties by name', () => {
    const rows = [row('b', { cpu: 10, memUsed: 300 }), row('a', { cpu: 90, memUsed: 100 }), row('z', { cpu: 99 }, 'stopped'), row('c', { memUsed: 200 }), row('d', { cpu: 10, memUsed: 5 })];
    assert.deepEqual(sortRows(rows, 'cpu', 'desc').map((r) => r.id), ['a', 'b', 'd', 'c', 'z']);
    assert.deepEqual(sortRows(rows, 'cpu', 'asc').map((r) => r.id), ['b', 'd', 'a', 'c', 'z']);
    assert.deepEqual(sortRows(rows, 'mem', 'desc').map((r) => r.id), ['b', 'c', 'a', 'd', 'z']);
    assert.deepEqual(sortRows(rows, 'id', 'asc').map((r) => r.id), ['a', 'b', 'c', 'd', 'z']);
    const io = [row('x', { netRx: 1, netTx: 1 }), row('y', { netTx: 5 }), row('w', {})];
    assert.deepEqual(sortRows(io, 'net', 'desc').map((r) => r.id), ['y', 'x', 'w']);
    assert.deepEqual(sortRows([row('p', { blkWrite: 1 }), row('q', { blkRead: 4 })], 'block', 'desc').map((r) => r.id), ['q', 'p']);
  });

  it('flips the sorted column and starts another one busiest first', () => {
    assert.deepEqual(nextSort({ key: 'cpu', dir: 'desc' }, 'cpu'), { key: 'cpu', dir: 'asc' });
    assert.deepEqual(nextSort({ key: 'cpu', dir: 'asc' }, 'mem'), { key: 'mem', dir: 'desc' });
    assert.deepEqual(nextSort({ key: 'cpu', dir: 'desc' }, 'id'), { key: 'id', dir: 'asc' });
  });

  it('writes the figures like docker stats', () => {
    assert.equal(formatPercent(undefined), '–');
    assert.equal(formatPercent(5.123), '5.12 %');
    assert.equal(formatPercent(123.45), '123.5 %');
    assert.equal(formatBytesIEC(512), '512 B');
    assert.equal(formatBytesIEC(1536), '1.50 KiB');
    assert.equal(formatBytesIEC(50 * 1024 * 1024), '50.0 MiB');
    assert.equal(formatRate(2048), '2.00 KiB/s');
    assert.equal(formatMemoryPair({ t: 0, memUsed: 1024 * 1024, memLimit: 64 * 1024 * 1024, memLimited: true }), '1.00 MiB / 64.0 MiB');
    assert.equal(formatMemoryPair({ t: 0, memUsed: 1024, memLimit: 2 * 1024 ** 3, memLimited: false }), '1.00 KiB / 2.00 GiB (host)');
    assert.equal(formatPair(undefined, undefined, formatRate), '–');
    assert.equal(formatPair(0, 1024, formatRate), '0 B/s / 1.00 KiB/s');
    assert.equal(stateText({ id: 'c', state: 'stopped', exitStatus: 137 }), 'stopped (exit 137)');
    assert.equal(stateText({ id: 'c', state: 'stopped' }), 'stopped');
    assert.equal(stateText({ id: 'c', state: 'paused' }), 'paused');
  });
});
