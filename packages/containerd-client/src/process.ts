// Process handles: what it takes to run a task or an exec with FIFO stdio, and to clean up whatever happens.
import { randomBytes } from 'node:crypto';
import type { ContainerdClient } from './client';
import { AttachedIO, createFifoSet, fifoTaskIO, fileLogIO, removeFifoSet } from './fifo';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from './errors';
import { validateIdentifier } from './identifiers';
import type { Container, ExitStatus, Mount } from './types';

export interface StdioOptions {
  /** Attach FIFOs (default) or write stdout+stderr to a log file (`file://`), or discard output. */
  mode?: 'fifo' | 'log' | 'none';
  /** With mode 'log'. */
  logPath?: string;
  terminal?: boolean;
  /** Open stdin (fifo mode only). */
  stdin?: boolean;
  /** Where FIFO directories go (default: the OS temp dir). */
  fifoBaseDir?: string;
}

export interface ProcessHandle {
  readonly containerId: string;
  /** '' for the init task. */
  readonly execId: string;
  readonly pid: number;
  /** Our FIFO ends; undefined in 'log' and 'none' modes. */
  readonly io?: AttachedIO;
  /**
   * Exit status, once; resolves after stdout/stderr are drained when attached. When the process exits its FIFO
   * directory is removed even if nobody calls `delete()` (our ends stay readable until drained).
   */
  readonly exited: Promise<ExitStatus>;
  kill(signal?: number | string): Promise<void>;
  resize(width: number, height: number): Promise<void>;
  closeStdin(): Promise<void>;
  /** Deletes the process (exec) or task (init) and removes the FIFOs. Safe to call more than once. */
  delete(): Promise<ExitStatus | undefined>;
}

export function newExecId(prefix = 'exec'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

async function prepareIO(id: string, stdio: StdioOptions): Promise<{ io?: AttachedIO; task: { stdin?: string; stdout?: string; stderr?: string; terminal?: boolean } }> {
  const mode = stdio.mode ?? 'fifo';
  if (mode === 'log') {
    if (!stdio.logPath) throw new Error('a log path is required with stdio mode "log"');
    return { task: fileLogIO(stdio.logPath) };
  }
  if (mode === 'none') return { task: { terminal: false } };
  const fifos = await createFifoSet(id, { stdin: stdio.stdin, terminal: stdio.terminal, baseDir: stdio.fifoBaseDir });
  try {
    return { io: new AttachedIO(fifos), task: fifoTaskIO(fifos) };
  } catch (e) {
    await removeFifoSet(fifos);
    throw e;
  }
}

function handle(client: ContainerdClient, containerId: string, execId: string, pid: number, io: AttachedIO | undefined, wait: Promise<ExitStatus>): ProcessHandle {
  let deleted: Promise<ExitStatus | undefined> | undefined;
  // A handle dropped without delete() must not leave its FIFO dir behind: nothing reopens the FIFOs after the exit.
  const removed = wait.then(() => io?.removeFifos());
  removed.catch(() => undefined);
  const exited = wait.then(async (st) => { await removed.catch(() => undefined); if (io) await io.drained(); return st; });
  exited.catch(() => undefined);
  return {
    containerId, execId, pid, io, exited,
    kill: (signal = 'SIGTERM') => client.tasks.kill(containerId, signal, { execId }),
    resize: (w, h) => client.tasks.resizePty(containerId, execId, Math.max(1, Math.floor(w)), Math.max(1, Math.floor(h))),
    closeStdin: async () => { io?.stdin?.end(); await client.tasks.closeStdin(containerId, execId); },
    delete: () => {
      deleted ??= (async () => {
        try {
          return execId ? await client.tasks.deleteProcess(containerId, execId) : await client.tasks.delete(containerId);
        } catch (e) {
          if (e instanceof NotFoundError) return undefined;
          throw e;
        } finally {
          await io?.close();
        }
      })();
      return deleted;
    },
  };
}

/**
 * The container's rootfs mounts: containerd does not look them up itself, the client passes them to
 * Tasks.Create (as the Go client's NewTask does); without them the task starts on an empty rootfs.
 */
async function rootfsOf(client: ContainerdClient, containerId: string, container?: Container): Promise<Mount[]> {
  const c = container ?? await client.containers.get(containerId);
  if (!c.snapshotKey) return [];
  if (!c.snapshotter) throw new InvalidArgumentError(`container "${containerId}" has a snapshot key but no snapshotter`);
  return client.withSnapshotter(c.snapshotter).snapshots.mounts(c.snapshotKey);
}

/** An init task created but not started: runc holds its process before the command runs until start(). */
export interface CreatedTask {
  /** Starts the process; on failure the task and its FIFOs are removed. */
  start(): Promise<ProcessHandle>;
  /** Deletes the task (killed first if containerd refuses) and removes its FIFOs. */
  remove(): Promise<void>;
}

/**
 * Creates a container's init task without starting it, so work on the task's namespaces (CNI ADD on the netns the
 * spec names) can run while runc sets it up. `container`: the record, when the caller has it (saves a read).
 * On failure nothing is left: no task, no FIFOs.
 */
export async function createTask(client: ContainerdClient, containerId: string, stdio: StdioOptions = {}, container?: Container): Promise<CreatedTask> {
  const rootfs = await rootfsOf(client, containerId, container);
  const { io, task } = await prepareIO(containerId, stdio);
  try {
    await client.tasks.create(containerId, task, { rootfs });
  } catch (e) {
    await io?.close();
    throw e;
  }
  const remove = async (): Promise<void> => {
    await client.tasks.delete(containerId).catch(() => client.tasks.kill(containerId, 'SIGKILL').then(() => client.tasks.delete(containerId)).catch(() => undefined));
    await io?.close();
  };
  const start = async (): Promise<ProcessHandle> => {
    try {
      const wait = client.tasks.wait(containerId);
      wait.catch(() => undefined);
      const pid = await client.tasks.start(containerId);
      io?.releaseWriters();
      return handle(client, containerId, '', pid, io, wait);
    } catch (e) {
      await remove();
      throw e;
    }
  };
  return { start, remove };
}

/** Creates and starts a container's init task. On failure nothing is left: no task, no FIFOs. */
export async function startTask(client: ContainerdClient, containerId: string, stdio: StdioOptions = {}): Promise<ProcessHandle> {
  return (await createTask(client, containerId, stdio)).start();
}

/** Adds and starts an exec process from an OCI `Process` spec. On failure the exec and its FIFOs are removed. */
export async function startExec(client: ContainerdClient, containerId: string, spec: unknown, stdio: StdioOptions & { execId?: string } = {}): Promise<ProcessHandle> {
  // Before anything else: the exec id names the FIFO files, so `../x` or `a/b` must never reach the file system.
  if (stdio.execId !== undefined) validateIdentifier(stdio.execId, 'exec id');
  // containerd answers an exec into a stopped task with UNKNOWN "cannot exec in a stopped state": say it precisely.
  const init = await client.tasks.get(containerId);
  if (init.status === 'stopped') {
    throw new FailedPreconditionError(`cannot exec in container "${containerId}": its task has stopped (exit status ${init.exitStatus}); start a new task first`);
  }
  const execId = stdio.execId ?? newExecId();
  const { io, task } = await prepareIO(execId, stdio);
  let added = false;
  try {
    await client.tasks.exec(containerId, execId, spec, task);
    added = true;
    const wait = client.tasks.wait(containerId, execId);
    wait.catch(() => undefined);
    const pid = await client.tasks.start(containerId, execId);
    io?.releaseWriters();
    return handle(client, containerId, execId, pid, io, wait);
  } catch (e) {
    if (added) await client.tasks.deleteProcess(containerId, execId).catch(() => undefined);
    await io?.close();
    throw e;
  }
}
