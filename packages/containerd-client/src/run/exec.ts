// Exec in a running container: the process spec is the container's own process with args, tty, env, cwd and
// user replaced (what `ctr task exec` sends); a command missing from the image is reported as NotFound.
import type { ContainerdClient } from '../client';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors';
import { validateIdentifier } from '../identifiers';
import { resolveImage } from '../images/resolve';
import { startExec, type ProcessHandle } from '../process';
import type { Process, Spec } from '../oci/runtime-spec-types';
import { buildProcessSpec, NoCommandError } from '../oci/spec';
import { GroupNotFoundError, InvalidUserError, UserNotFoundError } from '../oci/user';
import { commandStartError } from './start-errors';
import { readUserFiles } from './image-files';
import { findTask } from './lifecycle';

export interface ExecOptions {
  args: string[];
  /** A pty (stdin attached, stderr merged into stdout). */
  tty: boolean;
  /** Attach stdin without a pty. */
  stdin?: boolean;
  /** Default: generated (`exec-<hex>`). A containerd identifier (InvalidArgumentError otherwise, before anything is made). */
  execId?: string;
  env?: string[];
  cwd?: string;
  /** Resolved against the image's /etc/passwd and /etc/group. */
  user?: string;
  /** Parent of the exec's FIFO directory (default: the OS temp dir). */
  fifoBaseDir?: string;
  /** Initial pty size. */
  size?: { width: number; height: number };
}

async function userFiles(client: ContainerdClient, image: string): Promise<{ passwd?: string; group?: string }> {
  if (!image) return {};
  let record;
  try {
    record = await client.images.get(image);
  } catch (e) {
    if (e instanceof NotFoundError) throw new FailedPreconditionError(`cannot resolve a user name: the container's image "${image}" is gone; give a numeric uid:gid`, { cause: e });
    throw e;
  }
  const resolved = await resolveImage(client, record.target);
  return readUserFiles(client, resolved.manifest);
}

/** Starts an exec process in the running task of `containerId`. Failures leave no process and no FIFOs. */
export async function execProcess(client: ContainerdClient, containerId: string, opts: ExecOptions): Promise<ProcessHandle> {
  if (opts.execId !== undefined) validateIdentifier(opts.execId, 'exec id');
  const task = await findTask(client, containerId);
  if (!task) throw new FailedPreconditionError(`cannot exec in container "${containerId}": it has no task; start it first`);
  const container = await client.containers.get(containerId);
  const base = (container.spec as Spec | undefined)?.process;
  let spec: Process;
  try {
    const files = opts.user && !/^\d+(:\d+)?$/.test(opts.user) ? await userFiles(client, container.image) : {};
    spec = buildProcessSpec(base, { args: opts.args, tty: opts.tty, env: opts.env, cwd: opts.cwd, user: opts.user, ...files });
  } catch (e) {
    if (e instanceof UserNotFoundError || e instanceof GroupNotFoundError || e instanceof InvalidUserError || e instanceof NoCommandError) {
      throw new InvalidArgumentError(e.message, { cause: e });
    }
    throw e;
  }
  if (opts.tty && opts.size) spec.consoleSize = { height: Math.max(1, Math.floor(opts.size.height)), width: Math.max(1, Math.floor(opts.size.width)) };
  try {
    return await startExec(client, containerId, spec, { terminal: opts.tty, stdin: opts.tty || opts.stdin, execId: opts.execId, fifoBaseDir: opts.fifoBaseDir });
  } catch (e) {
    throw commandStartError(e, containerId, opts.args) ?? e;
  }
}

export interface ShellOptions extends Omit<ExecOptions, 'args' | 'tty'> {
  /** Shells to try in order (default bash, then sh). */
  shells?: string[];
}

/** A TTY shell: the first of `shells` the image has (bash, else sh). */
export async function openShell(client: ContainerdClient, containerId: string, opts: ShellOptions = {}): Promise<{ handle: ProcessHandle; shell: string }> {
  const shells = opts.shells ?? ['bash', 'sh'];
  let last: unknown;
  for (const shell of shells) {
    try {
      return { handle: await execProcess(client, containerId, { ...opts, args: [shell], tty: true }), shell };
    } catch (e) {
      // Only "no such command" moves on to the next shell; an exec id in use, a stopped task… end here.
      if (!(e instanceof NotFoundError) || !e.message.startsWith('command ')) throw e;
      last = e;
    }
  }
  throw new NotFoundError(`no shell in container "${containerId}": tried ${shells.join(', ')}`, { cause: last });
}
