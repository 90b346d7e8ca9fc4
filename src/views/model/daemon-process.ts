// Which process listens on containerd's socket, and since when, read from /proc (containerd 1.6's Introspection
// does not say): /proc/net/unix maps the socket path to its inode, /proc/<pid>/fd holds `socket:[inode]`, and
// /proc/<pid>/stat's start time plus /proc/stat's btime give the start. Only visible when we may read the
// daemon's fd table (same user or root) and share its network namespace; otherwise undefined, never an error.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export interface DaemonProcess {
  pid: number;
  /** The process name (`containerd`). */
  command: string;
  startedAt: Date;
}

/** Linux's USER_HZ: /proc/<pid>/stat counts start time in these ticks on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
/** Listening sockets have __SO_ACCEPTCON (0x10000) in /proc/net/unix's Flags column. */
const SO_ACCEPTCON = 0x10000;

/** Inodes of listening Unix sockets bound to `socketPath`, from /proc/net/unix's text. */
export function listeningInodes(netUnix: string, socketPath: string): number[] {
  const inodes: number[] = [];
  for (const line of netUnix.split('\n').slice(1)) {
    // Num RefCount Protocol Flags Type St Inode Path (the path may hold spaces: it is the rest of the line).
    const m = /^\s*[0-9a-f]+:\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+(\d+)\s(.*)$/i.exec(line);
    if (!m || m[3] !== socketPath) continue;
    if ((parseInt(m[1], 16) & SO_ACCEPTCON) === 0) continue;
    inodes.push(Number(m[2]));
  }
  return inodes;
}

/** Start time in clock ticks after boot (field 22) and the command name, from /proc/<pid>/stat's text. */
export function parseProcStat(stat: string): { command: string; startTicks: number } | undefined {
  // The command is in parentheses and may itself hold spaces or ')': the fields follow the last ')'.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = stat.slice(close + 2).split(' ');
  // rest[0] is field 3 (state), so field 22 is rest[19].
  const startTicks = Number(rest[19]);
  return Number.isFinite(startTicks) ? { command: stat.slice(open + 1, close), startTicks } : undefined;
}

/** Boot time (seconds since the epoch) from /proc/stat's text. */
export function parseBootTime(procStat: string): number | undefined {
  const m = /^btime\s+(\d+)$/m.exec(procStat);
  return m ? Number(m[1]) : undefined;
}

async function readText(file: string): Promise<string | undefined> {
  return fsp.readFile(file, 'utf8').catch(() => undefined);
}

/** The pids whose fd table holds one of `inodes` (unreadable fd tables are skipped). */
async function holders(inodes: number[], proc: string): Promise<number[]> {
  const wanted = new Set(inodes.map((i) => `socket:[${i}]`));
  const pids = (await fsp.readdir(proc).catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  const found: number[] = [];
  for (const pid of pids) {
    const fdDir = path.join(proc, pid, 'fd');
    const fds = await fsp.readdir(fdDir).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await fsp.readlink(path.join(fdDir, fd)).catch(() => '');
      if (wanted.has(link)) { found.push(Number(pid)); break; }
    }
  }
  return found;
}

/** The process listening on `socketPath`, or undefined when /proc does not show it to us. `proc` is for tests. */
export async function findDaemonProcess(socketPath: string, proc = '/proc'): Promise<DaemonProcess | undefined> {
  const netUnix = await readText(path.join(proc, 'net', 'unix'));
  if (!netUnix) return undefined;
  const inodes = listeningInodes(netUnix, socketPath);
  if (!inodes.length) return undefined;
  const bootTime = parseBootTime((await readText(path.join(proc, 'stat'))) ?? '');
  if (bootTime === undefined) return undefined;
  const candidates: DaemonProcess[] = [];
  for (const pid of await holders(inodes, proc)) {
    const stat = parseProcStat((await readText(path.join(proc, String(pid), 'stat'))) ?? '');
    if (!stat) continue;
    candidates.push({ pid, command: stat.command, startedAt: new Date((bootTime + stat.startTicks / CLOCK_TICKS_PER_SECOND) * 1000) });
  }
  // A socket fd can be inherited by a child; the listener is containerd itself, and the oldest holder otherwise.
  candidates.sort((a, b) => Number(!a.command.startsWith('containerd')) - Number(!b.command.startsWith('containerd'))
    || a.startedAt.getTime() - b.startedAt.getTime());
  return candidates[0];
}
