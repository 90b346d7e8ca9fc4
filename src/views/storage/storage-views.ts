// The four storage views (collapsed by default): Content, Snapshots, Leases, Active Downloads. Each lists while
// visible; containerd's events refresh the views they concern (storageViewsFor), debounced; the namespace switch
// and a reconnect list again. Active Downloads polls every 2 s while visible and something is downloading (ingests
// have no events).
import * as vscode from 'vscode';
import { storageViewsFor, type StorageView } from '@containerd-explorer/client';
import { Disposable } from '../../base/lifecycle';
import type { Session } from '../../session/session';
import type { StorageNode, StorageViewName } from './storage-nodes';
import { StorageProvider } from './storage-provider';

export const STORAGE_VIEW_IDS: Record<StorageViewName, string> = {
  content: 'containerd.content',
  snapshots: 'containerd.snapshots',
  leases: 'containerd.leases',
  downloads: 'containerd.downloads',
};

const FROM_CLIENT: Partial<Record<StorageView, StorageViewName>> = { content: 'content', snapshots: 'snapshots', leases: 'leases', ingests: 'downloads' };
const DEBOUNCE_MS = 500;
const POLL_MS = 2000;

export class StorageViews extends Disposable {
  readonly providers: Record<StorageViewName, StorageProvider>;
  readonly treeViews: Record<StorageViewName, vscode.TreeView<StorageNode>>;
  private readonly pending = new Map<StorageViewName, NodeJS.Timeout>();
  private poll: NodeJS.Timeout | undefined;

  constructor(private readonly session: Session, log: { warn(message: string): void }) {
    super();
    const deps = { client: (ns: string) => session.client(ns), namespace: () => session.active.name, log };
    const names = Object.keys(STORAGE_VIEW_IDS) as StorageViewName[];
    this.providers = Object.fromEntries(names.map((n) => [n, this._register(new StorageProvider(n, deps))])) as Record<StorageViewName, StorageProvider>;
    this.treeViews = Object.fromEntries(names.map((n) => [n, this._register(vscode.window.createTreeView(STORAGE_VIEW_IDS[n], { treeDataProvider: this.providers[n], showCollapseAll: n === 'snapshots' }))])) as Record<StorageViewName, vscode.TreeView<StorageNode>>;
    for (const n of names) {
      this._register(this.treeViews[n].onDidChangeVisibility(() => { if (this.treeViews[n].visible) this.refresh(n); this.schedulePoll(); }));
    }
    this._register(this.providers.downloads.onDidChangeTreeData(() => this.schedulePoll()));
    this._register(session.active.onDidChange((ns) => {
      for (const n of names) {
        this.treeViews[n].description = ns;
        this.providers[n].clear();
      }
    }));
    for (const n of names) this.treeViews[n].description = session.active.name;
    this._register(session.connection.onDidChangeState((s) => {
      if (s.kind === 'connected') for (const n of names) { if (this.treeViews[n].visible) this.refresh(n); }
      if (s.kind === 'failed' || s.kind === 'idle') for (const n of names) this.providers[n].clear();
    }));
    this._register(session.hub.onDidReceiveEvent((ev) => {
      if (ev.namespace !== session.active.name) return;
      for (const v of storageViewsFor(ev.topic)) {
        const n = FROM_CLIENT[v];
        if (n && this.treeViews[n].visible) this.debounced(n);
      }
    }));
    this._register({ dispose: () => { for (const t of this.pending.values()) clearTimeout(t); if (this.poll) clearTimeout(this.poll); } });
  }

  /** Lists the view again if it is visible, else forgets its rows (they are listed when it shows). */
  refresh(name: StorageViewName): Promise<void> {
    if (this.treeViews[name].visible) return this.providers[name].refresh();
    this.providers[name].clear();
    return Promise.resolve();
  }

  private debounced(name: StorageViewName): void {
    if (this.pending.has(name)) return;
    this.pending.set(name, setTimeout(() => { this.pending.delete(name); void this.refresh(name); }, DEBOUNCE_MS));
  }

  private schedulePoll(): void {
    const downloading = this.providers.downloads.nodes?.some((n) => n.type === 'ingest') ?? false;
    if (this.poll || !this.treeViews.downloads.visible || !downloading) return;
    this.poll = setTimeout(() => {
      this.poll = undefined;
      if (this.treeViews.downloads.visible && !this.isDisposed) void this.refresh('downloads');
    }, POLL_MS);
  }
}
