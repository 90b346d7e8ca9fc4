// Networks view: every CNI network in the config dir (containerd.cni.confDir, plus nerdctl's subdir for the active
// namespace) with its subnet and gateway, its file in the tooltip, and the containers attached (their
// `nerdctl/networks` labels, ours and nerdctl's, in any namespace) as children. Configs that cannot be read are
// listed with why. Read while the view is visible: on showing, on container create/delete events, on connect,
// on a namespace switch and on Refresh.
import * as vscode from 'vscode';
import { network, type ContainerdClient, type ContainerdEvent } from '@containerd-explorer/client';
import { Emitter, type Event } from '../../base/emitter';
import { Disposable } from '../../base/lifecycle';
import { SingleFlight } from '../../base/single-flight';
import type { CniSettings } from '../../settings/cni-settings';
import { md } from '../tree/base-provider';
import { networkRowDescription, splitContainerRef } from './network-format';

export const NETWORKS_VIEW_ID = 'containerd.networks';

export type NetworkRow =
  | { kind: 'network'; network: network.CniNetwork; containers?: string[]; error?: string }
  | { kind: 'network-container'; network: string; namespace: string; id: string }
  | { kind: 'network-problem'; file: string; problem: string }
  | { kind: 'message'; label: string };

export interface NetworksViewDeps {
  client(): ContainerdClient | undefined;
  activeNamespace(): string;
  cni(): CniSettings;
  events: Event<ContainerdEvent>;
  /** Connected, namespace switched: read again. */
  changed: Event<unknown>[];
  log: { warn(m: string): void };
}

export class NetworksView extends Disposable implements vscode.TreeDataProvider<NetworkRow> {
  private readonly emitter = this._register(new Emitter<NetworkRow | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly refreshed = this._register(new Emitter<NetworkRow[]>());
  /** After each reading (tests wait on it). */
  readonly onDidRefresh = this.refreshed.event;
  private rows: NetworkRow[] = [{ kind: 'message', label: 'Reading CNI networks…' }];
  private readonly flight = new SingleFlight(() => this.read());
  readonly treeView: vscode.TreeView<NetworkRow>;

  constructor(private readonly deps: NetworksViewDeps) {
    super();
    this.treeView = this._register(vscode.window.createTreeView(NETWORKS_VIEW_ID, { treeDataProvider: this }));
    this._register(this.treeView.onDidChangeVisibility(() => { if (this.treeView.visible) void this.refresh(); }));
    this._register(deps.events((ev) => { if (ev.topic === '/containers/create' || ev.topic === '/containers/delete') void this.refreshIfVisible(); }));
    for (const e of deps.changed) this._register(e(() => void this.refreshIfVisible()));
  }

  /** The rows shown now (tests). */
  get current(): readonly NetworkRow[] { return this.rows; }

  private refreshIfVisible(): Promise<void> { return this.treeView.visible ? this.refresh() : Promise.resolve(); }

  /** Reads the networks and who uses them again (one reading at a time; asked meanwhile: once more). */
  refresh(): Promise<void> { return this.flight.run(); }

  private async read(): Promise<void> {
    const cni = this.deps.cni();
    const client = this.deps.client();
    const rows: NetworkRow[] = [];
    try {
      const { networks, problems } = network.readNetworks(cni.confDir, this.deps.activeNamespace());
      // One listing of every namespace's containers for all networks, not one per network.
      let attached: Map<string, string[]> | undefined;
      let error: string | undefined;
      try { attached = client && networks.length ? await network.containersByNetwork(client) : undefined; } catch (e) { error = e instanceof Error ? e.message : String(e); }
      for (const n of networks) rows.push({ kind: 'network', network: n, containers: attached ? attached.get(n.name) ?? [] : undefined, error });
      for (const p of problems) rows.push({ kind: 'network-problem', file: p.file, problem: p.problem });
      if (!rows.length) rows.push({ kind: 'message', label: `No CNI networks in ${cni.confDir} (Create Network…, or bridge is made on first use)` });
    } catch (e) {
      this.deps.log.warn(`Networks: ${e instanceof Error ? e.message : String(e)}`);
      rows.push({ kind: 'message', label: `Cannot read ${cni.confDir}: ${e instanceof Error ? e.message : String(e)}` });
    }
    this.rows = rows;
    this.emitter.fire(undefined);
    this.refreshed.fire(rows);
  }

  getChildren(row?: NetworkRow): NetworkRow[] {
    if (!row) return this.rows;
    if (row.kind !== 'network') return [];
    return (row.containers ?? []).map((ref) => ({ kind: 'network-container', network: row.network.name, ...splitContainerRef(ref) }));
  }

  getTreeItem(row: NetworkRow): vscode.TreeItem {
    switch (row.kind) {
      case 'message': {
        const item = new vscode.TreeItem(row.label);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
      case 'network-problem': {
        const item = new vscode.TreeItem(row.file.split('/').pop() ?? row.file);
        item.description = row.problem;
        item.tooltip = `${row.file}: ${row.problem}`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        return item;
      }
      case 'network-container': {
        const item = new vscode.TreeItem(row.id);
        item.id = `network:${row.network}:${row.namespace}/${row.id}`;
        item.description = row.namespace;
        item.iconPath = new vscode.ThemeIcon('vm');
        item.contextValue = 'network-container';
        return item;
      }
      case 'network': {
        const n = row.network;
        const used = row.containers?.length ?? 0;
        const item = new vscode.TreeItem(n.name, used ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = `network:${n.name}`;
        item.description = networkRowDescription(n, row.containers?.length);
        const facts = [
          ['Subnet', n.subnets.join(', ') || 'none'], ['Gateway', n.gateways.join(', ') || 'none'], ['Bridge', n.bridge ?? ''],
          ['Plugins', n.plugins.map((p) => p.type).join(', ')], ['File', `\`${n.file}\``], ['nerdctl ID', n.nerdctlId ? `\`${n.nerdctlId.slice(0, 12)}\`` : ''],
          ['Containers', row.error ? `unknown: ${md(row.error)}` : (row.containers ?? []).join(', ') || 'none'],
        ].filter(([, v]) => v);
        item.tooltip = new vscode.MarkdownString(`**Network ${md(n.name)}**\n\n| | |\n|---|---|\n${facts.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}`);
        item.iconPath = new vscode.ThemeIcon('type-hierarchy');
        item.contextValue = `network.${used ? 'used' : 'unused'}`;
        return item;
      }
    }
  }
}
