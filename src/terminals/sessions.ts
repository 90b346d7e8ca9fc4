// The three kinds of process a terminal can show, as PtySessions: an exec (closing the terminal kills and
// deletes it), a container's TTY task started in the terminal, and a TTY task attached to again (closing
// either only detaches: the task runs on and can be attached later).
import type { AttachedTask, ProcessHandle } from '@containerd-explorer/client';
import { removeTaskFifos } from '@containerd-explorer/client';
import type { PtySession } from './process-pty';

const KILL_WAIT_MS = 5000;

function ioOf(handle: ProcessHandle): NonNullable<ProcessHandle['io']> {
  if (!handle.io?.stdin) throw new Error(`process ${handle.execId || handle.containerId} has no terminal attached`);
  return handle.io;
}

const timeout = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** An exec with a pty: abandoning it kills it (SIGKILL), deletes the process and removes its FIFO dir. */
export function execSession(handle: ProcessHandle): PtySession {
  const io = ioOf(handle);
  return {
    output: io.stdout, input: io.stdin, exited: handle.exited.then((s) => s.exitStatus),
    resize: (s) => handle.resize(s.width, s.height),
    finish: async () => { await handle.delete(); },
    abandon: async () => {
      await handle.kill('SIGKILL').catch(() => undefined);
      await Promise.race([handle.exited.catch(() => undefined), timeout(KILL_WAIT_MS)]);
      await handle.delete();
    },
  };
}

/**
 * A container's TTY task started for this terminal. On exit the stopped task stays (the views show its exit
 * code) but our FIFO dir goes; on close we only let go of our ends.
 */
export function taskSession(handle: ProcessHandle): PtySession {
  const io = ioOf(handle);
  return {
    output: io.stdout, input: io.stdin, exited: handle.exited.then((s) => s.exitStatus),
    resize: (s) => handle.resize(s.width, s.height),
    finish: () => io.close(),
    abandon: async () => {
      io.stdin?.destroy();
      io.stdout.destroy();
    },
  };
}

/** A running TTY task attached again (see attachTask). */
export function attachedSession(attached: AttachedTask): PtySession {
  return {
    output: attached.stdout, input: attached.stdin, exited: attached.exited.then((s) => s.exitStatus),
    resize: (s) => attached.resize(s.width, s.height),
    finish: async () => { attached.detach(); await removeTaskFifos(attached.task); },
    abandon: async () => attached.detach(),
  };
}
