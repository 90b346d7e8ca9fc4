// Where a container's output is kept, and following a log file as it grows. Sources: the task's own `file://`
// stdout URI (ours, or `ctr run --log-uri`), our log-path label, or nerdctl's json-file log found through its
// labels (`nerdctl/state-dir`, or the data store in `nerdctl/log-uri`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Container, TaskProcess } from '../types';
import { RunLabels } from './create';
import { labelLogPath } from './log-files';

const { O_RDONLY, O_NOFOLLOW } = fs.constants;

/** A regular file (a symbolic link does not count: the follower would not open it). */
function isRegularFile(p: string): boolean {
  try { return fs.lstatSync(p).isFile(); } catch { return false; }
}

export type LogFormat = 'raw' | 'json-file';

export interface LogSource {
  path: string;
  format: LogFormat;
  /** Where the path came from. */
  origin: 'task' | 'label' | 'nerdctl';
}

function fileUriPath(uri: string): string | undefined {
  if (!uri.startsWith('file://')) return undefined;
  try { return decodeURIComponent(new URL(uri).pathname); } catch { return undefined; }
}

/** nerdctl keeps `<state-dir>/<id>-json.log`; state-dir is `<data store>/containers/<namespace>/<id>`. */
function nerdctlLog(c: Container, namespace: string): string | undefined {
  const stateDir = c.labels['nerdctl/state-dir'];
  if (stateDir) return path.join(stateDir, `${c.id}-json.log`);
  const uri = c.labels['nerdctl/log-uri'];
  if (!uri) return undefined;
  try {
    const store = new URL(uri).searchParams.get('_NERDCTL_INTERNAL_LOGGING');
    return store ? path.join(store, 'containers', namespace, c.id, `${c.id}-json.log`) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The log of a container, or undefined with the reason in `why`. Our log-path label is read only inside `logDir`
 * (or, without it, a log directory this client made): a hostile label must not show an arbitrary host file.
 */
export function findLogSource(c: Container, task: TaskProcess | undefined, namespace: string, opts: { logDir?: string } = {}): { source?: LogSource; why?: string } {
  const fromTask = task ? fileUriPath(task.stdout) : undefined;
  if (fromTask) return { source: { path: fromTask, format: 'raw', origin: 'task' } };
  const live = task && task.status !== 'stopped';
  if (live && task.terminal) return { why: `"${c.id}" runs with a terminal: its output goes to the terminal it is attached to (use Attach Terminal)` };
  const label = c.labels[RunLabels.logPath];
  const fromLabel = label ? labelLogPath(label, opts.logDir) : undefined;
  if (fromLabel?.path && isRegularFile(fromLabel.path)) return { source: { path: fromLabel.path, format: 'raw', origin: 'label' } };
  const nerdctl = nerdctlLog(c, namespace);
  if (nerdctl) {
    if (fs.existsSync(nerdctl)) return { source: { path: nerdctl, format: 'json-file', origin: 'nerdctl' } };
    return { why: `nerdctl's log for "${c.id}" should be at ${nerdctl}, which cannot be read here (only the json-file log driver is supported)` };
  }
  if (live && task.stdout) return { why: `"${c.id}" writes its output to ${task.stdout}, not to a log file` };
  if (fromLabel?.problem) return { why: `"${c.id}": ${fromLabel.problem}` };
  if (label) return { why: `"${c.id}" has no log yet: start it (detached) first` };
  return { why: `"${c.id}" keeps no log file (it was not started detached by Containerd Explorer, ctr --log-uri or nerdctl)` };
}

export interface LogChunk { text: string; stream?: 'stdout' | 'stderr' }

export interface FollowOptions {
  format?: LogFormat;
  onData(chunk: LogChunk): void;
  /** The file was truncated or replaced: reading restarts from its beginning. */
  onReset?(): void;
  onError?(e: Error): void;
  /** Backstop poll when no change notification comes (some filesystems); default 1000 ms. */
  pollMs?: number;
}

/** Follows a growing file, `tail -f` style, from its beginning. Waits for the file to appear. */
export class LogFollower {
  private offset = 0;
  private ino = -1;
  private reading = false;
  private again = false;
  private stopped = false;
  private watcher: fs.FSWatcher | undefined;
  private readonly timer: NodeJS.Timeout;
  private decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(readonly file: string, private readonly opts: FollowOptions) {
    this.timer = setInterval(() => this.pump(), opts.pollMs ?? 1000);
    this.pump();
  }

  /** Resolves once everything written so far has been delivered. */
  async flush(): Promise<void> {
    while (this.reading) await new Promise((r) => setTimeout(r, 5));
    await this.read();
  }

  private watch(): void {
    if (this.watcher || this.stopped) return;
    try {
      this.watcher = fs.watch(this.file, { persistent: false }, () => this.pump());
      this.watcher.on('error', () => { this.watcher?.close(); this.watcher = undefined; });
    } catch {
      // Not there yet (or not watchable): the poll covers it.
    }
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.reading) { this.again = true; return; }
    void this.read();
  }

  private async read(): Promise<void> {
    this.reading = true;
    try {
      do {
        this.again = false;
        await this.readOnce();
      } while (this.again && !this.stopped);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.onError?.(e as Error);
    } finally {
      this.reading = false;
    }
  }

  private async readOnce(): Promise<void> {
    // Not through a symbolic link: a log path is a file, and a link put in its place could lead anywhere.
    const fh = await fs.promises.open(this.file, O_RDONLY | O_NOFOLLOW);
    try {
      const st = await fh.stat();
      if ((this.ino >= 0 && st.ino !== this.ino) || st.size < this.offset) {
        this.offset = 0;
        this.decoder = new StringDecoder('utf8');
        this.partial = '';
        this.opts.onReset?.();
      }
      this.ino = st.ino;
      this.watch();
      const buf = Buffer.alloc(1 << 16);
      while (!this.stopped) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.deliver(this.decoder.write(buf.subarray(0, bytesRead)));
      }
    } finally {
      await fh.close();
    }
  }

  private deliver(text: string): void {
    if (!text) return;
    if (this.opts.format !== 'json-file') { this.opts.onData({ text }); return; }
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        const rec = JSON.parse(line) as { log?: unknown; stream?: unknown };
        const stream = rec.stream === 'stderr' ? 'stderr' : 'stdout';
        if (typeof rec.log === 'string') this.opts.onData({ text: rec.log, stream });
      } catch {
        this.opts.onData({ text: `${line}\n` });
      }
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }
}

/** Where we keep a container's log under `baseDir` (the extension's storage): `logs/<namespace>/<id>.log`. */
export function containerLogPath(baseDir: string, namespace: string, id: string): string {
  return path.join(baseDir, 'logs', namespace, `${id}.log`);
}
