// Shared plumbing of the four tree providers: whole-tree change events, stable ids, and a way for tests and
// benchmarks to await "the provider fired a change after which item X is there".
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { Emitter } from '../../base/emitter';
import { Disposable, toDisposable } from '../../base/lifecycle';
import type { ConnectionManager } from '../../session/connection-manager';
import type { ActiveNamespace } from '../../session/active-namespace';
import type { ExplorerModel } from '../model/explorer-model';
import type { NamespaceModel } from '../model/namespace-model';
import { nodeId, type ExplorerNode, type MessageNode } from '../model/nodes';

export interface ViewDeps {
  connection: ConnectionManager;
  model: ExplorerModel;
  active: ActiveNamespace;
}

export interface FiredChange {
  /** performance.now() when onDidChangeTreeData fired. */
  at: number;
  /** The root nodes right after the change. */
  nodes: ExplorerNode[];
}

interface Waiter { predicate: (nodes: ExplorerNode[]) => boolean; resolve: (c: FiredChange) => void }

export abstract class ExplorerTreeProvider extends Disposable implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly emitter = this._register(new Emitter<ExplorerNode | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly waiters = new Set<Waiter>();
  /** How many times the tree was told to refresh (for tests and benchmarks). */
  fireCount = 0;

  constructor(protected readonly deps: ViewDeps) {
    super();
    this._register(toDisposable(() => this.waiters.clear()));
  }

  /** The root nodes, from the in-memory model (synchronous: nothing to wait for). */
  abstract rootNodes(): ExplorerNode[];

  /**
   * Rows of the active namespace, sorted: nothing while disconnected (the welcome view explains), "Listing…" until
   * the first listing, then one node per key. While reconnecting the last known rows stay.
   */
  protected namespaceRows(what: string, keys: (m: NamespaceModel) => Iterable<string>, node: (key: string, namespace: string) => ExplorerNode, listed: (m: NamespaceModel) => boolean = (m) => m.loaded): ExplorerNode[] {
    const { connection, model, active } = this.deps;
    if (!connection.client && !(connection.state.kind === 'connecting' && connection.state.reconnecting)) return [];
    const m = model.model(active.name);
    if (!listed(m)) return connection.client ? [loadingNode(`loading-${what}`, `Listing ${what} in ${active.name}…`)] : [];
    return [...keys(m)].sort((a, b) => a.localeCompare(b)).map((k) => node(k, active.name));
  }
  protected abstract treeItem(node: ExplorerNode): vscode.TreeItem;
  protected childNodes(_node: ExplorerNode): Promise<ExplorerNode[]> | ExplorerNode[] { return []; }
  /** Built on hover only (resolveTreeItem): VS Code asks getTreeItem for every visible row at each change. */
  protected tooltip(_node: ExplorerNode): vscode.MarkdownString | undefined { return undefined; }

  resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode): vscode.TreeItem {
    item.tooltip ??= this.tooltip(node);
    return item;
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const item = node.type === 'message' ? messageItem(node) : this.treeItem(node);
    item.id = nodeId(node);
    return item;
  }

  getChildren(node?: ExplorerNode): vscode.ProviderResult<ExplorerNode[]> {
    return node ? this.childNodes(node) : this.rootNodes();
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.type === 'process' ? { type: 'task', namespace: node.namespace, containerId: node.containerId } : undefined;
  }

  /** Tells VS Code the whole tree changed, then wakes waiters whose predicate now holds. */
  fire(): void {
    this.fireCount++;
    this.emitter.fire(undefined);
    if (!this.waiters.size) return;
    const change = { at: performance.now(), nodes: this.rootNodes() };
    for (const w of [...this.waiters]) {
      if (w.predicate(change.nodes)) {
        this.waiters.delete(w);
        w.resolve(change);
      }
    }
  }

  /**
   * Resolves at the next change after which the root nodes satisfy `predicate` (not at once, even if they do now:
   * this measures the change). Rejects after `timeoutMs`.
   */
  waitForChange(predicate: (nodes: ExplorerNode[]) => boolean, timeoutMs = 10_000): Promise<FiredChange> {
    return new Promise<FiredChange>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (c) => { clearTimeout(timer); resolve(c); },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.constructor.name}: no matching change within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

export function messageItem(m: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(m.label, vscode.TreeItemCollapsibleState.None);
  item.description = m.description;
  if (m.tooltip) item.tooltip = new vscode.MarkdownString(m.tooltip);
  item.iconPath = new vscode.ThemeIcon(m.icon, m.color ? new vscode.ThemeColor(m.color) : undefined);
  item.contextValue = 'message';
  if (m.command) item.command = m.command;
  return item;
}

export function loadingNode(key: string, label: string): MessageNode {
  return { type: 'message', key, label, icon: 'loading~spin' };
}

/** Escapes what Markdown would interpret inside a line (ids and labels may hold `*`, `_`, `|`, `<`). */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`);
}

/** A two-column Markdown table of facts, skipping empty values. */
export function factTable(rows: [string, string | undefined][]): string {
  const lines = rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `| ${k} | ${v} |`);
  return lines.length ? `| | |\n|---|---|\n${lines.join('\n')}` : '';
}

export function labelsTable(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (!entries.length) return '_No labels._';
  return `| Label | Value |\n|---|---|\n${entries.map(([k, v]) => `| \`${k}\` | ${md(v)} |`).join('\n')}`;
}
