// Container commands: Delete (multi-select; kills a live task first, then removes the record and its snapshot).
// Inspect is in inspect.ts; create/start/stop/exec/logs come from the run commands (run-commands.ts).
import * as vscode from 'vscode';
import { NotFoundError, type ContainerdClient } from '@containerd-explorer/client';
import type { ContainerNode } from '../views/tree/nodes';
import { connected, plural, registerCommand, selected, type CommandDeps } from './context';
import { pickContainers } from './pickers';
import { Cancelled } from './prompts';

const KILL_WAIT_MS = 10_000;

const ignoreNotFound = (e: unknown): void => { if (!(e instanceof NotFoundError)) throw e; };

/** Kills (SIGKILL, all processes) and deletes the container's task if it has one; returns whether one existed. */
export async function removeTask(client: ContainerdClient, id: string): Promise<boolean> {
  let task;
  try {
    task = await client.tasks.get(id);
  } catch (e) {
    ignoreNotFound(e);
    return false;
  }
  if (task.status !== 'stopped') {
    const exited = client.tasks.wait(id, '', { signal: AbortSignal.timeout(KILL_WAIT_MS) }).catch(() => undefined);
    await client.tasks.kill(id, 'SIGKILL', { all: true }).catch(ignoreNotFound);
    // A frozen (paused) process only dies once thawed.
    if (task.status === 'paused' || task.status === 'pausing') await client.tasks.resume(id).catch(() => undefined);
    await exited;
  }
  await client.tasks.delete(id).catch(ignoreNotFound);
  return true;
}

/** Task (if any), container record, then its snapshot (containerd leaves that to the client). */
export async function deleteContainer(client: ContainerdClient, id: string): Promise<void> {
  let record;
  try {
    record = await client.containers.get(id);
  } catch (e) {
    ignoreNotFound(e);
    return;
  }
  await removeTask(client, id);
  await client.containers.delete(id).catch(ignoreNotFound);
  if (record.snapshotKey) {
    await client.withSnapshotter(record.snapshotter || client.snapshotter).snapshots.remove(record.snapshotKey).catch(ignoreNotFound);
  }
}

async function deleteContainers(deps: CommandDeps, arg: unknown, all: unknown): Promise<string[]> {
  const nodes = selected<ContainerNode>('container', arg, all) ?? await pickContainers(deps, 'Delete containers', true);
  const { client, model } = await connected(deps, nodes[0].namespace);
  const live = nodes.filter((n) => {
    const s = model.tasks.get(n.id)?.process.status;
    return s && s !== 'stopped';
  });
  const what = nodes.length === 1 ? `container "${nodes[0].id}"` : plural(nodes.length, 'container');
  const detail = [
    live.length ? `${live.map((n) => n.id).join(', ')} ${live.length === 1 ? 'has a task' : 'have tasks'} still running: ${live.length === 1 ? 'it is' : 'they are'} killed (SIGKILL) first.` : '',
    'The container\'s snapshot (its writable filesystem) is deleted too.',
  ].filter(Boolean).join('\n\n');
  if (!(await deps.prompts().confirm(`Delete ${what}?`, { detail, action: live.length ? 'Kill and Delete' : 'Delete' }))) throw new Cancelled();
  const done: string[] = [];
  const failed: string[] = [];
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting ${what}` }, async (progress) => {
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
  if (failed.length) deps.prompts().error(`Could not delete ${plural(failed.length, 'container')}: ${failed.join('; ')}`);
  return done;
}

export function registerContainerCommands(deps: CommandDeps): vscode.Disposable[] {
  return [registerCommand(deps, 'containerd.deleteContainer', (arg, all) => deleteContainers(deps, arg, all))];
}
