// The all-tasks table of a namespace's Stats panel, like `docker stats`: one row per task with its latest figures,
// sorted by the column whose header was clicked (again: the other direction), the selected row highlighted. Rows
// carry their figures as data-* attributes, which the UI tests read back.
import {
  formatMemoryPair, formatPair, formatPercent, formatRate, nextSort, sortRows, stateText,
  type SortDir, type SortKey, type TableRow,
} from '../stats-data';

interface Column { key: SortKey; label: string; cell: (r: TableRow) => string; numeric: boolean }

const COLUMNS: Column[] = [
  { key: 'id', label: 'Task', cell: (r) => r.id, numeric: false },
  { key: 'cpu', label: 'CPU', cell: (r) => (r.state === 'stopped' ? stateText(r) : formatPercent(r.latest?.cpu)), numeric: true },
  { key: 'mem', label: 'Memory', cell: (r) => formatMemoryPair(r.latest), numeric: true },
  { key: 'pids', label: 'Pids', cell: (r) => (r.latest?.pids === undefined ? '–' : String(r.latest.pids)), numeric: true },
  { key: 'net', label: 'Net rx / tx', cell: (r) => formatPair(r.latest?.netRx, r.latest?.netTx, formatRate), numeric: true },
  { key: 'block', label: 'Block read / write', cell: (r) => formatPair(r.latest?.blkRead, r.latest?.blkWrite, formatRate), numeric: true },
];

export interface TableState { sort: { key: SortKey; dir: SortDir }; selected?: string }

export class TasksTable {
  private readonly table = document.createElement('table');
  private readonly body = document.createElement('tbody');
  private rows: TableRow[] = [];

  constructor(host: HTMLElement, private state: TableState, private readonly changed: (s: TableState) => void) {
    this.table.className = 'tasks';
    const head = document.createElement('thead');
    const tr = document.createElement('tr');
    for (const c of COLUMNS) {
      const th = document.createElement('th');
      th.dataset.sort = c.key;
      th.tabIndex = 0;
      th.textContent = c.label;
      if (c.numeric) th.className = 'num';
      const click = (): void => this.setState({ ...this.state, sort: nextSort(this.state.sort, c.key) });
      th.addEventListener('click', click);
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); click(); } });
      tr.append(th);
    }
    head.append(tr);
    this.table.append(head, this.body);
    host.append(this.table);
  }

  get selected(): string | undefined { return this.state.selected; }

  private setState(s: TableState): void {
    this.state = s;
    this.render();
    this.changed(s);
  }

  update(rows: TableRow[]): void {
    this.rows = rows;
    if ((!this.state.selected || !rows.some((r) => r.id === this.state.selected)) && rows.length) {
      this.setState({ ...this.state, selected: sortRows(rows, this.state.sort.key, this.state.sort.dir)[0].id });
      return;
    }
    this.render();
  }

  private render(): void {
    const { key, dir } = this.state.sort;
    for (const th of this.table.tHead?.querySelectorAll('th') ?? []) {
      const on = th.dataset.sort === key;
      th.setAttribute('aria-sort', on ? (dir === 'asc' ? 'ascending' : 'descending') : 'none');
      th.classList.toggle('sorted', on);
    }
    const trs = sortRows(this.rows, key, dir).map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.id = r.id;
      tr.dataset.state = r.state;
      if (r.latest?.cpu !== undefined) tr.dataset.cpu = String(r.latest.cpu);
      if (r.latest?.memUsed !== undefined) tr.dataset.mem = String(r.latest.memUsed);
      if (r.latest?.pids !== undefined) tr.dataset.pids = String(r.latest.pids);
      tr.classList.toggle('stopped', r.state === 'stopped');
      tr.classList.toggle('selected', r.id === this.state.selected);
      tr.tabIndex = 0;
      for (const c of COLUMNS) {
        const td = document.createElement('td');
        td.textContent = c.cell(r);
        if (c.numeric) td.className = 'num';
        tr.append(td);
      }
      const select = (): void => this.setState({ ...this.state, selected: r.id });
      tr.addEventListener('click', select);
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') select(); });
      return tr;
    });
    this.body.replaceChildren(...trs);
  }
}
