// Stats: live charts of one task (from a task, process or container row, or a pick of the running tasks) and of all
// running tasks of a namespace (from the Tasks view's title, a namespace row, or the palette: the active namespace).
import type * as vscode from 'vscode';
import { taskState } from '@containerd-explorer/client';
import { isNode } from '../../views/model/nodes';
import type { StatsPanels } from '../../views/stats/stats-panels';
import { registerCommand, type CommandDeps } from '../shared/command-deps';
import { pickTasks } from '../shared/pickers';

/** The task a row stands for: a task or its process, or a container (its task). */
function taskOf(arg: unknown): { namespace: string; containerId: string } | undefined {
  if (isNode(arg, 'task') || isNode(arg, 'process')) return { namespace: arg.namespace, containerId: arg.containerId };
  if (isNode(arg, 'container')) return { namespace: arg.namespace, containerId: arg.id };
  return undefined;
}

export function registerStatsCommands(deps: CommandDeps, panels: StatsPanels): vscode.Disposable[] {
  return [
    registerCommand(deps, 'containerd.showTaskStats', async (arg) => {
      const target = taskOf(arg) ?? (await pickTasks(deps, 'Show stats of task', false, (t) => taskState(t.process).live))[0];
      return panels.show({ namespace: target.namespace, containerId: target.containerId });
    }),
    registerCommand(deps, 'containerd.showNamespaceStats', (arg) => {
      const namespace = isNode(arg, 'namespace') ? arg.name : deps.active.name;
      return panels.show({ namespace });
    }),
  ];
}
