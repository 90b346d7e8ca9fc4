// The charts of one task, drawn by uPlot: CPU, memory, pids, network and block I/O over the panel's time window, in
// the VS Code theme's chart colours (read from its CSS variables, again when the theme changes). Each chart's header
// carries the latest figure as text and as data-value, which is what the UI tests read back.
import uPlot from 'uplot';
import {
  columnsOf, formatBytesIEC, formatMemoryPair, formatPair, formatPercent, formatRate,
  type SeriesKey, type StatsPoint,
} from '../stats-data';

interface SeriesSpec { key: SeriesKey; label: string; colour: string }
interface ChartSpec {
  id: 'cpu' | 'mem' | 'pids' | 'net' | 'block';
  title: string;
  series: SeriesSpec[];
  axis: (v: number) => string;
  bytes?: boolean;
  now: (p: StatsPoint | undefined) => string;
  value: (p: StatsPoint | undefined) => number | undefined;
}

const CHARTS: ChartSpec[] = [
  { id: 'cpu', title: 'CPU (% of one core)', series: [{ key: 'cpu', label: 'CPU', colour: 'blue' }], axis: (v) => `${v.toFixed(v >= 10 || v === 0 ? 0 : v >= 1 ? 1 : 2)}%`, now: (p) => formatPercent(p?.cpu), value: (p) => p?.cpu },
  { id: 'mem', title: 'Memory', series: [{ key: 'memUsed', label: 'used', colour: 'purple' }], axis: (v) => formatBytesIEC(v), bytes: true, now: formatMemoryPair, value: (p) => p?.memUsed },
  { id: 'pids', title: 'Processes', series: [{ key: 'pids', label: 'pids', colour: 'green' }], axis: (v) => v.toFixed(0), now: (p) => (p?.pids === undefined ? '–' : String(p.pids)), value: (p) => p?.pids },
  {
    id: 'net', title: 'Network (rx / tx)', series: [{ key: 'netRx', label: 'rx', colour: 'blue' }, { key: 'netTx', label: 'tx', colour: 'orange' }],
    axis: (v) => `${formatBytesIEC(v)}/s`, bytes: true, now: (p) => formatPair(p?.netRx, p?.netTx, formatRate), value: (p) => (p?.netRx ?? 0) + (p?.netTx ?? 0),
  },
  {
    id: 'block', title: 'Block I/O (read / write)', series: [{ key: 'blkRead', label: 'read', colour: 'green' }, { key: 'blkWrite', label: 'write', colour: 'red' }],
    axis: (v) => `${formatBytesIEC(v)}/s`, bytes: true, now: (p) => formatPair(p?.blkRead, p?.blkWrite, formatRate), value: (p) => (p?.blkRead ?? 0) + (p?.blkWrite ?? 0),
  },
];

const HEIGHT = 130;
/** The time axis spans at least this much, so the first seconds after opening draw a line, not a dot at the edge. */
const MIN_SPAN_SECONDS = 30;
/** Tick steps for byte axes in binary units (1, 2, 4 … 512 KiB, MiB, GiB). */
const BYTE_INCRS = [0, 1, 2, 3].flatMap((k) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((n) => n * 1024 ** k));

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

interface Theme { fg: string; grid: string; colour(name: string): string }

function theme(): Theme {
  return {
    fg: cssVar('--vscode-foreground', '#cccccc'),
    grid: cssVar('--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    colour: (name) => cssVar(`--vscode-charts-${name}`, '#3794ff'),
  };
}

interface Chart { spec: ChartSpec; plot: uPlot; now: HTMLElement; box: HTMLElement }

/** The chart set of one task inside `host`; update() redraws from the task's points. */
export class TaskCharts {
  private charts: Chart[] = [];
  private points: readonly StatsPoint[] = [];

  constructor(private readonly host: HTMLElement, private readonly windowSeconds: number) {
    this.build();
  }

  private build(): void {
    const t = theme();
    this.host.replaceChildren();
    this.charts = CHARTS.map((spec) => {
      const box = document.createElement('section');
      box.className = 'chart';
      box.dataset.chart = spec.id;
      const head = document.createElement('h3');
      const title = document.createElement('span');
      title.textContent = spec.title;
      const now = document.createElement('span');
      now.className = 'now';
      head.append(title, now);
      const area = document.createElement('div');
      box.append(head, area);
      this.host.append(box);
      const axis = { stroke: t.fg, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 } };
      // Wall-clock seconds only: uPlot's default two-line date labels crowd a five-minute axis.
      const clock = (_u: uPlot, vals: number[]): string[] => vals.map((v) => new Date(v * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }));
      const opts: uPlot.Options = {
        width: this.width(), height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: true, range: (_u, min, max) => [Math.max(max - this.windowSeconds, Math.min(min, max - MIN_SPAN_SECONDS)), max] },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        },
        series: [{}, ...spec.series.map((s) => ({ label: s.label, stroke: t.colour(s.colour), width: 1.5 }))],
        axes: [{ ...axis, space: 70, values: clock }, { ...axis, size: 80, ...(spec.bytes ? { incrs: BYTE_INCRS } : {}), values: (_u: uPlot, vals: number[]) => vals.map((v) => spec.axis(v)) }],
      };
      const plot = new uPlot(opts, columnsOf(this.points, spec.series.map((s) => s.key)), area);
      return { spec, plot, now, box };
    });
    this.refreshHeads();
  }

  private width(): number {
    return Math.max(240, this.host.clientWidth || 600);
  }

  update(points: readonly StatsPoint[]): void {
    this.points = points;
    for (const c of this.charts) c.plot.setData(columnsOf(points, c.spec.series.map((s) => s.key)));
    this.refreshHeads();
  }

  private refreshHeads(): void {
    const latest = this.points[this.points.length - 1];
    for (const c of this.charts) {
      c.box.dataset.points = String(this.points.length);
      c.now.textContent = c.spec.now(latest);
      const v = c.spec.value(latest);
      if (v === undefined) delete c.box.dataset.value;
      else c.box.dataset.value = String(v);
    }
  }

  resize(): void {
    const w = this.width();
    for (const c of this.charts) c.plot.setSize({ width: w, height: HEIGHT });
  }

  /** Colours come from the theme: a theme change rebuilds the charts. */
  retheme(): void {
    this.destroy();
    this.build();
  }

  destroy(): void {
    for (const c of this.charts) c.plot.destroy();
    this.charts = [];
    this.host.replaceChildren();
  }
}
