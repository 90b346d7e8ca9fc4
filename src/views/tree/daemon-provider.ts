// The Daemon view (`containerd.daemon`): the rows of daemon-rows.ts as a tree, refreshed whenever the DaemonModel
// changes (connect, reconnect, restart, Refresh). Tooltips are built on hover from the row's facts.
import * as vscode from 'vscode';
import { Emitter } from '../../base/emitter';
import { Disposable } from '../../base/lifecycle';
import type { ConnectionManager } from '../../session/connection-manager';
import type { Logger } from '../../session/logger';
import { DaemonModel } from '../model/daemon-model';
import { daemonRows, type DaemonRow } from '../model/daemon-rows';
import { factTable, md as escapeMarkdown } from './base-provider';

export const DAEMON_VIEW_ID = 'containerd.daemon';

/** Also `~`: Debian's `1.6.20~ds1 … 1.6.20~ds1-1` would otherwise render as strikethrough. */
const md = (text: string): string => escapeMarkdown(text).replace(/~/g, '\\~');

export class DaemonTreeProvider extends Disposable implements vscode.TreeDataProvider<DaemonRow> {
  private readonly emitter = this._register(new Emitter<DaemonRow | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: DaemonRow[] = [];
  private readonly parents = new Map<string, DaemonRow>();

  constructor(readonly model: DaemonModel) {
    super();
    this.rebuild();
    this._register(model.onDidChange(() => { this.rebuild(); this.emitter.fire(undefined); }));
  }

  /** The rows on screen now (tests read them). */
  get rows(): DaemonRow[] { return this.roots; }

  private rebuild(): void {
    this.roots = daemonRows(this.model.snapshot);
    this.parents.clear();
    const walk = (rows: DaemonRow[], parent?: DaemonRow): void => {
      for (const r of rows) {
        if (parent) this.parents.set(r.key, parent);
        if (r.children) walk(r.children, r);
      }
    };
    walk(this.roots);
  }

  getTreeItem(row: DaemonRow): vscode.TreeItem {
    const state = row.children
      ? (row.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed)
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(row.label, state);
    item.id = `daemon:${row.key}`;
    item.description = row.description;
    item.iconPath = new vscode.ThemeIcon(row.icon, row.color ? new vscode.ThemeColor(row.color) : undefined);
    item.contextValue = `daemon.${row.key.split(':')[0]}`;
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, row: DaemonRow): vscode.TreeItem {
    if (item.tooltip) return item;
    const parts = [row.note ? md(row.note) : '', factTable((row.facts ?? []).map(([k, v]) => [md(k), v === undefined ? undefined : md(v)]))];
    const text = parts.filter(Boolean).join('\n\n');
    if (text) item.tooltip = new vscode.MarkdownString(text);
    return item;
  }

  getChildren(row?: DaemonRow): DaemonRow[] { return row ? row.children ?? [] : this.roots; }

  getParent(row: DaemonRow): DaemonRow | undefined { return this.parents.get(row.key); }
}

/** The Daemon view: its model, tree and Refresh command (`containerd.refreshDaemon`), released together. */
export class DaemonView extends Disposable {
  readonly model: DaemonModel;
  readonly provider: DaemonTreeProvider;
  readonly treeView: vscode.TreeView<DaemonRow>;

  constructor(connection: ConnectionManager, log: Logger) {
    super();
    this.model = this._register(new DaemonModel(connection, {
      failed: (e, client) => {
        connection.reportFailure(e, client);
        log.warn(`Daemon view: could not ask containerd about itself: ${e instanceof Error ? e.message : String(e)}`);
      },
    }));
    this.provider = this._register(new DaemonTreeProvider(this.model));
    this.treeView = this._register(vscode.window.createTreeView(DAEMON_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true }));
    const treeView = this.treeView;
    const update = (): void => {
      const s = this.model.snapshot;
      treeView.description = s.info ? `containerd ${s.info.version}` : undefined;
    };
    update();
    this._register(this.model.onDidChange(update));
    // Shown on its own (the other views collapsed or moved away), the view still needs a connection.
    this._register(treeView.onDidChangeVisibility(() => { if (treeView.visible) connection.start(); }));
    this._register(vscode.commands.registerCommand('containerd.refreshDaemon', () => this.model.refresh()));
  }
}

export function createDaemonView(connection: ConnectionManager, log: Logger): DaemonView {
  return new DaemonView(connection, log);
}
