// Containers view: each container by the name its labels give (Kubernetes container name, nerdctl's name, compose
// service; else its id, 12 digits for long hex ids), the state of its task (in the Tasks view's words), image,
// runtime and creation time. Pods (k8s.io) and compose projects group their containers, the pause sandbox first
// and marked. The tooltip, built on hover, has the record's details, the full id and the relative age. A container
// on a CNI network (ours or nerdctl's) shows its first address and ports in the description, all of them in the
// tooltip, and one child row per published port (Open in Browser).
import * as vscode from 'vscode';
import { containerNaming, groupContainers, type ContainerNetworkInfo, type PodGroup } from '@containerd-explorer/client';
import { describeContainer } from '../model/describe';
import { describeTaskState, formatWhen } from '../model/format';
import type { NamespaceModel } from '../model/namespace-model';
import type { ContainerEntry, TaskEntry } from '../model/types';
import { ExplorerTreeProvider, factTable, labelsTable, md, type ViewDeps } from './base-provider';
import type { ContainerGroupNode, ContainerNode, ContainerPortNode, ExplorerNode } from '../model/nodes';
import type { ContainerNetworks } from '../networks/container-networks';
import { allAddresses, networkDescription, portLabel, portUrl } from '../networks/network-format';
import { stateKey, taskIcon } from './task-icons';

export class ContainersProvider extends ExplorerTreeProvider {
  constructor(deps: ViewDeps, private readonly networks?: ContainerNetworks) {
    super(deps);
    if (networks) this._register(networks.onDidChange((ns) => { if (!ns || ns === this.deps.active.name) this.fire(); }));
  }

  private networkOf(namespace: string, id: string): ContainerNetworkInfo | undefined {
    const c = this.deps.model.model(namespace).containers.get(id);
    return c && this.networks?.get(namespace, c);
  }

  rootNodes(): ExplorerNode[] {
    const rows = this.namespaceRows('containers', (m) => m.containers.keys(), (id, namespace): ContainerNode => ({ type: 'container', namespace, id }));
    const m = this.deps.model.model(this.deps.active.name);
    if (!rows.every((n) => n.type === 'container')) return rows;
    const { groups, ungrouped } = this.groups(m);
    if (!groups.length) return rows;
    const namespace = this.deps.active.name;
    return [
      ...groups.map((g): ContainerGroupNode => ({ type: 'container-group', namespace, key: g.key })),
      ...ungrouped.map((c): ContainerNode => ({ type: 'container', namespace, id: c.id })),
    ];
  }

  /** Grouped once per change of the tree: rows, group items and children of one render all ask for it. */
  private grouped: { fire: number; model: NamespaceModel; value: { groups: PodGroup<ContainerEntry>[]; ungrouped: ContainerEntry[] } } | undefined;

  private groups(m: NamespaceModel): { groups: PodGroup<ContainerEntry>[]; ungrouped: ContainerEntry[] } {
    if (this.grouped?.fire === this.fireCount && this.grouped.model === m) return this.grouped.value;
    const value = groupContainers([...m.containers.values()].sort((a, b) => a.id.localeCompare(b.id)));
    this.grouped = { fire: this.fireCount, model: m, value };
    return value;
  }

  protected override childNodes(node: ExplorerNode): ExplorerNode[] {
    if (node.type === 'container') {
      return (this.networkOf(node.namespace, node.id)?.ports ?? []).map((p): ContainerPortNode => ({
        type: 'container-port', namespace: node.namespace, containerId: node.id, hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol,
        ...(p.hostIP ? { hostIP: p.hostIP } : {}),
      }));
    }
    if (node.type !== 'container-group') return [];
    const g = this.groups(this.deps.model.model(node.namespace)).groups.find((x) => x.key === node.key);
    return g ? [...g.sandboxes, ...g.containers].map((c): ContainerNode => ({ type: 'container', namespace: node.namespace, id: c.id })) : [];
  }

  /** A grouped container's parent is its pod or compose project (VS Code needs it to reveal the row). */
  override getParent(node: ExplorerNode): ExplorerNode | undefined {
    if (node.type === 'container-port') return { type: 'container', namespace: node.namespace, id: node.containerId };
    if (node.type !== 'container') return undefined;
    const c = this.deps.model.model(node.namespace).containers.get(node.id);
    const key = c && containerNaming(c.id, c.labels).groupKey;
    return key ? { type: 'container-group', namespace: node.namespace, key } : undefined;
  }

  protected treeItem(node: ExplorerNode): vscode.TreeItem {
    const m = this.deps.model.model(node.type === 'container' || node.type === 'container-group' || node.type === 'container-port' ? node.namespace : '');
    if (node.type === 'container-group') return groupItem(node, this.groups(m).groups.find((g) => g.key === node.key), m);
    if (node.type === 'container-port') return portItem(node);
    if (node.type !== 'container') return new vscode.TreeItem('?');
    const c = m.containers.get(node.id);
    const task = m.tasks.get(node.id);
    if (!c) return new vscode.TreeItem(node.id, vscode.TreeItemCollapsibleState.None);
    const naming = containerNaming(c.id, c.labels);
    const net = this.networks?.get(node.namespace, c);
    const item = new vscode.TreeItem(naming.displayName, net?.ports.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    const netText = networkDescription(net);
    item.description = `${naming.sandbox ? 'pod sandbox · ' : ''}${describeContainer(c, task, m.tasksLoaded)}${netText ? ` · ${netText}` : ''}`;
    item.iconPath = naming.sandbox && !task ? new vscode.ThemeIcon('package') : taskIcon(task?.process);
    item.contextValue = `container.${stateKey(task?.process)}`;
    return item;
  }

  protected override tooltip(node: ExplorerNode): vscode.MarkdownString | undefined {
    if (node.type !== 'container') return undefined;
    const m = this.deps.model.model(node.namespace);
    const c = m.containers.get(node.id);
    return c ? containerTooltip(node.namespace, c, m.tasks.get(node.id), this.networks?.get(node.namespace, c)) : undefined;
  }
}

function groupItem(node: ContainerGroupNode, g: PodGroup<ContainerEntry> | undefined, m: NamespaceModel): vscode.TreeItem {
  const pod = !node.key.startsWith('compose:');
  const item = new vscode.TreeItem(g?.label ?? node.key, vscode.TreeItemCollapsibleState.Expanded);
  const members = g ? [...g.sandboxes, ...g.containers] : [];
  const running = members.filter((c) => m.tasks.get(c.id)?.process.status === 'running').length;
  const count = g?.containers.length ?? 0;
  item.description = `${pod ? 'pod' : 'compose'} · ${count} container${count === 1 ? '' : 's'}${m.tasksLoaded ? ` · ${running} running` : ''}`;
  item.tooltip = new vscode.MarkdownString(factTable([
    [pod ? 'Pod' : 'Compose project', md(g?.label ?? node.key)],
    ['Pod UID', g?.podUid ? `\`${g.podUid}\`` : undefined],
    ['Sandbox', g?.sandboxes.length ? g.sandboxes.map((s) => `\`${s.id}\``).join(', ') : undefined],
    ['Containers', String(count)],
  ]));
  item.iconPath = new vscode.ThemeIcon(pod ? 'symbol-namespace' : 'layers');
  item.contextValue = pod ? 'container-group.pod' : 'container-group.compose';
  return item;
}

function portItem(node: ContainerPortNode): vscode.TreeItem {
  const item = new vscode.TreeItem(portLabel(node), vscode.TreeItemCollapsibleState.None);
  item.description = node.protocol === 'tcp' ? portUrl(node) : undefined;
  item.tooltip = `Host port ${node.hostPort}/${node.protocol}${node.hostIP ? ` on ${node.hostIP}` : ' on every host address'} goes to port ${node.containerPort} of ${node.containerId}`;
  item.iconPath = new vscode.ThemeIcon('plug');
  item.contextValue = `container-port.${node.protocol}`;
  return item;
}

/** The networking rows of a container's tooltip. */
function networkFacts(net: ContainerNetworkInfo | undefined): [string, string | undefined][] {
  if (!net) return [];
  const addresses = net.networks.map((n) => `${md(n)}: ${(net.addresses[n] ?? []).map((a) => `\`${a}\``).join(', ') || 'not connected'}`);
  return [
    ['Networks', `${addresses.join('; ')}${net.origin === 'nerdctl' ? ' (nerdctl)' : ''}`],
    ['Ports', net.ports.length ? net.ports.map((p) => `\`${portLabel(p)}\``).join(', ') : undefined],
    ['Hostname', net.hostname ? `\`${net.hostname}\`` : undefined],
    ['Address', allAddresses(net).length ? undefined : 'none while its task is not running'],
  ];
}

function containerTooltip(namespace: string, c: ContainerEntry, task: TaskEntry | undefined, net?: ContainerNetworkInfo): vscode.MarkdownString {
  const naming = containerNaming(c.id, c.labels);
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(`$(vm) **Container ${md(naming.displayName)}**${naming.displayName !== c.id ? ` \`${c.id}\`` : ''}\n\n`);
  tip.appendMarkdown(factTable([
    ['Task', md(describeTaskState(task?.process, task?.oom))],
    ['Pod', naming.groupKey && naming.origin === 'kubernetes' ? md(naming.groupLabel ?? naming.groupKey) + (naming.sandbox ? ' (its sandbox)' : '') : undefined],
    ['Image', c.image ? `\`${c.image}\`` : 'none'],
    ['Runtime', `\`${c.runtime.name}\``],
    ['Snapshot', c.snapshotKey ? `\`${c.snapshotKey}\` (${md(c.snapshotter)})` : 'none'],
    ...networkFacts(net),
    ['Created', formatWhen(c.createdAt)],
    ['Updated', c.updatedAt && c.updatedAt.getTime() !== c.createdAt?.getTime() ? formatWhen(c.updatedAt) : undefined],
    ['Namespace', md(namespace)],
  ]));
  tip.appendMarkdown(`\n\n${labelsTable(c.labels)}`);
  return tip;
}
