// Task commands: Kill (pick a signal; tasks or exec processes; says what was sent to which pid, and offers SIGKILL
// when a terminating signal was ignored), Pause, Resume, Delete. Metrics are in metrics.ts.
import { constants as osConstants } from 'node:os';
import type * as vscode from 'vscode';
import { NotFoundError, signalNumber, type ContainerdClient, taskState, removeContainerTask } from '@containerd-explorer/client';
import type { TaskEntry } from '../../views/model/types';
import type { ProcessNode, TaskNode } from '../../views/model/nodes';
import { clientFor, listed, plural, registerCommand, selected, type CommandDeps } from '../shared/command-deps';
import { pickTasks } from '../shared/pickers';
import { Cancelled } from '../shared/host';

const SIGNALS: { name: string; detail: string }[] = [
  { name: 'SIGTERM', detail: 'ask to terminate (the default)' },
  { name: 'SIGKILL', detail: 'kill at once; cannot be caught' },
  { name: 'SIGINT', detail: 'interrupt, like Ctrl+C' },
  { name: 'SIGHUP', detail: 'hang up; many daemons reload their configuration' },
  { name: 'SIGQUIT', detail: 'quit, often with a core dump or stack trace' },
  { name: 'SIGUSR1', detail: 'user-defined 1' },
  { name: 'SIGUSR2', detail: 'user-defined 2' },
];

/** How long Kill waits before saying a process outlived a terminating signal (and offering SIGKILL). */
const KILL_FOLLOW_UP_MS = 5_000;
/** Signals meant to end a process (SIGHUP and SIGUSR* often mean "reload" and get no follow-up). */
const ENDING_SIGNALS = [osConstants.signals.SIGTERM, osConstants.signals.SIGINT, osConstants.signals.SIGQUIT];
const SEND_SIGKILL = 'Send SIGKILL';

const live = (t: TaskEntry): boolean => taskState(t.process).live;

async function tasks(deps: CommandDeps, arg: unknown, all: unknown, title: string, filter: (t: TaskEntry) => boolean): Promise<TaskNode[]> {
  return selected<TaskNode>('task', arg, all) ?? pickTasks(deps, title, true, filter);
}

async function pickSignal(deps: CommandDeps, what: string): Promise<string> {
  const items = [...SIGNALS.map((s) => ({ label: s.name, description: `${signalNumber(s.name)}`, detail: s.detail })), { label: 'Other…', description: 'a name or number', detail: '' }];
  const chosen = (await deps.host().pick(items, { title: `Signal to send to ${what}` }))?.[0];
  if (!chosen) throw new Cancelled();
  if (chosen.label !== 'Other…') return chosen.label;
  const other = await deps.host().input({
    title: 'Signal', prompt: 'A name (SIGWINCH, WINCH) or a number (28)',
    validateInput: (v) => { try { signalNumber(v.trim()); return undefined; } catch (e) { return (e as Error).message; } },
  });
  if (!other) throw new Cancelled();
  return other.trim();
}

interface KillTarget { namespace: string; containerId: string; execId?: string; label: string; pid?: number; paused: boolean }

/** `SIGTERM (15)`; a number the user typed gets its name when it has one. */
function signalLabel(sig: string): string {
  const n = signalNumber(sig);
  const name = Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0];
  return name ? `${name} (${n})` : `signal ${n}`;
}

const who = (t: KillTarget): string => (t.pid ? `${t.label} (pid ${t.pid})` : t.label);
const list = (ts: KillTarget[]): string => ts.map(who).join(', ');

function killTargets(deps: CommandDeps, procs: ProcessNode[] | undefined, nodes: TaskNode[]): KillTarget[] {
  if (procs) {
    return procs.map((p) => ({
      namespace: p.namespace, containerId: p.containerId, execId: p.execId, pid: p.pid || undefined, paused: false,
      label: p.execId ? `exec ${p.execId} of ${p.containerId}` : p.containerId,
    }));
  }
  return nodes.map((n) => {
    const p = deps.model.model(n.namespace).tasks.get(n.containerId)?.process;
    return { namespace: n.namespace, containerId: n.containerId, label: n.containerId, pid: p?.pid || undefined, paused: taskState(p).canResume };
  });
}

/** Whether the target's process still runs (not stopped, not deleted). */
async function stillRunning(client: ContainerdClient, t: KillTarget): Promise<boolean> {
  try {
    return taskState(await client.tasks.get(t.containerId, t.execId ?? '')).live;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
}

async function send(client: ContainerdClient, targets: KillTarget[], sig: string): Promise<void> {
  // all: the whole task's process tree, as `ctr task kill -a`; an exec is signalled alone.
  for (const t of targets) await client.tasks.kill(t.containerId, sig, t.execId ? { execId: t.execId } : { all: true });
}

async function kill(deps: CommandDeps, arg: unknown, all: unknown, signal?: string): Promise<string[]> {
  const procs = selected<ProcessNode>('process', arg, all);
  const nodes = procs ? [] : await tasks(deps, arg, all, 'Kill tasks', live);
  const targets = killTargets(deps, procs, nodes);
  const what = targets.length === 1 ? targets[0].label : plural(targets.length, 'task');
  const sig = signal ?? await pickSignal(deps, what);
  const client = await clientFor(deps, targets[0].namespace);
  const ending = ENDING_SIGNALS.includes(signalNumber(sig));
  // Waits started before the signal, so that a quick exit is not missed; bounded, then the state is checked.
  const waits = ending ? targets.map((t) => client.tasks.wait(t.containerId, t.execId ?? '', { signal: AbortSignal.timeout(KILL_FOLLOW_UP_MS) }).catch(() => undefined)) : [];
  await send(client, targets, sig);
  const paused = targets.filter((t) => t.paused);
  deps.host().info(`Sent ${signalLabel(sig)} to ${list(targets)}.${paused.length ? ` ${list(paused)} ${paused.length === 1 ? 'is' : 'are'} paused: the signal takes effect on Resume.` : ''}`);
  if (ending) await offerSigkill(deps, client, targets, sig, waits);
  return targets.map((t) => t.label);
}

/** A process may ignore or handle the signal: say so when it is still running a few seconds later, and offer SIGKILL. */
async function offerSigkill(deps: CommandDeps, client: ContainerdClient, targets: KillTarget[], sig: string, waits: Promise<unknown>[]): Promise<void> {
  await Promise.all(waits);
  const running: KillTarget[] = [];
  for (const t of targets) if (await stillRunning(client, t)) running.push(t);
  if (!running.length) return;
  const one = running.length === 1;
  const choice = await deps.host().offer(
    `${list(running)} ${one ? 'is' : 'are'} still running ${KILL_FOLLOW_UP_MS / 1000} s after ${signalLabel(sig)}: ${one ? 'it ignores or handles' : 'they ignore or handle'} it. SIGKILL cannot be ignored.`,
    [SEND_SIGKILL]);
  if (choice !== SEND_SIGKILL) return;
  // The user may answer much later: signal only what still runs.
  const left: KillTarget[] = [];
  for (const t of running) if (await stillRunning(client, t)) left.push(t);
  if (!left.length) {
    deps.host().info(`${list(running)} already stopped.`);
    return;
  }
  await send(client, left, 'SIGKILL');
  deps.host().info(`Sent ${signalLabel('SIGKILL')} to ${list(left)}.`);
}

async function pauseResume(deps: CommandDeps, arg: unknown, all: unknown, pause: boolean): Promise<string[]> {
  const nodes = await tasks(deps, arg, all, pause ? 'Pause tasks' : 'Resume tasks', (t) => (pause ? taskState(t.process).canPause : taskState(t.process).canResume));
  const client = await clientFor(deps, nodes[0].namespace);
  for (const n of nodes) {
    if (pause) await client.tasks.pause(n.containerId);
    else await client.tasks.resume(n.containerId);
  }
  return nodes.map((n) => n.containerId);
}

async function deleteTasks(deps: CommandDeps, arg: unknown, all: unknown): Promise<string[]> {
  const nodes = await tasks(deps, arg, all, 'Delete tasks', () => true);
  const { client, model } = await listed(deps, nodes[0].namespace);
  const running = nodes.filter((n) => { const t = model.tasks.get(n.containerId); return t && live(t); });
  if (running.length) {
    const names = running.map((n) => n.containerId).join(', ');
    const ok = await deps.host().confirm(`${names} ${running.length === 1 ? 'is' : 'are'} still running.`, {
      detail: 'containerd only deletes stopped tasks. Kill (SIGKILL) and delete? The containers stay.', action: 'Kill and Delete',
    });
    if (!ok) throw new Cancelled();
  }
  for (const n of nodes) await removeContainerTask(client, n.containerId);
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
