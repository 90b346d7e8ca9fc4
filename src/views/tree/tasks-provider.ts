// Tasks view: each container's task with its state and pid, in the Containers view's words (taskStateText);
// children are its processes (ListPids) and the exec processes seen through events, exited ones included.
import * as vscode from 'vscode';
import { describeTask } from '../model/describe';
import { taskState } from '@containerd-explorer/client';
import { describeTaskState, formatWhen, taskStateText } from '../model/format';
import type { TaskEntry } from '../model/types';
import { ExplorerTreeProvider, factTable, md } from './base-provider';
import type { ExplorerNode, ProcessNode, TaskNode } from '../model/nodes';
import { stateKey, taskIcon } from './task-icons';

export class TasksProvider extends ExplorerTreeProvider {
  rootNodes(): ExplorerNode[] {
    return this.namespaceRows('tasks', (m) => m.tasks.keys(), (containerId, namespace): TaskNode => ({ type: 'task', namespace, containerId }), (m) => m.tasksLoaded);
  }


  protected override async childNodes(node: ExplorerNode): Promise<ExplorerNode[]> {
    if (node.type !== 'task') return [];
    const m = this.deps.model.model(node.namespace);
    const task = m.tasks.get(node.containerId);
    if (!task) return [];
    const live = taskState(task.process).hasProcesses ? await m.processes(node.containerId).catch(() => []) : [];
    const nodes: ProcessNode[] = live.map((p) => ({ type: 'process', namespace: node.namespace, containerId: node.containerId, pid: p.pid, ...(p.execId ? { execId: p.execId } : {}) }));
    const seen = new Set(nodes.map((n) => n.execId).filter(Boolean));
    for (const [execId, e] of task.execs) {
      if (!seen.has(execId)) nodes.push({ type: 'process', namespace: node.namespace, containerId: node.containerId, pid: e.pid, execId });
    }
    return nodes;
  }

  protected override tooltip(node: ExplorerNode): vscode.MarkdownString | undefined {
    if (node.type !== 'task') return undefined;
    const task = this.deps.model.model(node.namespace).tasks.get(node.containerId);
    return task ? taskTooltip(node.namespace, task) : undefined;
  }

  protected treeItem(node: ExplorerNode): vscode.TreeItem {
    const m = this.deps.model.model(node.type === 'task' || node.type === 'process' ? node.namespace : '');
    if (node.type === 'task') {
      const task = m.tasks.get(node.containerId);
      const item = new vscode.TreeItem(node.containerId, task && taskState(task.process).hasProcesses ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      if (!task) return item;
      item.description = describeTask(task);
      item.iconPath = taskIcon(task.process);
      item.contextValue = `task.${stateKey(task.process)}`;
      return item;
    }
    if (node.type !== 'process') return new vscode.TreeItem('?');
    const exec = node.execId ? m.tasks.get(node.containerId)?.execs.get(node.execId) : undefined;
    const item = new vscode.TreeItem(`pid ${node.pid}`, vscode.TreeItemCollapsibleState.None);
    const init = m.tasks.get(node.containerId)?.process.pid === node.pid && !node.execId;
    item.description = node.execId ? `exec ${node.execId}${exec ? ` · ${taskStateText(exec)}` : ''}` : init ? 'init process' : 'process';
    item.iconPath = new vscode.ThemeIcon(node.execId ? 'terminal' : 'server-process');
    const execState = exec ? stateKey(exec) : 'running';
    item.contextValue = node.execId ? `process.exec.${execState}` : 'process.init';
    item.tooltip = new vscode.MarkdownString(factTable([
      ['Container', md(node.containerId)],
      ['Process', node.execId ? `exec \`${node.execId}\`` : init ? 'the task\'s init process' : 'a process of the task'],
      ['PID (host)', String(node.pid)],
      ['State', exec ? md(describeTaskState(exec)) : undefined],
    ]));
    return item;
  }
}


function taskTooltip(namespace: string, task: TaskEntry): vscode.MarkdownString {
  const p = task.process;
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(`$(server-process) **Task of ${md(p.containerId)}**\n\n`);
  tip.appendMarkdown(factTable([
    ['State', md(describeTaskState(p, task.oom))],
    ['PID (host)', p.pid ? String(p.pid) : undefined],
    ['Exited', p.exitedAt ? formatWhen(p.exitedAt) : undefined],
    ['Terminal', p.terminal ? 'yes (TTY)' : 'no'],
    ['Stdout', p.stdout ? `\`${p.stdout}\`` : undefined],
    ['OOM', task.oom ? 'killed for lack of memory' : undefined],
    ['Exec processes', task.execs.size ? String(task.execs.size) : undefined],
    ['Namespace', md(namespace)],
  ]));
  return tip;
}
