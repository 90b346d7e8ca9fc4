// What the run commands share: the command deps, the terminal registry, where logs and FIFOs live (the
// extension's global storage, on the machine containerd runs on), and how a command finds its containers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { containerLogPath, FailedPreconditionError, FIFO_DIR_PREFIX, isOwnedDir, labelLogPath, RunLabels, type Container, taskState } from '@containerd-explorer/client';
import type { TaskEntry } from '../../views/model/types';
import type { ContainerNode, ProcessNode, TaskNode } from '../../views/model/nodes';
import { selected, type CommandDeps } from '../shared/command-deps';
import { pickContainers } from '../shared/pickers';
import type { TerminalManager } from '../../terminals/terminal-manager';

export interface RunContext {
  deps: CommandDeps;
  terminals: TerminalManager;
  /** One-shot (non-TTY) exec output. */
  execOutput: vscode.OutputChannel;
}

export interface ContainerRef { namespace: string; id: string }

function storageDir(run: RunContext): string {
  return run.deps.context.globalStorageUri.fsPath;
}

/** Parent of the FIFO dirs of one container's processes: `<storage>/fifo/<namespace>/<id>`. */
export function fifoDir(run: RunContext, ref: ContainerRef): string {
  return path.join(storageDir(run), 'fifo', ref.namespace, ref.id);
}

/** Our own log directory, `<storage>/logs`: a log-path label outside it is refused (labels can be hostile). */
export function logsRoot(run: RunContext): string {
  return path.join(storageDir(run), 'logs');
}

/**
 * Where a detached task's output goes: the container's label (set at create) when it lies inside logsRoot, else
 * `<storage>/logs/<ns>/<id>.log`. A label outside it is refused (FailedPrecondition), not silently replaced.
 */
export function logPathOf(run: RunContext, ref: ContainerRef, container?: Pick<Container, 'labels'>): string {
  const label = container?.labels[RunLabels.logPath];
  if (!label) return containerLogPath(storageDir(run), ref.namespace, ref.id);
  const checked = labelLogPath(label, logsRoot(run));
  if (!checked.path) throw new FailedPreconditionError(`Cannot start ${ref.id}: ${checked.problem ?? 'its log-path label is refused'}`);
  return checked.path;
}

export function defaultLogPath(run: RunContext, ref: ContainerRef): string {
  return containerLogPath(storageDir(run), ref.namespace, ref.id);
}

export function stopTimeoutMs(): number {
  const s = vscode.workspace.getConfiguration('containerd').get<number>('stopTimeoutSeconds', 10);
  return Math.max(0, Number.isFinite(s) ? s : 10) * 1000;
}

/** Key of the terminal attached to a container's task (one per task). */
export const taskTerminalKey = (ref: ContainerRef): string => `task:${ref.namespace}/${ref.id}`;

/** Containers named by the clicked node(s): container, task or process nodes; undefined when none was given. */
export function refsFromArgs(arg: unknown, all: unknown): ContainerRef[] | undefined {
  const containers = selected<ContainerNode>('container', arg, all);
  if (containers) return containers.map((n) => ({ namespace: n.namespace, id: n.id }));
  const tasks = selected<TaskNode>('task', arg, all);
  if (tasks) return tasks.map((n) => ({ namespace: n.namespace, id: n.containerId }));
  const procs = selected<ProcessNode>('process', arg, all);
  if (procs) return [...new Map(procs.map((n) => [`${n.namespace}/${n.containerId}`, { namespace: n.namespace, id: n.containerId }])).values()];
  return undefined;
}

/** The clicked containers, else a pick among the active namespace's containers that pass `filter`. */
export async function targetContainers(run: RunContext, arg: unknown, all: unknown, title: string, many: boolean, filter: (t: TaskEntry | undefined) => boolean): Promise<ContainerRef[]> {
  const refs = refsFromArgs(arg, all);
  if (refs) return many ? refs : refs.slice(0, 1);
  const nodes = await pickContainers(run.deps, title, many, (_c, t) => filter(t));
  return nodes.map((n) => ({ namespace: n.namespace, id: n.id }));
}

export const isRunning = (t: TaskEntry | undefined): boolean => taskState(t?.process).canExec;
export const isLive = (t: TaskEntry | undefined): boolean => taskState(t?.process).live;

/**
 * Removes FIFO dirs under `<storage>/fifo/<ns>/<id>` that the container's current task does not use: left by a
 * task deleted elsewhere (ctr, the Tasks view) while no terminal of ours was attached. Only directories we made
 * for this container's task (marked, 0700, ours: the same check as deleteTask) are removed.
 */
export async function sweepFifoDirs(run: RunContext, ref: ContainerRef, inUse: (string | undefined)[]): Promise<void> {
  const dir = fifoDir(run, ref);
  let names: string[];
  try { names = await fs.promises.readdir(dir); } catch { return; }
  const keep = new Set(inUse.filter((p): p is string => !!p).map((p) => path.dirname(p)));
  for (const n of names) {
    const full = path.join(dir, n);
    if (n.startsWith(FIFO_DIR_PREFIX) && !keep.has(full) && isOwnedDir(full, 'fifo', ref.id)) await fs.promises.rm(full, { recursive: true, force: true });
  }
}
