// Creates the four tree views and keeps them, the status bar and the `containerd.*` context keys in step with the
// connection, the active namespace and the model's coalesced changes. Visible views start the event stream.
import * as vscode from 'vscode';
import type { ConnectionState } from '../../session/connection-manager';
import type { EventHub } from '../../session/event-hub';
import { Disposable } from '../../base/lifecycle';
import type { ModelChange } from '../model/types';
import type { ContainerNetworks } from '../networks/container-networks';
import type { ExplorerTreeProvider, ViewDeps } from './base-provider';
import { ContainersProvider } from './containers-provider';
import { ImagesProvider } from './images-provider';
import { NamespacesProvider } from './namespaces-provider';
import type { ExplorerNode } from '../model/nodes';
import { ConnectionStatusBar } from './status-bar';
import { TasksProvider } from './tasks-provider';

export const VIEW_IDS = {
  namespaces: 'containerd.namespaces',
  images: 'containerd.images',
  containers: 'containerd.containers',
  tasks: 'containerd.tasks',
} as const;

export type ViewName = keyof typeof VIEW_IDS;

export interface ExplorerViewsDeps extends ViewDeps {
  hub: EventHub;
  /** Containers' networking for the Containers view (absent: rows without addresses and ports). */
  networks?: ContainerNetworks;
}

export class ExplorerViews extends Disposable {
  readonly providers: { namespaces: NamespacesProvider; images: ImagesProvider; containers: ContainersProvider; tasks: TasksProvider };
  readonly treeViews: Record<ViewName, vscode.TreeView<ExplorerNode>>;
  /** Public for tests (what the status bar shows). */
  readonly statusBar: ConnectionStatusBar;
  private detailsFor: string | undefined;

  constructor(private readonly deps: ExplorerViewsDeps) {
    super();
    const d: ViewDeps = { connection: deps.connection, model: deps.model, active: deps.active };
    this.providers = {
      namespaces: this._register(new NamespacesProvider(d)), images: this._register(new ImagesProvider(d)),
      containers: this._register(new ContainersProvider(d, deps.networks)), tasks: this._register(new TasksProvider(d)),
    };
    const make = (name: ViewName, many: boolean): vscode.TreeView<ExplorerNode> =>
      vscode.window.createTreeView(VIEW_IDS[name], { treeDataProvider: this.providers[name], canSelectMany: many, showCollapseAll: name === 'tasks' });
    this.treeViews = { namespaces: make('namespaces', false), images: make('images', true), containers: make('containers', true), tasks: make('tasks', true) };
    this.statusBar = this._register(new ConnectionStatusBar(deps.active));
    for (const [name, view] of Object.entries(this.treeViews) as [ViewName, vscode.TreeView<ExplorerNode>][]) {
      this._register(view); // after its provider, so released before it
      this._register(view.onDidChangeVisibility(() => this.visibilityChanged(name)));
    }
    this._register(deps.connection.onDidChangeState((s) => this.stateChanged(s)));
    this._register(deps.model.onDidChange((c) => this.modelChanged(c)));
    this._register(deps.active.onDidChange(() => this.namespaceChanged()));
    this.stateChanged(deps.connection.state);
    this.namespaceChanged();
    for (const name of Object.keys(this.treeViews) as ViewName[]) this.visibilityChanged(name);
  }

  private allProviders(): ExplorerTreeProvider[] { return Object.values(this.providers); }

  private visibilityChanged(name: ViewName): void {
    if (!this.treeViews[name].visible) return;
    this.deps.hub.want();
    if (name === 'images') this.wantDetails();
  }

  /** Image details (content reads) only for the namespace on screen. */
  private wantDetails(): void {
    const ns = this.deps.active.name;
    if (this.detailsFor === ns) return;
    if (this.detailsFor) this.deps.model.model(this.detailsFor).setDetailsWanted(false);
    this.detailsFor = ns;
    this.deps.model.model(ns).setDetailsWanted(true);
  }

  private stateChanged(s: ConnectionState): void {
    setContext('containerd.state', s.kind);
    setContext('containerd.problem', s.kind === 'failed' ? s.problem : '');
    if (s.kind === 'connected') this.deps.active.useSocket(s.target.socketPath);
    const reconnecting = s.kind === 'connecting' && s.reconnecting;
    for (const view of Object.values(this.treeViews)) {
      view.message = reconnecting ? `Reconnecting to containerd at ${s.target.socketPath}… (showing the last known state)` : undefined;
    }
    this.statusBar.update(s);
    for (const p of this.allProviders()) p.fire();
  }

  private namespaceChanged(): void {
    const ns = this.deps.active.name;
    for (const name of ['images', 'containers', 'tasks'] as const) this.treeViews[name].description = ns;
    if (this.treeViews.images.visible || this.detailsFor) this.wantDetails();
    this.statusBar.update(this.deps.connection.state);
    for (const p of this.allProviders()) p.fire();
  }

  private modelChanged(c: ModelChange): void {
    const kinds = c.kinds.get(this.deps.active.name);
    if (c.namespaces || c.kinds.size) this.providers.namespaces.fire();
    if (kinds?.has('images')) this.providers.images.fire();
    if (kinds?.has('containers')) this.providers.containers.fire();
    if (kinds?.has('tasks')) this.providers.tasks.fire();
  }
}

/** Context keys for `when` clauses (menus, welcome content); a failure here (e.g. during shutdown) is harmless. */
function setContext(key: string, value: string): void {
  vscode.commands.executeCommand('setContext', key, value).then(undefined, () => undefined);
}
