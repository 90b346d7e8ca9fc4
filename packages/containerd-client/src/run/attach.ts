// Attaching to a running TTY task again: its FIFO paths are in the task record (as containerd's Go client's
// cio.NewAttach reopens them). Detaching destroys only our ends; the FIFOs stay for the next attach.
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { ContainerdClient } from '../client';
import { FailedPreconditionError, NotFoundError } from '../errors';
import type { ExitStatus, TaskProcess } from '../types';
import { findTask } from './lifecycle';

const { O_RDONLY, O_RDWR, O_NONBLOCK } = fs.constants;

export interface AttachedTask {
  readonly containerId: string;
  readonly pid: number;
  /** The task as it was when attached (its FIFO paths). */
  readonly task: TaskProcess;
  /** The pty's output. */
  readonly stdout: net.Socket;
  readonly stdin?: net.Socket;
  /** Resolves when the task exits (after its output is read). */
  readonly exited: Promise<ExitStatus>;
  resize(width: number, height: number): Promise<void>;
  /** Closes our ends; the task keeps running. */
  detach(): void;
}

function isFifo(p: string): boolean {
  try { return fs.statSync(p).isFIFO(); } catch { return false; }
}

function openFifo(p: string, flags: number, readable: boolean): net.Socket {
  const socket = new net.Socket({ fd: fs.openSync(p, flags | O_NONBLOCK), readable, writable: !readable });
  socket.on('error', () => undefined);
  return socket;
}

/** Opens the FIFOs of the running TTY task of `containerId`. Refuses (FailedPrecondition) what cannot be attached. */
export async function attachTask(client: ContainerdClient, containerId: string): Promise<AttachedTask> {
  const task = await findTask(client, containerId);
  if (!task) throw new NotFoundError(`container "${containerId}" has no task to attach to: start it first`);
  if (task.status !== 'running' && task.status !== 'paused') {
    throw new FailedPreconditionError(`the task of "${containerId}" is ${task.status}: only a running task can be attached`);
  }
  if (!task.terminal) {
    throw new FailedPreconditionError(`the task of "${containerId}" has no terminal (it was started detached): show its logs or open a shell instead`);
  }
  if (!task.stdout || task.stdout.includes('://') || !isFifo(task.stdout)) {
    throw new FailedPreconditionError(`the task of "${containerId}" writes to ${task.stdout || 'nothing'}, which is not a FIFO that can be reopened (the client that started it is gone): open a shell instead`);
  }
  // Wait first: an exit right after opening must not be missed.
  const wait = client.tasks.wait(containerId);
  wait.catch(() => undefined);
  const stdout = openFifo(task.stdout, O_RDONLY, true);
  const stdin = task.stdin && isFifo(task.stdin) ? openFifo(task.stdin, O_RDWR, false) : undefined;
  const drained = new Promise<void>((resolve) => { stdout.once('end', resolve); stdout.once('close', resolve); });
  let detached = false;
  const detach = (): void => {
    if (detached) return;
    detached = true;
    stdout.destroy();
    stdin?.destroy();
  };
  const exited = wait.then(async (st) => { await Promise.race([drained, new Promise((r) => setTimeout(r, 1000))]); return st; });
  exited.catch(() => undefined);
  return {
    containerId, pid: task.pid, task, stdout, stdin, exited, detach,
    resize: (w, h) => client.tasks.resizePty(containerId, '', Math.max(1, Math.floor(w)), Math.max(1, Math.floor(h))),
  };
}
