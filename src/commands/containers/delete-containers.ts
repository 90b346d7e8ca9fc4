// Container commands: Delete (multi-select; the client's deleteContainer kills a live task first, deletes it with its
// FIFOs, then the record and its snapshot).
// Inspect is in inspect.ts; create/start/stop/exec/logs come from the run commands (run-commands.ts).
import type * as vscode from 'vscode';
import { deleteContainer, taskState } from '@containerd-explorer/client';
import type { ContainerNode } from '../../views/model/nodes';
import { listed, plural, registerCommand, selected, type CommandDeps } from '../shared/command-deps';
import { pickContainers } from '../shared/pickers';
import { Cancelled } from '../shared/host';

async function deleteContainers(deps: CommandDeps, arg: unknown, all: unknown): Promise<string[]> {
  const nodes = selected<ContainerNode>('container', arg, all) ?? await pickContainers(deps, 'Delete containers', true);
  const { client, model } = await listed(deps, nodes[0].namespace);
  const live = nodes.filter((n) => {
    return taskState(model.tasks.get(n.id)?.process).live;
  });
  const what = nodes.length === 1 ? `container "${nodes[0].id}"` : plural(nodes.length, 'container');
  const detail = [
    live.length ? `${live.map((n) => n.id).join(', ')} ${live.length === 1 ? 'has a task' : 'have tasks'} still running: ${live.length === 1 ? 'it is' : 'they are'} killed (SIGKILL) first.` : '',
    'The container\'s snapshot (its writable filesystem) is deleted too.',
  ].filter(Boolean).join('\n\n');
  if (!(await deps.host().confirm(`Delete ${what}?`, { detail, action: live.length ? 'Kill and Delete' : 'Delete' }))) throw new Cancelled();
  const done: string[] = [];
  const failed: string[] = [];
  await deps.host().withProgress({ title: `Deleting ${what}` }, async (progress) => {
    for (const n of nodes) {
      progress.report({ message: n.id });
      try {
        await deleteContainer(client, n.id);
        done.push(n.id);
      } catch (e) {
        failed.push(`${n.id}: ${(e as Error).message}`);
      }
    }
  });
  if (failed.length) deps.host().error(`Could not delete ${plural(failed.length, 'container')}: ${failed.join('; ')}`);
  return done;
}

export function registerContainerCommands(deps: CommandDeps): vscode.Disposable[] {
  return [registerCommand(deps, 'containerd.deleteContainer', (arg, all) => deleteContainers(deps, arg, all))];
}
