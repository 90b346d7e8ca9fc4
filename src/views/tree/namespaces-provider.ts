// Namespaces view: every namespace with image and container counts, labels in the tooltip, the active one marked.
// While containerd is unreachable it shows the problem and what to do instead.
import * as vscode from 'vscode';
import { taskState } from '@containerd-explorer/client';
import { formatLabels } from '../model/format';
import { ExplorerTreeProvider, factTable, labelsTable, loadingNode, md } from './base-provider';
import { connectionNodes } from './connection-messages';
import type { ExplorerNode, NamespaceNode } from '../model/nodes';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export class NamespacesProvider extends ExplorerTreeProvider {
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
    const running = [...m.tasks.values()].filter((t) => taskState(t.process).key === 'running').length;
    const counts = m.loaded ? `${plural(m.images.size, 'image')} · ${plural(m.containers.size, 'container')}` : 'listing…';
    const parts = [isActive ? 'active' : '', ns ? counts : 'does not exist yet'].filter(Boolean);
    item.description = parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon(isActive ? 'layers-active' : 'layers', isActive ? new vscode.ThemeColor('charts.green') : undefined);
    item.contextValue = `namespace${isActive ? '.active' : ''}${ns ? '' : '.missing'}`;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`$(layers) **Namespace ${md(node.name)}**${isActive ? ' (active)' : ''}\n\n`);
    if (!ns) tip.appendMarkdown('This namespace does not exist yet; containerd creates it when something is stored in it.\n\n');
    tip.appendMarkdown(factTable([
      ['Images', m.loaded ? String(m.images.size) : '…'],
      ['Containers', m.loaded ? String(m.containers.size) : '…'],
      ['Running tasks', m.tasksLoaded ? String(running) : '…'],
    ]));
    tip.appendMarkdown(`\n\n${labelsTable(ns?.labels ?? {})}`);
    item.tooltip = tip;
    if (ns && Object.keys(ns.labels).length) item.accessibilityInformation = { label: `${node.name}, ${item.description}, labels ${formatLabels(ns.labels)}` };
    if (!isActive) item.command = { command: 'containerd.useNamespace', title: 'Use Namespace', arguments: [node] };
    return item;
  }
}
