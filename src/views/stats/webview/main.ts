// The Stats webview's script (bundled by esbuild into dist/webview/stats.js, run in the browser under a strict CSP).
// It only draws: the extension host samples and keeps the history, sends it whole on 'init' (when this page loads or
// reloads) and one batch per tick after that. Task mode: the task's charts, frozen under a banner once it stopped.
// Namespace mode: a sortable table of every task and the selected row's charts.
import 'uplot/dist/uPlot.min.css';
import './stats.css';
import { DEFAULT_WINDOW_SECONDS, SeriesWindow, stateText, type HostMessage, type TaskStatus, type WebviewMessage } from '../stats-data';
import { TaskCharts } from './charts';
import { TasksTable, type TableState } from './table';

interface VsCodeApi { postMessage(m: WebviewMessage): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('stats') as HTMLElement;

interface Task { status: TaskStatus; window: SeriesWindow }

let mode: 'task' | 'namespace' = 'task';
let windowSeconds = DEFAULT_WINDOW_SECONDS;
let focusId: string | undefined;
const tasks = new Map<string, Task>();
let charts: TaskCharts | undefined;
let chartsFor: string | undefined;
let table: TasksTable | undefined;
let banner: HTMLElement | undefined;
let status: HTMLElement | undefined;
let heading: HTMLElement | undefined;

function savedTableState(): TableState {
  const s = vscode.getState() as Partial<TableState> | undefined;
  return { sort: s?.sort ?? { key: 'cpu', dir: 'desc' }, selected: s?.selected };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function layout(m: Extract<HostMessage, { type: 'init' }>): void {
  charts?.destroy();
  charts = undefined;
  chartsFor = undefined;
  table = undefined;
  root.replaceChildren();
  mode = m.mode;
  windowSeconds = m.windowSeconds;
  focusId = m.containerId;
  tasks.clear();
  for (const t of m.tasks) {
    const w = new SeriesWindow(windowSeconds);
    for (const p of t.points) w.push(p);
    tasks.set(t.id, { status: { id: t.id, state: t.state, exitStatus: t.exitStatus }, window: w });
  }
  heading = el('h2', 'heading');
  status = el('p', 'status');
  status.setAttribute('role', 'status');
  root.append(heading, status);
  if (mode === 'namespace') {
    const wrap = el('div', 'table-wrap');
    root.append(wrap);
    table = new TasksTable(wrap, savedTableState(), (s) => { vscode.setState(s); renderCharts(); });
  }
  banner = el('div', 'banner');
  banner.setAttribute('role', 'status');
  root.append(banner);
  const chartsHost = el('div', 'charts');
  root.append(chartsHost);
  charts = new TaskCharts(chartsHost, windowSeconds);
  heading.textContent = mode === 'task' ? `Task ${m.containerId ?? ''} · namespace ${m.namespace}` : `All running tasks · namespace ${m.namespace}`;
  render();
}

function renderCharts(): void {
  if (!charts || !banner) return;
  const id = mode === 'task' ? focusId : table?.selected;
  const t = id ? tasks.get(id) : undefined;
  if (chartsFor !== id) {
    chartsFor = id;
    charts.retheme();
  }
  charts.update(t?.window.points ?? []);
  const stopped = t?.status.state === 'stopped';
  const paused = t?.status.state === 'paused';
  banner.textContent = !t ? (mode === 'task' ? 'Waiting for the first sample…' : '') : stopped ? `${id}: ${stateText(t.status)}, the charts are frozen` : paused ? `${id}: paused` : mode === 'namespace' ? `Charts of ${id} (select a row for another task)` : '';
  banner.className = `banner${stopped ? ' stopped' : paused ? ' paused' : ''}`;
  banner.dataset.state = t?.status.state ?? 'none';
  banner.hidden = !banner.textContent;
}

function render(): void {
  if (table) table.update([...tasks.values()].map((t) => ({ ...t.status, latest: t.window.latest })));
  if (mode === 'namespace' && tasks.size === 0 && status) status.textContent = 'No running tasks in this namespace yet.';
  renderCharts();
}

window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
  const m = e.data;
  if (m.type === 'init') { layout(m); return; }
  if (m.type === 'status') {
    if (status) { status.textContent = m.text; status.classList.toggle('error', !!m.error); }
    return;
  }
  if (status) { status.textContent = ''; status.classList.remove('error'); }
  for (const s of m.samples) {
    let t = tasks.get(s.id);
    if (!t) tasks.set(s.id, (t = { status: s, window: new SeriesWindow(windowSeconds) }));
    t.status = { id: s.id, state: s.state, exitStatus: s.exitStatus };
    if (s.point) t.window.push(s.point);
  }
  render();
});

window.addEventListener('resize', () => charts?.resize());
// VS Code switches the body's theme class (vscode-light, vscode-dark, ...): the chart colours follow.
new MutationObserver(() => charts?.retheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

vscode.postMessage({ type: 'ready' });
