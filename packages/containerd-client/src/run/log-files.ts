// Log files of detached tasks, on the host. A log path can come from a container label, which anyone who can create
// containers can set: a label is used only inside the caller's log directory (real paths compared), or, without one,
// in a log directory this client made and marked (owned-dir.ts). The file is opened without following symbolic links
// in a directory that is ours and not writable by others, and only a file we create is ever chmod'ed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError, InvalidArgumentError } from '../errors';
import { isOwnedDir, markOwnedDir, removeOwnedMarker } from '../owned-dir';

const { O_WRONLY, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

function realpathOrUndefined(p: string): string | undefined {
  try { return fs.realpathSync(p); } catch { return undefined; }
}

/** The real path of `p`; for a path not made yet, its nearest existing ancestor's real path plus the rest. */
function realpathLoose(p: string): string {
  const real = realpathOrUndefined(p);
  if (real) return real;
  const parent = path.dirname(p);
  return parent === p ? p : path.join(realpathLoose(parent), path.basename(p));
}

/** `child` is `root` or below it (both already resolved). */
function within(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Absolute, without `..` segments (InvalidArgumentError otherwise). */
function absoluteLogPath(logPath: string, what: string): string {
  if (logPath.split(/[\\/]/).includes('..')) throw new InvalidArgumentError(`${what} "${logPath}" must not contain ".." segments`);
  return path.resolve(logPath);
}

/** Why `file`'s directory is not inside `logDir`, comparing real paths, or undefined. */
function outsideLogDir(file: string, logDir: string): string | undefined {
  if (within(realpathLoose(path.dirname(file)), realpathLoose(path.resolve(logDir)))) return undefined;
  return `${file} is not inside the log directory ${path.resolve(logDir)}`;
}

/**
 * The log path a container's log-path label names, when it may be used (see the file comment); otherwise
 * `problem` says why not. Reading and writing logs both go through this.
 */
export function labelLogPath(label: string, logDir?: string): { path?: string; problem?: string } {
  if (!path.isAbsolute(label) || label.split('/').includes('..')) return { problem: `its log-path label "${label}" is refused: it must be an absolute path without ".."` };
  const file = path.resolve(label);
  if (logDir) {
    const outside = outsideLogDir(file, logDir);
    return outside ? { problem: `its log-path label is refused: ${outside}` } : { path: file };
  }
  if (!isOwnedDir(path.dirname(file), 'logs')) return { problem: `its log-path label is refused: ${path.dirname(file)} is not a log directory made by Containerd Explorer (pass logDir, or logPath)` };
  return { path: file };
}

/** mkdir -p with 0700 for what is missing; the directories this call made, outermost first (`dir` last when made). */
async function makeDirs(dir: string): Promise<string[]> {
  try {
    await fs.promises.mkdir(dir, { mode: 0o700 });
    return [dir];
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return [];
    if (code !== 'ENOENT') throw e;
  }
  const parents = await makeDirs(path.dirname(dir));
  return [...parents, ...await makeDirs(dir)];
}

/**
 * Takes back what makeDirs made, innermost first: our marker in the log directory (only while the directory is still
 * the one we marked), then each directory with rmdir, which never removes one that something else was put into.
 */
async function removeMadeDirs(made: readonly string[]): Promise<void> {
  const leaf = made[made.length - 1];
  if (leaf) await removeOwnedMarker(leaf, 'logs').catch(() => undefined);
  for (const dir of [...made].reverse()) {
    try { await fs.promises.rmdir(dir); } catch { return; } // not empty or not ours any more: keep it and what holds it
  }
}

/** A log path's directory made ready for a new container: the file's path in it, and `undo` for a failed create. */
export interface PreparedLogDir {
  file: string;
  /** Removes the directories this preparation made (nothing when the directory already existed). */
  undo(): Promise<void>;
}

/**
 * Makes the directory of a log path (0700, marked as a log directory of ours when we make it) and checks its real
 * path: owned by us, not writable by group or others, inside `logDir` when given. Returns the file's path in it.
 */
export async function prepareLogDir(logPath: string, logDir?: string): Promise<string> {
  return (await prepareLogDirUndoable(logPath, logDir)).file;
}

/** prepareLogDir, plus an `undo` that removes what it made (a failed createContainer leaves no empty log folder). */
export async function prepareLogDirUndoable(logPath: string, logDir?: string): Promise<PreparedLogDir> {
  const file = absoluteLogPath(logPath, 'log path');
  if (logDir) {
    const outside = outsideLogDir(file, logDir);
    if (outside) throw new InvalidArgumentError(`log path refused: ${outside}`);
  }
  const made = await makeDirs(path.dirname(file));
  const undo = (): Promise<void> => removeMadeDirs(made);
  try {
    if (made.includes(path.dirname(file))) await markOwnedDir(path.dirname(file), 'logs');
    return { file: checkLogDir(file, logDir), undo };
  } catch (e) {
    await undo();
    throw e;
  }
}

/** The file's path in its directory's real path, once that directory is checked (ours, private, inside `logDir`). */
function checkLogDir(file: string, logDir: string | undefined): string {
  // From here on the real path: the shim gets a path whose directory is the one checked below.
  const dir = fs.realpathSync(path.dirname(file));
  const st = fs.statSync(dir);
  if (st.uid !== process.getuid?.()) throw new FailedPreconditionError(`log directory ${dir} belongs to another user (uid ${st.uid})`);
  if (st.mode & 0o022) throw new FailedPreconditionError(`log directory ${dir} can be written by other users (mode 0${(st.mode & 0o777).toString(8)}): use a directory of your own`);
  if (logDir) {
    const outside = outsideLogDir(file, logDir);
    if (outside) throw new InvalidArgumentError(`log path refused: ${outside}`);
  }
  return path.join(dir, path.basename(file));
}

/**
 * Creates the log file (0600, in a 0700 directory) before the shim opens it (the shim would make it 0644), or checks
 * the one there: a regular file of ours with a single link, opened without following a symbolic link, never chmod'ed.
 */
export async function prepareLogFile(logPath: string, opts: { logDir?: string } = {}): Promise<string> {
  const file = await prepareLogDir(logPath, opts.logDir);
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try { await fh.chmod(0o600); } finally { await fh.close(); } // ours: made just now (the umask may have narrowed it)
    return file;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  try {
    fh = await fs.promises.open(file, O_WRONLY | O_APPEND | O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new FailedPreconditionError(`log file ${file} is a symbolic link: refused (remove it, or choose another log path)`, { cause: e });
    throw e;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new FailedPreconditionError(`log file ${file} is not a regular file: refused`);
    if (st.uid !== process.getuid?.()) throw new FailedPreconditionError(`log file ${file} belongs to another user (uid ${st.uid}): refused`);
    if (st.nlink !== 1) throw new FailedPreconditionError(`log file ${file} has ${st.nlink} hard links: refused (remove it, or choose another log path)`);
  } finally {
    await fh.close();
  }
  return file;
}
