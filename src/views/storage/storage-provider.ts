// One TreeDataProvider per storage view (Content, Snapshots, Leases, Active Downloads) of the active namespace.
// A view lists only while visible: when it becomes visible, when the namespace changes, after an event containerd
// sends for what it shows (debounced), and on Refresh. Leases and downloads have no events: Refresh, or the
// polling the Active Downloads view does while visible and something is downloading.
import * as vscode from 'vscode';
import { listBlobs, listIngests, listLeases, listSnapshots, type ContainerdClient } from '@containerd-explorer/client';
import { Emitter } from '../../base/emitter';
import { Disposable } from '../../base/lifecycle';
import { SingleFlight } from '../../base/single-flight';
import { childrenOf, snapshotTree, storageRow, type StorageNode, type StorageViewName } from './storage-nodes';

export interface StorageProviderDeps {
  /** A client for the namespace (the session's; waits for the connection). */
  client(namespace: string): Promise<ContainerdClient>;
  namespace(): string;
  log: { warn(message: string): void };
}

const WHAT: Record<StorageViewName, string> = { content: 'blobs', snapshots: 'snapshots', leases: 'leases', downloads: 'downloads' };

export class StorageProvider extends Disposable implements vscode.TreeDataProvider<StorageNode> {
  private readonly emitter = this._register(new Emitter<StorageNode | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: StorageNode[] | undefined;
  private readonly listing = new SingleFlight(() => this.load(), () => this.isDisposed);
  /** Bumped on every change (tests wait on it). */
  generation = 0;

  constructor(readonly name: StorageViewName, private readonly deps: StorageProviderDeps) {
    super();
  }

  /** Lists again now (a second call while listing runs once more after it). */
  refresh(): Promise<void> {
    return this.listing.run();
  }

  private async load(): Promise<void> {
    const namespace = this.deps.namespace();
    try {
      this.roots = await this.list(await this.deps.client(namespace), namespace);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.deps.log.warn(`Listing ${WHAT[this.name]} in ${namespace}: ${message}`);
      this.roots = [{ type: 'storage-message', key: 'error', label: `Could not list ${WHAT[this.name]}: ${message}` }];
    }
    this.generation++;
    this.emitter.fire(undefined);
  }


  /** Forgets the listing (namespace changed or connection lost); the next getChildren lists again. */
  clear(): void {
    this.roots = undefined;
    this.emitter.fire(undefined);
  }

  private async list(client: ContainerdClient, namespace: string): Promise<StorageNode[]> {
    const empty = (label: string): StorageNode[] => [{ type: 'storage-message', key: 'empty', label }];
    switch (this.name) {
      case 'content': {
        const blobs = (await listBlobs(client)).sort((a, b) => b.size - a.size);
        return blobs.length ? blobs.map((entry) => ({ type: 'blob', namespace, entry })) : empty(`No blobs in ${namespace}.`);
      }
      case 'snapshots': {
        const tree = snapshotTree(await listSnapshots(client));
        return tree.roots.length ? tree.roots.map((entry) => ({ type: 'snapshot', namespace, entry, tree })) : empty(`No snapshots in ${namespace}.`);
      }
      case 'leases': {
        const leases = await listLeases(client);
        return leases.length ? leases.map((entry) => ({ type: 'lease', namespace, entry })) : empty(`No leases in ${namespace}.`);
      }
      case 'downloads': {
        const ingests = await listIngests(client);
        return ingests.length ? ingests.map((entry) => ({ type: 'ingest', namespace, entry })) : empty(`Nothing is downloading into ${namespace}.`);
      }
    }
  }

  /** What is listed now (undefined until listed). */
  get nodes(): readonly StorageNode[] | undefined { return this.roots; }

  async getChildren(node?: StorageNode): Promise<StorageNode[]> {
    if (!node) {
      if (!this.roots) await this.refresh();
      return this.roots ?? [];
    }
    // A chain link's children: the snapshots whose parent it is.
    if (node.type === 'snapshot') return childrenOf(node.tree, node.entry).map((entry) => ({ type: 'snapshot', namespace: node.namespace, entry, tree: node.tree }));
    if (node.type === 'lease') return node.entry.resources.map((resource) => ({ type: 'lease-resource', namespace: node.namespace, lease: node.entry.id, resource }));
    return [];
  }

  getTreeItem(node: StorageNode): vscode.TreeItem {
    const row = storageRow(node);
    const item = new vscode.TreeItem(row.label, row.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.contextValue = row.contextValue;
    item.iconPath = new vscode.ThemeIcon(row.icon);
    // Screen readers (and UI tests) get the row as shown, not the long tooltip VS Code would read otherwise.
    item.accessibilityInformation = { label: row.description ? `${row.label}, ${row.description}` : row.label };
    return item;
  }
}
