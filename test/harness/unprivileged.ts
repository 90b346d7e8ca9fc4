// What a test needs to run something as an unprivileged user (setpriv, uid 65534): the checkout may lie under a
// directory that user cannot enter (root's home, a `mktemp -d`), so the files it must read are staged in a fresh
// 0755 folder under os.tmpdir(). Readable files are hard-linked (code-server is ~600 MB), others copied.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { onExitCleanup } from './exit-cleanup';

/** nobody: the user that root's tests drop to, because root may open any socket. */
export const NOBODY = 65534;

/** `setpriv` arguments that run `command` as `uid` (same gid, no supplementary groups). */
export function setprivArgs(command: string, args: string[], uid = NOBODY): string[] {
  return [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', command, ...args];
}

/**
 * Runs a staged probe as `uid` (setpriv), in `cwd`, and resolves to the JSON of its last stdout line (what the
 * probes print); a non-zero exit rejects with the probe's output.
 */
export function runJsonProbe<T>(command: string, args: string[], cwd: string, uid = NOBODY): Promise<T> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn('setpriv', setprivArgs(command, args, uid), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => { text += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`probe exited ${code}: ${err}${text}`))));
  }).then((out) => JSON.parse(out.trim().split('\n').pop() ?? '{}') as T);
}

/** A path staged under its basename, under another name (`as`, relative), or text/bytes written as `as`. */
export type StageSource = string | { from: string; as: string } | { contents: string | Uint8Array; as: string };

export interface Staged {
  /** The 0755 folder, readable and traversable by every user down from /. */
  readonly dir: string;
  /** Absolute path of an entry inside the folder. */
  path(...parts: string[]): string;
  /** Removes the folder (also done at process exit if forgotten). */
  remove(): void;
}

/**
 * A compiled script and everything it requires (out/src, node_modules) as one file named `as`, so staging it
 * does not mean staging the checkout's out/ and node_modules/.
 */
export function bundled(entry: string, as: string): StageSource {
  const r = buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
  return { contents: r.outputFiles[0].contents, as };
}

const OTHER_X = 0o001;
const OTHER_R = 0o004;

/** The temp dir's real path, checked to be enterable by other users all the way from /. */
function traversableTmpdir(): string {
  const tmp = fs.realpathSync(os.tmpdir());
  for (let d = tmp; ; d = path.dirname(d)) {
    if ((fs.statSync(d).mode & OTHER_X) === 0) {
      throw new Error(`${d} (on the way to the temp dir ${tmp}) cannot be entered by other users, so an unprivileged ` +
        'test process could not read what is staged for it: point TMPDIR at a folder every user can enter, e.g. TMPDIR=/tmp');
    }
    if (d === path.dirname(d)) return tmp;
  }
}

/** A name inside the staging folder: relative, no `..`, so nothing lands outside it. */
function checkedName(name: string): string {
  const norm = path.normalize(name);
  if (!norm || norm === '.' || path.isAbsolute(norm) || norm.split(path.sep).includes('..')) {
    throw new Error(`stage name ${JSON.stringify(name)} must be a relative path inside the staging folder`);
  }
  return norm;
}

/**
 * Mode for a copy: readable by all, executable by all where the owner could execute; never writable by others,
 * never setuid/setgid (a staged file must not grant anything the original did not).
 */
function stagedMode(mode: number): number {
  return ((mode & 0o755) | 0o444 | ((mode & 0o100) !== 0 ? 0o111 : 0)) & 0o755;
}

function stageFile(from: string, to: string, st: fs.Stats): void {
  // A link shares the original's inode and mode: fine when others could already read it and cannot write it.
  const linkable = (st.mode & OTHER_R) !== 0 && (st.mode & 0o7022) === 0 && ((st.mode & 0o100) === 0 || (st.mode & OTHER_X) !== 0);
  if (linkable) {
    try {
      fs.linkSync(from, to);
      return;
    } catch {
      // Another file system (EXDEV) or links refused: copy instead.
    }
  }
  fs.copyFileSync(from, to);
  fs.chmodSync(to, stagedMode(st.mode));
}

function makeDir(dir: string): void {
  fs.mkdirSync(dir);
  fs.chmodSync(dir, 0o755); // whatever the umask
}

/** Creates the missing folders between the staging folder `top` and `to`, each 0755. */
function makeParents(top: string, to: string): void {
  const parent = path.dirname(to);
  if (parent === top || fs.existsSync(parent)) return;
  makeParents(top, parent);
  makeDir(parent);
}

/** Stages `from` (a file or a tree) as `to`; `root` is the top of the tree being staged, for symlinks. */
function stagePath(from: string, to: string, root: string, seen: Set<string>): void {
  const lst = fs.lstatSync(from);
  if (lst.isSymbolicLink()) {
    const target = fs.readlinkSync(from);
    const resolved = path.resolve(path.dirname(from), target);
    // A relative link inside the staged tree still works in the copy; any other is replaced by what it points to.
    if (!path.isAbsolute(target) && (resolved === root || resolved.startsWith(root + path.sep))) {
      fs.symlinkSync(target, to);
      return;
    }
    if (!fs.existsSync(resolved)) return; // a dangling link points to nothing the user could read anyway
    stagePath(fs.realpathSync(resolved), to, root, seen);
    return;
  }
  if (lst.isDirectory()) {
    const real = fs.realpathSync(from);
    if (seen.has(real)) throw new Error(`${from}: symbolic links loop back into ${real}; cannot stage it`);
    seen.add(real);
    makeDir(to);
    for (const name of fs.readdirSync(from)) stagePath(path.join(from, name), path.join(to, name), root, seen);
    seen.delete(real);
    return;
  }
  if (lst.isFile()) stageFile(from, to, lst);
  // Sockets, FIFOs and devices are never something a test process must read: left out.
}

/**
 * A fresh 0755 folder under os.tmpdir() holding `sources`, readable by any user (the temp dir's parents are
 * checked to be enterable). Call remove() when the unprivileged process is done.
 */
export function stageForUser(sources: StageSource[], label = 'stage'): Staged {
  const dir = fs.mkdtempSync(path.join(traversableTmpdir(), `ce-${label.replace(/[^\w.-]/g, '_')}-`));
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    unregister();
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const unregister = onExitCleanup(remove);
  try {
    fs.chmodSync(dir, 0o755);
    for (const source of sources) {
      if (typeof source !== 'string' && 'contents' in source) {
        const to = path.join(dir, checkedName(source.as));
        makeParents(dir, to);
        fs.writeFileSync(to, source.contents);
        fs.chmodSync(to, 0o644);
        continue;
      }
      const from = path.resolve(typeof source === 'string' ? source : source.from);
      const to = path.join(dir, checkedName(typeof source === 'string' ? path.basename(from) : source.as));
      makeParents(dir, to);
      stagePath(from, to, from, new Set());
    }
  } catch (e) {
    remove();
    throw e;
  }
  return { dir, path: (...parts) => path.join(dir, ...parts), remove };
}
