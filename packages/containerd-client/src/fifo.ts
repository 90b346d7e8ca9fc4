// Task stdio FIFOs. Node has no mkfifo(2): the `mkfifo` program makes them (argument array, no shell).
// Opening: reads go through epoll via net.Socket on a non-blocking fd, so idle terminals never hold libuv's
// thread pool (fs.read on a FIFO would block a pool thread until data comes).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { validateIdentifier } from './identifiers';
import { markOwnedDir } from './owned-dir';
import type { TaskIO } from './services/tasks';

const execFileP = promisify(execFile);
/** Name prefix of the per-process FIFO directories. */
export const FIFO_DIR_PREFIX = 'ctrd-fifo-';
const { O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK } = fs.constants;

export interface FifoSet {
  /** 0700 directory holding the FIFOs; removed by `remove()`. */
  dir: string;
  stdin?: string;
  stdout: string;
  /** Absent with a terminal: a pty merges stderr into stdout. */
  stderr?: string;
  terminal: boolean;
}

export interface FifoOptions { stdin?: boolean; terminal?: boolean; /** Parent of the per-process dir (default: the OS temp dir). */ baseDir?: string }

/**
 * Creates `<id>-stdin`, `<id>-stdout`, `<id>-stderr` FIFOs (mode 0600) in a fresh 0700 directory, marked as ours
 * with `id` as its tag (see owned-dir.ts): only marked directories are ever removed through a task's stdio paths.
 * `id` must be a containerd identifier (InvalidArgumentError otherwise), so it cannot lead out of the directory.
 */
export async function createFifoSet(id: string, options: FifoOptions = {}): Promise<FifoSet> {
  validateIdentifier(id, 'process id');
  const base = options.baseDir ?? os.tmpdir();
  await fs.promises.mkdir(base, { recursive: true, mode: 0o700 });
  const dir = await fs.promises.mkdtemp(path.join(base, FIFO_DIR_PREFIX));
  const terminal = options.terminal ?? false;
  const set: FifoSet = { dir, stdout: path.join(dir, `${id}-stdout`), terminal };
  if (options.stdin) set.stdin = path.join(dir, `${id}-stdin`);
  if (!terminal) set.stderr = path.join(dir, `${id}-stderr`);
  try {
    const paths = [set.stdin, set.stdout, set.stderr].filter((p): p is string => !!p);
    await markOwnedDir(dir, 'fifo', id);
    await execFileP('mkfifo', ['-m', '0600', ...paths]);
  } catch (e) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw new Error(`cannot create FIFOs for process stdio in ${base}: ${(e as Error).message}`, { cause: e });
  }
  return set;
}

export function fifoTaskIO(set: FifoSet): TaskIO {
  return { stdin: set.stdin ?? '', stdout: set.stdout, stderr: set.stderr ?? '', terminal: set.terminal };
}

/** A `file://` log URI: the shim appends stdout and stderr to that file, which outlives the client. */
export function fileLogIO(logPath: string): TaskIO {
  const uri = `file://${path.resolve(logPath)}`;
  return { stdin: '', stdout: uri, stderr: uri, terminal: false };
}

function openSocket(file: string, flags: number, readable: boolean): { socket: net.Socket; fd: number } {
  const fd = fs.openSync(file, flags | O_NONBLOCK);
  return { socket: new net.Socket({ fd, readable, writable: !readable }), fd };
}

/** Our ends of a FIFO set, as sockets. */
export class AttachedIO {
  readonly stdin?: net.Socket;
  readonly stdout: net.Socket;
  readonly stderr?: net.Socket;
  private keepOpen: number[] = [];
  private closed = false;

  constructor(readonly fifos: FifoSet) {
    // Readers open read-only, so they see EOF once the shim closes its write end. Until the shim has opened
    // that end, a placeholder writer of ours keeps the reader from seeing an early EOF (see releaseWriters).
    const out = openSocket(fifos.stdout, O_RDONLY, true);
    this.stdout = out.socket;
    this.keepOpen.push(fs.openSync(fifos.stdout, O_WRONLY | O_NONBLOCK));
    if (fifos.stderr) {
      this.stderr = openSocket(fifos.stderr, O_RDONLY, true).socket;
      this.keepOpen.push(fs.openSync(fifos.stderr, O_WRONLY | O_NONBLOCK));
    }
    // stdin read-write: opening never blocks, and writes don't fail before the shim opens its reader.
    if (fifos.stdin) this.stdin = openSocket(fifos.stdin, O_RDWR, false).socket;
    for (const s of [this.stdout, this.stderr, this.stdin]) s?.on('error', () => undefined);
  }

  /** Call once the process has started (the shim holds its ends by then): EOF now means the process is done. */
  releaseWriters(): void {
    for (const fd of this.keepOpen.splice(0)) fs.closeSync(fd);
  }

  /** Resolves when stdout (and stderr) reached EOF or were destroyed. */
  async drained(): Promise<void> {
    const ended = (s?: net.Socket): Promise<void> => (!s || s.destroyed || s.readableEnded ? Promise.resolve() : new Promise((r) => { s.once('end', r); s.once('close', r); }));
    await Promise.all([ended(this.stdout), ended(this.stderr)]);
  }

  /**
   * Removes the FIFO directory but keeps our ends open (what is buffered can still be read): once the process has
   * exited nobody opens these FIFOs by name again.
   */
  async removeFifos(): Promise<void> {
    await fs.promises.rm(this.fifos.dir, { recursive: true, force: true });
  }

  /** Destroys our ends and removes the FIFO directory. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.releaseWriters();
    for (const s of [this.stdin, this.stdout, this.stderr]) s?.destroy();
    await fs.promises.rm(this.fifos.dir, { recursive: true, force: true });
  }
}

/** Removes a FIFO set that was never opened (e.g. the RPC that would have used it failed). */
export async function removeFifoSet(set: FifoSet): Promise<void> {
  await fs.promises.rm(set.dir, { recursive: true, force: true });
}
