// Process, mount and port helpers for the test harness (Linux /proc based).
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ProcInfo {
  pid: number;
  ppid: number;
  argv: string[];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie is dead for our purposes: it only waits to be reaped.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function readArgv(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s, i, a) => s !== '' || i < a.length - 1);
  } catch {
    return [];
  }
}

export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name, which may itself contain spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid, ppid, argv: readArgv(pid) });
    } catch {
      // The process exited while we looked.
    }
  }
  return out;
}

/** containerd-shim-runc-v2 processes started by the daemon listening on `address` (they get `-address <sock>`). */
export function shimsOf(address: string, procs = listProcesses()): ProcInfo[] {
  return procs.filter((p) => {
    if (!p.argv[0] || !path.basename(p.argv[0]).startsWith('containerd-shim')) return false;
    const i = p.argv.indexOf('-address');
    return i !== -1 && (p.argv[i + 1] === address || p.argv[i + 1] === `unix://${address}`);
  });
}

/** pid and all its descendants, parents first. */
export function processTree(pid: number, procs = listProcesses()): number[] {
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    out.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return out;
}

export function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGKILLs every shim of this daemon together with the container processes under it. */
export function killShims(address: string): number[] {
  const procs = listProcesses();
  const victims = shimsOf(address, procs).flatMap((s) => processTree(s.pid, procs));
  for (const pid of victims) killQuietly(pid, 'SIGKILL');
  return victims;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Mount points at or below dir, deepest first (so they can be unmounted in order). */
export function mountsUnder(dir: string): string[] {
  const root = path.resolve(dir);
  let info: string;
  try {
    info = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const points = info.split('\n').filter(Boolean).map((line) =>
    // Field 5 is the mount point, with space, tab, newline and backslash escaped as octal.
    line.split(' ')[4].replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))));
  return [...new Set(points.filter((p) => p === root || p.startsWith(`${root}/`)))].sort((a, b) => b.length - a.length);
}

export async function unmountAll(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const points = mountsUnder(dir);
    if (points.length === 0) return;
    for (const p of points) {
      await execFileAsync('umount', [p]).catch(() => execFileAsync('umount', ['-l', p]).catch(() => undefined));
    }
  }
}

export function unmountAllSync(dir: string): void {
  for (const p of mountsUnder(dir)) {
    try {
      execFileSync('umount', ['-l', p], { stdio: 'ignore' });
    } catch {
      // Best effort: this runs while the process exits.
    }
  }
}

/** A TCP port free on 127.0.0.1 right now (listen on port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}
