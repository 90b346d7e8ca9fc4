// Start, stop, restart and delete a container's task. Detached tasks write to a `file://` log that the shim keeps
// appending to after we are gone; TTY tasks get FIFOs (kept until the task is deleted, so a terminal can attach
// again). On a CNI network the task is created while its netns is connected (ADD), and started once both are done.
// Stop sends the image's stop signal (SIGTERM by default), waits, then SIGKILLs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerdClient } from '../client';
import { taskState } from '../task-state';
import { FailedPreconditionError, NotFoundError } from '../errors';
import { FIFO_DIR_PREFIX } from '../fifo';
import type { CallOptions } from '../call-options';
import { isOwnedDir } from '../owned-dir';
import { createTask, type ProcessHandle, type StdioOptions } from '../process';
import type { Spec } from '../oci/runtime-spec-types';
import type { Container, ExitStatus, TaskProcess } from '../types';
import { RunLabels } from './create';
import { labelLogPath, prepareLogFile } from './log-files';
import { afterStart, connectBeforeStart, disconnectContainer, networkBeforeTask, removeContainerNetwork, type CniOptions } from './network';
import { settleAll } from '../settle';
import { commandStartError } from './start-errors';

export { prepareLogFile } from './log-files';

export interface StartContainerOptions {
  /** CNI dirs; their state dir is where a container's network state lost in a reboot is made again. */
  cni?: CniOptions;
  /** Where a detached task's stdout+stderr go; default the container's log-path label. Required for detached tasks without it. */
  logPath?: string;
  /**
   * The directory log files must be in (real paths compared): `logPath` and the label outside it are refused.
   * Without it the label is used only in a log directory this client made (a label can be hostile).
   */
  logDir?: string;
  /** Parent of the FIFO directory of a TTY task (default: the OS temp dir). */
  fifoBaseDir?: string;
}

export interface StartedContainer {
  handle: ProcessHandle;
  /** The spec asks for a terminal: `handle.io` is attached (stdin + pty output). */
  tty: boolean;
  /** Detached: the log file. */
  logPath?: string;
}

/** The task of `id`, or undefined when it has none. */
export async function findTask(client: ContainerdClient, id: string, opts?: CallOptions): Promise<TaskProcess | undefined> {
  try {
    return await client.tasks.get(id, '', opts);
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/**
 * Removes the FIFO directory a task's stdio paths live in, only when createFifoSet made it (`ctrd-fifo-*`, 0700,
 * ours, marked for this process id: see owned-dir.ts). URIs and other directories, even named `ctrd-fifo-*`, stay.
 */
export async function removeTaskFifos(task: Pick<TaskProcess, 'stdin' | 'stdout' | 'stderr'> & Partial<Pick<TaskProcess, 'containerId' | 'id'>>): Promise<void> {
  const tag = task.id || task.containerId || undefined;
  const dirs = new Set<string>();
  for (const p of [task.stdin, task.stdout, task.stderr]) {
    if (!p || !path.isAbsolute(p)) continue;
    const dir = path.dirname(p);
    if (path.basename(dir).startsWith(FIFO_DIR_PREFIX) && isOwnedDir(dir, 'fifo', tag)) dirs.add(dir);
  }
  for (const dir of dirs) await fs.promises.rm(dir, { recursive: true, force: true });
}

/**
 * Deletes a stopped task and its FIFO directory, and takes its CNI network down (DEL). A live task is refused
 * (FailedPrecondition). Returns its exit status.
 */
export async function deleteTask(client: ContainerdClient, id: string, opts?: CallOptions): Promise<ExitStatus | undefined> {
  const task = await findTask(client, id, opts);
  if (!task) return undefined;
  const status = await client.tasks.delete(id, opts);
  await removeTaskFifos(task);
  await disconnectContainer(client, id);
  return status;
}

function specOf(c: Container): Spec | undefined {
  return c.spec && typeof c.spec === 'object' ? c.spec as Spec : undefined;
}

/**
 * Starts the container's task. A stopped task left from an earlier run is deleted first; a live one is refused.
 * TTY (the spec's process.terminal): attached FIFOs with stdin. Otherwise: `file://` log at `logPath`.
 */
export async function startContainer(client: ContainerdClient, id: string, opts: StartContainerOptions = {}): Promise<StartedContainer> {
  // Independent reads at once; a missing container is the error to report first.
  const [container, old] = await settleAll([client.containers.get(id), findTask(client, id)]);
  if (old && taskState(old).live) {
    throw new FailedPreconditionError(`container "${id}" already has a ${old.status} task (pid ${old.pid}): stop it first`);
  }
  if (old) await deleteTask(client, id);
  const tty = specOf(container)?.process?.terminal === true;
  const start = async (io: StdioOptions): Promise<ProcessHandle> => {
    const netDir = await networkBeforeTask(client, container, opts.cni);
    const failed = (e: unknown): unknown => commandStartError(e, id, specOf(container)?.process?.args ?? []) ?? e;
    // CNI ADD on the persistent netns while runc creates the task in it (ctr too connects a created task); the
    // process runs only once both are done, and either failing takes the other back.
    const [connected, created] = await Promise.allSettled([
      netDir ? connectBeforeStart(client, netDir, id) : Promise.resolve(),
      createTask(client, id, io, container),
    ]);
    if (connected.status === 'rejected') {
      if (created.status === 'fulfilled') await created.value.remove();
      throw connected.reason;
    }
    try {
      if (created.status === 'rejected') throw failed(created.reason);
      const handle = await created.value.start().catch((e: unknown) => { throw failed(e); });
      await afterStart(client, netDir, id, handle.pid);
      return handle;
    } catch (e) {
      if (netDir) await disconnectContainer(client, id, container).catch(() => undefined);
      throw e;
    }
  };
  if (tty) {
    const handle = await start({ terminal: true, stdin: true, fifoBaseDir: opts.fifoBaseDir });
    return { handle, tty };
  }
  let target = opts.logPath;
  const label = container.labels[RunLabels.logPath];
  if (!target && label) {
    const fromLabel = labelLogPath(label, opts.logDir);
    if (!fromLabel.path) throw new FailedPreconditionError(`cannot start "${id}": ${fromLabel.problem ?? 'its log-path label is refused'}`);
    target = fromLabel.path;
  }
  if (!target) throw new FailedPreconditionError(`container "${id}" runs detached and no log file was given for its output`);
  const logPath = await prepareLogFile(target, { logDir: opts.logDir });
  const handle = await start({ mode: 'log', logPath });
  return { handle, tty, logPath };
}

export interface StopOptions {
  /** How long to wait after the stop signal before SIGKILL (default 10 s). */
  timeoutMs?: number;
  /** Default: the container's stop-signal label, else SIGTERM. */
  signal?: string | number;
  /** Keep the stopped task (default: delete it, with its FIFOs). */
  keepTask?: boolean;
}

export interface StopResult {
  /** Undefined when there was no task. */
  exit?: ExitStatus;
  /** SIGKILL was needed. */
  killed: boolean;
}

/** Stop signal, wait up to `timeoutMs`, SIGKILL the whole task if it is still there, then delete the task. */
export async function stopContainer(client: ContainerdClient, id: string, opts: StopOptions = {}): Promise<StopResult> {
  const task = await findTask(client, id);
  if (!task) return { killed: false };
  let exit: ExitStatus | undefined;
  let killed = false;
  if (taskState(task).live) {
    const container = await client.containers.get(id).catch(() => undefined);
    const signal = opts.signal ?? (container?.labels[RunLabels.stopSignal] || 'SIGTERM');
    const deadline = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
    // Wait is asked for before the signal, so a fast exit cannot fall between them.
    const waited = client.tasks.wait(id, '', { signal: deadline }).then((s) => s, () => undefined);
    await client.tasks.kill(id, signal).catch((e) => { if (!(e instanceof NotFoundError)) throw e; });
    // A frozen task only acts on the signal once thawed.
    if (taskState(task).canResume) await client.tasks.resume(id).catch(() => undefined);
    exit = await waited;
    if (!exit) {
      killed = true;
      const final = client.tasks.wait(id);
      await client.tasks.kill(id, 'SIGKILL', { all: true }).catch((e) => { if (!(e instanceof NotFoundError)) throw e; });
      exit = await final;
    }
  } else {
    exit = { exitStatus: task.exitStatus, exitedAt: task.exitedAt };
  }
  if (!opts.keepTask) await deleteTask(client, id);
  else await disconnectContainer(client, id);
  return { exit, killed };
}

/** Stop (if running) then start again. */
export async function restartContainer(client: ContainerdClient, id: string, opts: StopOptions & StartContainerOptions = {}): Promise<StartedContainer> {
  await stopContainer(client, id, { ...opts, keepTask: false });
  return startContainer(client, id, opts);
}

/** The one kill-and-delete path: SIGKILL to the task (thawed if paused), wait for its exit, delete it and its FIFOs. */
export async function removeContainerTask(client: ContainerdClient, id: string, opts: { timeoutMs?: number } = {}): Promise<StopResult> {
  return stopContainer(client, id, { signal: 'SIGKILL', timeoutMs: opts.timeoutMs ?? 10_000 });
}

/** Task (killed if live), container record, its snapshot (containerd leaves that to the client), then its CNI network state. */
export async function deleteContainer(client: ContainerdClient, id: string, opts: { timeoutMs?: number } = {}): Promise<boolean> {
  let record: Container;
  try {
    record = await client.containers.get(id);
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
  await removeContainerTask(client, id, opts);
  const ignoreNotFound = (e: unknown): void => { if (!(e instanceof NotFoundError)) throw e; };
  await client.containers.delete(id).catch(ignoreNotFound);
  if (record.snapshotKey) {
    await client.withSnapshotter(record.snapshotter || client.snapshotter).snapshots.remove(record.snapshotKey).catch(ignoreNotFound);
  }
  // CNI: DEL, the persistent netns unmounted, our state dir removed (nothing for containers without it).
  await removeContainerNetwork(client, record);
  return true;
}
