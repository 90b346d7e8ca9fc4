// Directories this client made and can prove later that it made: owned by our uid, mode 0700, not a symbolic link,
// holding a marker file bound to the directory's device and inode (and to a tag, e.g. the process id of a FIFO set).
// Removing or trusting a directory that a task's stdio path or a container label names goes through this check, so
// a hostile path cannot point us at another directory: only our uid (or root) can put a file into a 0700 dir of ours.
import * as fs from 'node:fs';
import * as path from 'node:path';

const { O_WRONLY, O_RDONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

export type OwnedDirKind = 'fifo' | 'logs' | 'network';

const markerName = (kind: OwnedDirKind): string => `.containerd-explorer-${kind}`;
const ourUid = (): number => process.getuid?.() ?? -1;
const markerText = (kind: OwnedDirKind, st: fs.Stats, tag: string): string => `containerd-explorer ${kind} dir ${st.dev}:${st.ino} ${tag}\n`;

/** Why `dir` cannot be one of ours (owner, mode, symlink), or undefined. Does not look at the marker. */
export function privateDirProblem(dir: string): string | undefined {
  let st: fs.Stats;
  try { st = fs.lstatSync(dir); } catch (e) { return `${dir} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`; }
  if (st.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!st.isDirectory()) return `${dir} is not a directory`;
  if (st.uid !== ourUid()) return `${dir} belongs to another user (uid ${st.uid})`;
  if ((st.mode & 0o777) !== 0o700) return `${dir} has mode 0${(st.mode & 0o777).toString(8)}, not 0700`;
  return undefined;
}

/** Writes the marker into `dir`, a 0700 directory of ours (see privateDirProblem). */
export async function markOwnedDir(dir: string, kind: OwnedDirKind, tag = ''): Promise<void> {
  const problem = privateDirProblem(dir);
  if (problem) throw new Error(`cannot mark ${dir} as ours: ${problem}`);
  const st = fs.lstatSync(dir);
  const fh = await fs.promises.open(path.join(dir, markerName(kind)), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try { await fh.writeFile(markerText(kind, st, tag)); } finally { await fh.close(); }
}

/** True when `dir` is a directory this client marked (see the file comment); with `tag`, marked with that tag. */
export function isOwnedDir(dir: string, kind: OwnedDirKind, tag?: string): boolean {
  if (privateDirProblem(dir)) return false;
  const st = fs.lstatSync(dir);
  let fd: number;
  try { fd = fs.openSync(path.join(dir, markerName(kind)), O_RDONLY | O_NOFOLLOW); } catch { return false; }
  try {
    const m = fs.fstatSync(fd);
    if (!m.isFile() || m.uid !== ourUid() || m.size > 512) return false;
    const text = fs.readFileSync(fd, 'utf8');
    if (tag !== undefined) return text === markerText(kind, st, tag);
    return text.startsWith(markerText(kind, st, '').slice(0, -1)); // keeps the space after the inode
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes our marker from `dir` while `dir` is still the directory we marked (so it can be rmdir'ed); else nothing. */
export async function removeOwnedMarker(dir: string, kind: OwnedDirKind): Promise<void> {
  if (isOwnedDir(dir, kind)) await fs.promises.unlink(path.join(dir, markerName(kind)));
}
