// Live stats from Tasks.Metrics, the pure half: cumulative counters out of a decoded cgroup v1 or v2 payload, and
// rates between two of them (what `docker stats` shows). The sampler (stats-sampler.ts) feeds it.
import type { TaskMetrics } from '../metrics';

/** Cumulative counters and gauges of one task at one time. */
export interface StatsCounters {
  containerId: string;
  /** When containerd read the cgroup (its timestamp), else when we received it. */
  timeMs: number;
  cgroup: TaskMetrics['cgroup'];
  cpuNs?: number;
  memory?: { usageBytes: number; inactiveFileBytes: number; limitBytes?: number };
  pids?: { current: number; limit?: number };
  blockIo?: { readBytes: number; writeBytes: number };
  network?: { rxBytes: number; txBytes: number; source: 'metrics' | 'proc' };
}

export type SampleState = 'running' | 'paused' | 'stopped';

export interface StatsSample {
  containerId: string;
  state: SampleState;
  time: Date;
  cgroup: TaskMetrics['cgroup'];
  /** CPU time over wall time since the previous sample, in % of one core (200 = two cores busy). */
  cpuPercent?: number;
  /** The same in % of the whole host (all cores = 100), as `docker stats` shows it. */
  cpuHostPercent?: number;
  memory?: {
    /** What docker shows: usage minus inactive page cache (v1 total_inactive_file, v2 inactive_file). */
    usedBytes: number;
    /** The cgroup's raw usage (v1 memory.usage_in_bytes, v2 memory.current), page cache included. */
    usageBytes: number;
    /** The cgroup's limit, or the host's memory when unlimited (as docker shows it). */
    limitBytes: number;
    limited: boolean;
    percent: number;
  };
  pids?: { current: number; limit?: number };
  /** Cumulative bytes, and per second since the previous sample. */
  blockIo?: { readBytes: number; writeBytes: number; readPerSec?: number; writePerSec?: number };
  /** `source: 'proc'`: read from /proc/<pid>/net/dev (containerd's metrics carry no network counters for runc tasks). */
  network?: { rxBytes: number; txBytes: number; rxPerSec?: number; txPerSec?: number; source: 'metrics' | 'proc' };
  /** On the 'stopped' sample that ends a task's stream. */
  exitStatus?: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const num = (v: unknown): number => Number(v ?? 0) || 0;

/** Above this a cgroup limit means "none": v1 reports 2^63 rounded down to a page, v2 "max" as 2^64-1. */
const UNLIMITED = 2 ** 62;

/** Counters out of a decoded Tasks.Metrics entry; `timeMs` falls back to `receivedAtMs`. */
export function countersOf(m: TaskMetrics, receivedAtMs: number): StatsCounters {
  const out: StatsCounters = { containerId: m.containerId, timeMs: m.timestamp?.getTime() ?? receivedAtMs, cgroup: m.cgroup };
  const raw = m.raw ?? {};
  if (m.cpu) out.cpuNs = m.cpu.usageNs;
  if (m.pids) out.pids = { current: m.pids.current, ...(m.pids.limit > 0 && m.pids.limit < UNLIMITED ? { limit: m.pids.limit } : {}) };
  const limit = (l: number): { limitBytes?: number } => (l > 0 && l < UNLIMITED ? { limitBytes: l } : {});
  if (m.cgroup === 'v1') {
    const mem = obj(raw.memory);
    if (m.memory) out.memory = { usageBytes: m.memory.usageBytes, inactiveFileBytes: num(mem.total_inactive_file), ...limit(m.memory.limitBytes) };
    const io = arr(obj(raw.blkio).io_service_bytes_recursive);
    out.blockIo = {
      readBytes: io.filter((e) => String(e.op).toLowerCase() === 'read').reduce((n, e) => n + num(e.value), 0),
      writeBytes: io.filter((e) => String(e.op).toLowerCase() === 'write').reduce((n, e) => n + num(e.value), 0),
    };
    const net = arr(raw.network).filter((n) => n.name !== 'lo');
    if (net.length) out.network = { rxBytes: net.reduce((n, e) => n + num(e.rx_bytes), 0), txBytes: net.reduce((n, e) => n + num(e.tx_bytes), 0), source: 'metrics' };
  } else if (m.cgroup === 'v2') {
    const mem = obj(raw.memory);
    if (m.memory) out.memory = { usageBytes: m.memory.usageBytes, inactiveFileBytes: num(mem.inactive_file), ...limit(m.memory.limitBytes) };
    const io = arr(obj(raw.io).usage);
    out.blockIo = { readBytes: io.reduce((n, e) => n + num(e.rbytes), 0), writeBytes: io.reduce((n, e) => n + num(e.wbytes), 0) };
  }
  return out;
}

/** `/proc/<pid>/net/dev` of a task's process: its network namespace's interfaces, loopback left out. */
export function parseNetDev(text: string): { rxBytes: number; txBytes: number } | undefined {
  let rx = 0;
  let tx = 0;
  let seen = false;
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    // Receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes ...
    if (f.length < 9) continue;
    rx += f[0];
    tx += f[8];
    seen = true;
  }
  return seen ? { rxBytes: rx, txBytes: tx } : undefined;
}

const perSec = (cur: number, prev: number | undefined, seconds: number): number | undefined =>
  prev === undefined || seconds <= 0 ? undefined : Math.max(0, (cur - prev) / seconds);

/**
 * One sample from the current counters and the previous ones (rates need two; the first sample has gauges only).
 * Memory follows docker: v1 usage - total_inactive_file, v2 memory.current - inactive_file (page cache the kernel
 * reclaims first does not count), never below zero.
 */
export function sampleOf(cur: StatsCounters, prev: StatsCounters | undefined, state: SampleState, host: { cpus: number; memoryBytes: number }): StatsSample {
  const seconds = prev ? (cur.timeMs - prev.timeMs) / 1000 : 0;
  const s: StatsSample = { containerId: cur.containerId, state, time: new Date(cur.timeMs), cgroup: cur.cgroup };
  if (cur.cpuNs !== undefined && prev?.cpuNs !== undefined && seconds > 0) {
    s.cpuPercent = Math.max(0, (cur.cpuNs - prev.cpuNs) / (seconds * 1e9)) * 100;
    s.cpuHostPercent = s.cpuPercent / Math.max(1, host.cpus);
  }
  if (cur.memory) {
    const { usageBytes, inactiveFileBytes, limitBytes } = cur.memory;
    const used = inactiveFileBytes < usageBytes ? usageBytes - inactiveFileBytes : usageBytes;
    const lim = limitBytes ?? host.memoryBytes;
    s.memory = { usedBytes: used, usageBytes, limitBytes: lim, limited: limitBytes !== undefined, percent: lim > 0 ? (used / lim) * 100 : 0 };
  }
  if (cur.pids) s.pids = cur.pids;
  if (cur.blockIo) {
    const r = perSec(cur.blockIo.readBytes, prev?.blockIo?.readBytes, seconds);
    const w = perSec(cur.blockIo.writeBytes, prev?.blockIo?.writeBytes, seconds);
    s.blockIo = { ...cur.blockIo, ...(r !== undefined ? { readPerSec: r } : {}), ...(w !== undefined ? { writePerSec: w } : {}) };
  }
  if (cur.network) {
    const r = perSec(cur.network.rxBytes, prev?.network?.rxBytes, seconds);
    const t = perSec(cur.network.txBytes, prev?.network?.txBytes, seconds);
    s.network = { ...cur.network, ...(r !== undefined ? { rxPerSec: r } : {}), ...(t !== undefined ? { txPerSec: t } : {}) };
  }
  return s;
}
