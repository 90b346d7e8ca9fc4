// The Stats panel's data, shared by the extension host and the webview script (so it imports nothing): one compact
// point per sample, the rolling window of points a chart shows, the table's rows and their sorting, and the text of
// each figure. Messages between host and webview are typed here too.

/** One sample as the webview sees it. `t` is seconds since the epoch (uPlot's time axis). */
export interface StatsPoint {
  t: number;
  /** % of one core (200 = two cores busy). */
  cpu?: number;
  memUsed?: number;
  memLimit?: number;
  /** Whether memLimit is the cgroup's (true) or the host's memory (false). */
  memLimited?: boolean;
  pids?: number;
  netRx?: number;
  netTx?: number;
  blkRead?: number;
  blkWrite?: number;
}

export type TaskRunState = 'running' | 'paused' | 'stopped';

/** What the latest sample of one task says, for its table row and banner. */
export interface TaskStatus {
  id: string;
  state: TaskRunState;
  exitStatus?: number;
}

export interface TaskHistory extends TaskStatus { points: StatsPoint[] }

export type HostMessage =
  | { type: 'init'; mode: 'task' | 'namespace'; namespace: string; containerId?: string; windowSeconds: number; tasks: TaskHistory[] }
  | { type: 'samples'; samples: (TaskStatus & { point?: StatsPoint })[] }
  | { type: 'status'; text: string; error?: boolean };

export type WebviewMessage = { type: 'ready' };

/** Five minutes at one sample a second. */
export const DEFAULT_WINDOW_SECONDS = 300;

/** Points of one task over the last `seconds` (by their own timestamps, not by count: sampling pauses while hidden). */
export class SeriesWindow {
  private readonly items: StatsPoint[] = [];

  constructor(private readonly seconds = DEFAULT_WINDOW_SECONDS) {}

  push(p: StatsPoint): void {
    // Samples arrive in order; one out of order (a restarted sampler reading an older cgroup timestamp) is dropped.
    const last = this.items[this.items.length - 1];
    if (last && p.t <= last.t) return;
    this.items.push(p);
    const oldest = p.t - this.seconds;
    let drop = 0;
    while (drop < this.items.length && this.items[drop].t < oldest) drop++;
    if (drop) this.items.splice(0, drop);
  }

  get points(): readonly StatsPoint[] { return this.items; }
  get latest(): StatsPoint | undefined { return this.items[this.items.length - 1]; }
}

export type SeriesKey = Exclude<keyof StatsPoint, 't' | 'memLimited'>;

/** uPlot's data layout: the time column, then one column per key, null where a sample lacks the figure (a gap). */
export function columnsOf(points: readonly StatsPoint[], keys: readonly SeriesKey[]): [number[], ...(number | null)[][]] {
  const t = points.map((p) => p.t);
  const cols = keys.map((k) => points.map((p) => p[k] ?? null));
  return [t, ...cols];
}

export type SortKey = 'id' | 'cpu' | 'mem' | 'pids' | 'net' | 'block';
export type SortDir = 'asc' | 'desc';

export interface TableRow extends TaskStatus { latest?: StatsPoint }

/** The figure a column sorts by; undefined sorts last whatever the direction. */
export function sortValue(row: TableRow, key: SortKey): number | string | undefined {
  const p = row.latest;
  switch (key) {
    case 'id': return row.id;
    case 'cpu': return p?.cpu;
    case 'mem': return p?.memUsed;
    case 'pids': return p?.pids;
    case 'net': return p && (p.netRx !== undefined || p.netTx !== undefined) ? (p.netRx ?? 0) + (p.netTx ?? 0) : undefined;
    case 'block': return p && (p.blkRead !== undefined || p.blkWrite !== undefined) ? (p.blkRead ?? 0) + (p.blkWrite ?? 0) : undefined;
  }
}

/** Live tasks before stopped ones, then by the column; ties and missing figures by id, so the order is stable. */
export function sortRows(rows: readonly TableRow[], key: SortKey, dir: SortDir): TableRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const stopped = Number(a.state === 'stopped') - Number(b.state === 'stopped');
    if (stopped) return stopped;
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === undefined || vb === undefined) {
      if (va !== vb) return va === undefined ? 1 : -1;
    } else if (va !== vb) {
      return (typeof va === 'string' && typeof vb === 'string' ? va.localeCompare(vb) : Number(va) - Number(vb)) * sign;
    }
    return a.id.localeCompare(b.id);
  });
}

/** Clicking the sorted column flips it; another column starts descending (the busiest first), the name ascending. */
export function nextSort(current: { key: SortKey; dir: SortDir }, clicked: SortKey): { key: SortKey; dir: SortDir } {
  if (current.key === clicked) return { key: clicked, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key: clicked, dir: clicked === 'id' ? 'asc' : 'desc' };
}

export function formatPercent(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} %`;
}

/** Binary units, like `docker stats`: 12.5 MiB. */
export function formatBytesIEC(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v) || v < 0) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let n = v;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return i === 0 ? `${Math.round(n)} B` : `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ${units[i]}`;
}

export function formatRate(v: number | undefined): string {
  return v === undefined ? '–' : `${formatBytesIEC(v)}/s`;
}

/** `12.5 MiB / 512.0 MiB` (the host's memory when the cgroup has no limit, marked so). */
export function formatMemoryPair(p: StatsPoint | undefined): string {
  if (p?.memUsed === undefined) return '–';
  if (p.memLimit === undefined) return formatBytesIEC(p.memUsed);
  return `${formatBytesIEC(p.memUsed)} / ${formatBytesIEC(p.memLimit)}${p.memLimited ? '' : ' (host)'}`;
}

/** `rx / tx` or `read / write`, the column header says which. */
export function formatPair(a: number | undefined, b: number | undefined, fmt: (v: number | undefined) => string): string {
  return a === undefined && b === undefined ? '–' : `${fmt(a)} / ${fmt(b)}`;
}

/** The banner of a frozen chart: "stopped (exit 137)", or "stopped" when the exit status is unknown. */
export function stateText(s: TaskStatus): string {
  if (s.state !== 'stopped') return s.state;
  return s.exitStatus === undefined ? 'stopped' : `stopped (exit ${s.exitStatus})`;
}
