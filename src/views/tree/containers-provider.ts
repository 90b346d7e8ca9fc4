// Containers view: id, state of its task (in the Tasks view's words), image, runtime and creation time (absolute:
// a description stays on screen); the tooltip, built on hover, has the record's details and the relative age.
import * as vscode from 'vscode';
import { describeContainer } from '../model/describe';
import { describeTaskState, formatWhen } from '../model/format';
import type { ContainerEntry, TaskEntry } from '../model/types';
import { ExplorerTreeProvider, factTable, labelsTable, md } from './base-provider';
import type { ContainerNode, ExplorerNode } from '../model/nodes';
import { stateKey, taskIcon } from './task-icons';

export class ContainersProvider extends ExplorerTreeProvider {
  rootNodes(): ExplorerNode[] {
    return this.namespaceRows('containers', (m) => m.containers.keys(), (id, namespace): ContainerNode => ({ type: 'container', namespace, id }));
  }


  protected treeItem(node: ExplorerNode): vscode.TreeItem {
    if (node.type !== 'container') return new vscode.TreeItem('?');
    const m = this.deps.model.model(node.namespace);
    const c = m.containers.get(node.id);
    const task = m.tasks.get(node.id);
    const item = new vscode.TreeItem(node.id, vscode.TreeItemCollapsibleState.None);
    if (!c) return item;
    item.description = describeContainer(c, task, m.tasksLoaded);
    item.iconPath = taskIcon(task?.process);
    item.contextValue = `container.${stateKey(task?.process)}`;
    return item;
  }

  protected override tooltip(node: ExplorerNode): vscode.MarkdownString | undefined {
    if (node.type !== 'container') return undefined;
    const m = this.deps.model.model(node.namespace);
    const c = m.containers.get(node.id);
    return c ? containerTooltip(node.namespace, c, m.tasks.get(node.id)) : undefined;
  }
}


function containerTooltip(namespace: string, c: ContainerEntry, task: TaskEntry | undefined): vscode.MarkdownString {
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(`$(vm) **Container ${md(c.id)}**\n\n`);
  tip.appendMarkdown(factTable([
    ['Task', md(describeTaskState(task?.process, task?.oom))],
    ['Image', c.image ? `\`${c.image}\`` : 'none'],
    ['Runtime', `\`${c.runtime.name}\``],
    ['Snapshot', c.snapshotKey ? `\`${c.snapshotKey}\` (${md(c.snapshotter)})` : 'none'],
    ['Created', formatWhen(c.createdAt)],
    ['Updated', c.updatedAt && c.updatedAt.getTime() !== c.createdAt?.getTime() ? formatWhen(c.updatedAt) : undefined],
    ['Namespace', md(namespace)],
  ]));
  tip.appendMarkdown(`\n\n${labelsTable(c.labels)}`);
  return tip;
}
