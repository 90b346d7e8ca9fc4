// Namespaces view: every namespace with image and container counts, labels and disk usage in the tooltip (measured
// on hover, kept for a few seconds), the active one marked. While containerd is unreachable it shows the problem
// and what to do instead.
import * as vscode from 'vscode';
import { namespaceDiskUsage, taskState, type NamespaceDiskUsage } from '@containerd-explorer/client';
import { formatBytes, formatLabels } from '../model/format';
import { ExplorerTreeProvider, factTable, labelsTable, loadingNode, md } from './base-provider';
import { connectionNodes } from './connection-messages';
import type { ExplorerNode, NamespaceNode } from '../model/nodes';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
/** A hover within this long reuses the last measurement (it reads every image and snapshot of the namespace). */
const DISK_USAGE_TTL_MS = 15_000;

export class NamespacesProvider extends ExplorerTreeProvider {
  private readonly usage = new Map<string, { at: number; value: NamespaceDiskUsage | string }>();
  private readonly measuring = new Set<string>();

  rootNodes(): ExplorerNode[] {
    const { connection, model, active } = this.deps;
    const s = connection.state;
    const showData = s.kind === 'connected' || (s.kind === 'connecting' && s.reconnecting && model.namespacesLoaded);
    if (!showData) return connectionNodes(s);
    if (!model.namespacesLoaded) return [loadingNode('loading-namespaces', 'Listing namespaces…')];
    const names = [...model.namespaces.keys()];
    // The active namespace may not exist yet (containerd creates `default` on first use): still show it.
    if (!names.includes(active.name)) names.push(active.name);
    return names.sort((a, b) => a.localeCompare(b)).map((name): NamespaceNode => ({ type: 'namespace', name }));
  }

  protected treeItem(node: ExplorerNode): vscode.TreeItem {
    if (node.type !== 'namespace') return new vscode.TreeItem('?');
    const { model, active } = this.deps;
    const ns = model.namespaces.get(node.name);
    const m = model.model(node.name);
    const isActive = node.name === active.name;
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
    const counts = m.loaded ? `${plural(m.images.size, 'image')} · ${plural(m.containers.size, 'container')}` : 'listing…';
    const parts = [isActive ? 'active' : '', ns ? counts : 'does not exist yet'].filter(Boolean);
    item.description = parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon(isActive ? 'layers-active' : 'layers', isActive ? new vscode.ThemeColor('charts.green') : undefined);
    item.contextValue = `namespace${isActive ? '.active' : ''}${ns ? '' : '.missing'}`;
    if (ns && Object.keys(ns.labels).length) item.accessibilityInformation = { label: `${node.name}, ${item.description}, labels ${formatLabels(ns.labels)}` };
    if (!isActive) item.command = { command: 'containerd.useNamespace', title: 'Use Namespace', arguments: [node] };
    return item;
  }

  /** The tooltip, on hover: counts, disk usage (Show Disk Usage has the whole report) and labels. */
  protected override tooltip(node: ExplorerNode): vscode.MarkdownString | undefined {
    if (node.type !== 'namespace') return undefined;
    const { model, active } = this.deps;
    const ns = model.namespaces.get(node.name);
    const m = model.model(node.name);
    const running = [...m.tasks.values()].filter((t) => taskState(t.process).key === 'running').length;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`$(layers) **Namespace ${md(node.name)}**${node.name === active.name ? ' (active)' : ''}\n\n`);
    if (!ns) tip.appendMarkdown('This namespace does not exist yet; containerd creates it when something is stored in it.\n\n');
    const disk = ns ? this.diskUsage(node.name) : undefined;
    tip.appendMarkdown(factTable([
      ['Images', m.loaded ? String(m.images.size) : '…'],
      ['Containers', m.loaded ? String(m.containers.size) : '…'],
      ['Running tasks', m.tasksLoaded ? String(running) : '…'],
      ['Disk: images', typeof disk === 'object' ? `${formatBytes(disk.imagesHostBytes)} (unpacked ${formatBytes(disk.imagesUnpackedBytes)})` : disk],
      ['Disk: containers', typeof disk === 'object' ? `${formatBytes(disk.containersWritableBytes)} written` : undefined],
      ['Reclaimable', typeof disk === 'object' ? `${formatBytes(disk.reclaimableBytes)} (Prune…)` : undefined],
    ]));
    tip.appendMarkdown(`\n\n${labelsTable(ns?.labels ?? {})}`);
    return tip;
  }

  /**
   * The namespace's disk usage as last measured, or what is happening: a hover starts a measurement (it reads every
   * image and snapshot of the namespace) whose result the next hover shows; the tree is told when it is there.
   */
  private diskUsage(namespace: string): NamespaceDiskUsage | string | undefined {
    const client = this.deps.connection.client;
    if (!client) return undefined;
    const cached = this.usage.get(namespace);
    if (cached && Date.now() - cached.at <= DISK_USAGE_TTL_MS) return cached.value;
    if (!this.measuring.has(namespace)) {
      this.measuring.add(namespace);
      namespaceDiskUsage(client.withNamespace(namespace)).then(
        (value) => { this.usage.set(namespace, { at: Date.now(), value }); },
        (e: unknown) => { this.usage.set(namespace, { at: Date.now(), value: `could not measure: ${md(e instanceof Error ? e.message : String(e))}` }); },
      ).finally(() => { this.measuring.delete(namespace); this.fire(); });
    }
    return cached?.value ?? 'measuring… (hover again)';
  }
}
