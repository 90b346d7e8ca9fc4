// Task commands: Kill (pick a signal; tasks or exec processes), Pause, Resume, Delete. Metrics are in metrics.ts.
import type * as vscode from 'vscode';
import { signalNumber } from '../containerd';
import type { TaskEntry } from '../views/model/types';
import type { ProcessNode, TaskNode } from '../views/tree/nodes';
import { removeTask } from './containers';
import { connected, plural, registerCommand, selected, type CommandDeps } from './context';
import { pickTasks } from './pickers';
import { Cancelled } from './prompts';

const SIGNALS: { name: string; detail: string }[] = [
  { name: 'SIGTERM', detail: 'ask to terminate (the default)' },
  { name: 'SIGKILL', detail: 'kill at once; cannot be caught' },
  { name: 'SIGINT', detail: 'interrupt, like Ctrl+C' },
  { name: 'SIGHUP', detail: 'hang up; many daemons reload their configuration' },
  { name: 'SIGQUIT', detail: 'quit, often with a core dump or stack trace' },
  { name: 'SIGUSR1', detail: 'user-defined 1' },
  { name: 'SIGUSR2', detail: 'user-defined 2' },
];

const live = (t: TaskEntry): boolean => t.process.status !== 'stopped';

async function tasks(deps: CommandDeps, arg: unknown, all: unknown, title: string, filter: (t: TaskEntry) => boolean): Promise<TaskNode[]> {
  return selected<TaskNode>('task', arg, all) ?? pickTasks(deps, title, true, filter);
}

async function pickSignal(deps: CommandDeps, what: string): Promise<string> {
  const items = [...SIGNALS.map((s) => ({ label: s.name, description: `${signalNumber(s.name)}`, detail: s.detail })), { label: 'Other…', description: 'a name or number', detail: '' }];
  const chosen = (await deps.prompts().pick(items, { title: `Signal to send to ${what}` }))?.[0];
  if (!chosen) throw new Cancelled();
  if (chosen.label !== 'Other…') return chosen.label;
  const other = await deps.prompts().input({
    title: 'Signal', prompt: 'A name (SIGWINCH, WINCH) or a number (28)',
    validateInput: (v) => { try { signalNumber(v.trim()); return undefined; } catch (e) { return (e as Error).message; } },
  });
  if (!other) throw new Cancelled();
  return other.trim();
}

async function kill(deps: CommandDeps, arg: unknown, all: unknown, signal?: string): Promise<string[]> {
  const procs = selected<ProcessNode>('process', arg, all);
  const nodes = procs ? [] : await tasks(deps, arg, all, 'Kill tasks', live);
  const targets = procs
    ? procs.map((p) => ({ namespace: p.namespace, containerId: p.containerId, execId: p.execId, label: p.execId ? `exec ${p.execId} of ${p.containerId}` : `${p.containerId}` }))
    : nodes.map((n) => ({ namespace: n.namespace, containerId: n.containerId, execId: undefined as string | undefined, label: n.containerId }));
  const what = targets.length === 1 ? targets[0].label : plural(targets.length, 'task');
  const sig = signal ?? await pickSignal(deps, what);
  const { client } = await connected(deps, targets[0].namespace);
  const done: string[] = [];
  for (const t of targets) {
    // all: the whole task's process tree, as `ctr task kill -a`; an exec is signalled alone.
    await client.tasks.kill(t.containerId, sig, t.execId ? { execId: t.execId } : { all: true });
    done.push(t.label);
  }
  return done;
}

async function pauseResume(deps: CommandDeps, arg: unknown, all: unknown, pause: boolean): Promise<string[]> {
  const nodes = await tasks(deps, arg, all, pause ? 'Pause tasks' : 'Resume tasks', (t) => t.process.status === (pause ? 'running' : 'paused'));
  const { client } = await connected(deps, nodes[0].namespace);
  for (const n of nodes) {
    if (pause) await client.tasks.pause(n.containerId);
    else await client.tasks.resume(n.containerId);
  }
  return nodes.map((n) => n.containerId);
}

async function deleteTasks(deps: CommandDeps, arg: unknown, all: unknown): Promise<string[]> {
  const nodes = await tasks(deps, arg, all, 'Delete tasks', () => true);
  const { client, model } = await connected(deps, nodes[0].namespace);
  const running = nodes.filter((n) => { const t = model.tasks.get(n.containerId); return t && live(t); });
  if (running.length) {
    const names = running.map((n) => n.containerId).join(', ');
    const ok = await deps.prompts().confirm(`${names} ${running.length === 1 ? 'is' : 'are'} still running.`, {
      detail: 'containerd only deletes stopped tasks. Kill (SIGKILL) and delete? The containers stay.', action: 'Kill and Delete',
    });
    if (!ok) throw new Cancelled();
  }
  for (const n of nodes) await removeTask(client, n.containerId);
  return nodes.map((n) => n.containerId);
}

export function registerTaskCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(deps, 'containerd.killTask', (arg, all, signal) => kill(deps, arg, all, typeof signal === 'string' ? signal : undefined)),
    registerCommand(deps, 'containerd.pauseTask', (arg, all) => pauseResume(deps, arg, all, true)),
    registerCommand(deps, 'containerd.resumeTask', (arg, all) => pauseResume(deps, arg, all, false)),
    registerCommand(deps, 'containerd.deleteTask', (arg, all) => deleteTasks(deps, arg, all)),
  ];
}
