// Live stats, the sampling half: one Tasks.List and one Tasks.Metrics call per tick for every task followed, rates
// from the previous tick, network counters from /proc/<pid>/net/dev where the metrics have none. An async iterable
// of sample batches; it ends when the AbortSignal fires, or when every followed task has stopped (each stopped task
// gets one last sample with state 'stopped').
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { ContainerdClient } from '../client';
import { NotFoundError } from '../errors';
import type { TaskMetrics } from '../metrics';
import type { TaskProcess } from '../types';
import { countersOf, parseNetDev, sampleOf, type StatsCounters, type StatsSample } from './stats';

export interface StatsSamplerOptions {
  /** The tasks to follow; undefined: every running or paused task of the namespace, joining as they start. */
  containerIds?: string[];
  /** Default 1000 ms. */
  intervalMs?: number;
  signal?: AbortSignal;
  /** Where to read `<pid>/net/dev` (default /proc; the client must share the host's PID namespace for it). */
  procRoot?: string;
  /** Host facts for the percentages (default: this machine's). */
  host?: { cpus: number; memoryBytes: number };
}

export const DEFAULT_STATS_INTERVAL_MS = 1000;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) { resolve(); return; }
    const done = (): void => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const liveState = (t: TaskProcess | undefined): 'running' | 'paused' | undefined =>
  t?.status === 'running' || t?.status === 'created' ? 'running' : t?.status === 'paused' || t?.status === 'pausing' ? 'paused' : undefined;

export class StatsSampler implements AsyncIterable<StatsSample[]> {
  private readonly prev = new Map<string, StatsCounters>();
  private readonly host: { cpus: number; memoryBytes: number };

  constructor(private readonly client: ContainerdClient, private readonly options: StatsSamplerOptions = {}) {
    this.host = options.host ?? { cpus: os.cpus().length || 1, memoryBytes: os.totalmem() };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StatsSample[]> {
    const { signal } = this.options;
    const wanted = this.options.containerIds ? new Set(this.options.containerIds) : undefined;
    const followed = new Set<string>(wanted ?? []);
    while (!signal?.aborted) {
      const started = Date.now();
      const batch = await this.tick(followed, wanted);
      if (signal?.aborted) return;
      if (batch.length) yield batch;
      if (wanted && followed.size === 0) return;
      await sleep(Math.max(0, (this.options.intervalMs ?? DEFAULT_STATS_INTERVAL_MS) - (Date.now() - started)), signal);
    }
  }

  /** One round: stopped samples for tasks gone or stopped, then a sample for each live one. */
  private async tick(followed: Set<string>, wanted: Set<string> | undefined): Promise<StatsSample[]> {
    const opts = { signal: this.options.signal };
    const tasks = new Map((await this.client.tasks.list('', opts)).filter((t) => !t.id).map((t) => [t.containerId, t]));
    if (!wanted) for (const [id, t] of tasks) if (liveState(t)) followed.add(id);
    const out: StatsSample[] = [];
    const live: string[] = [];
    for (const id of [...followed]) {
      const t = tasks.get(id);
      if (liveState(t)) { live.push(id); continue; }
      followed.delete(id);
      this.prev.delete(id);
      out.push({ containerId: id, state: 'stopped', time: new Date(), cgroup: 'unknown', ...(t?.status === 'stopped' ? { exitStatus: t.exitStatus } : {}) });
    }
    if (!live.length) return out;
    const received = Date.now();
    for (const m of await this.metrics(live)) {
      const t = tasks.get(m.containerId);
      const state = liveState(t);
      if (!state) continue;
      const cur = countersOf(m, received);
      if (!cur.network && t) {
        const net = this.netDev(t.pid);
        if (net) cur.network = { ...net, source: 'proc' };
      }
      out.push(sampleOf(cur, this.prev.get(m.containerId), state, this.host));
      this.prev.set(m.containerId, cur);
    }
    return out;
  }

  /** One call with a filter per task; if it fails (a task exited in between), one call per task so the others go on. */
  private async metrics(ids: string[]): Promise<TaskMetrics[]> {
    const opts = { signal: this.options.signal };
    try {
      return await this.client.tasks.metrics(ids, opts);
    } catch (e) {
      if (ids.length === 1) { if (e instanceof NotFoundError) return []; throw e; }
    }
    const out: TaskMetrics[] = [];
    for (const id of ids) out.push(...await this.client.tasks.metrics([id], opts).catch(() => []));
    return out;
  }

  private netDev(pid: number): { rxBytes: number; txBytes: number } | undefined {
    if (!pid) return undefined;
    try { return parseNetDev(fs.readFileSync(`${this.options.procRoot ?? '/proc'}/${pid}/net/dev`, 'utf8')); } catch { return undefined; }
  }
}

/** Samples the namespace's tasks (or those given) every interval until aborted or all stopped. */
export function sampleStats(client: ContainerdClient, options: StatsSamplerOptions = {}): StatsSampler {
  return new StatsSampler(client, options);
}
