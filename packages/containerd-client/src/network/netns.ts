// Persistent network namespaces, as CRI makes them: an empty file with a new network namespace bind-mounted on it
// (`unshare --net=<file> true`), named in the container's spec so every task of the container joins it and a restart
// keeps its interfaces' addresses. Removing unmounts then unlinks; both tolerate a namespace already gone.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { NetworkPermissionError } from './errors';

/** nsfs's magic number (statfs f_type): the file has a namespace mounted on it. */
const NSFS_MAGIC = 0x6e736673;

function run(file: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (err, _stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stderr: String(stderr || (err && err.message) || '') });
    });
  });
}

/** True when `file` has a network namespace mounted on it. */
export function isNetnsMounted(file: string): boolean {
  try { return Number(fs.statfsSync(file).type) === NSFS_MAGIC; } catch { return false; }
}

/** Makes the file and mounts a new network namespace on it; a failure leaves no file. */
export async function createNetns(file: string): Promise<void> {
  await fs.promises.writeFile(file, '', { flag: 'wx', mode: 0o600 });
  const r = await run('unshare', [`--net=${file}`, 'true']);
  if (r.code === 0 && isNetnsMounted(file)) return;
  await fs.promises.rm(file, { force: true });
  if (/not permitted|permission denied/i.test(r.stderr)) throw new NetworkPermissionError('creating the container\'s network namespace');
  throw new Error(`creating the network namespace ${file} failed: ${r.stderr.trim() || `unshare exited with ${r.code}`}`);
}

/** Unmounts (when mounted) and removes the file; a missing file is fine. */
export async function removeNetns(file: string): Promise<void> {
  if (isNetnsMounted(file)) {
    const r = await run('umount', [file]);
    if (r.code !== 0 && isNetnsMounted(file)) throw new Error(`unmounting the network namespace ${file} failed: ${r.stderr.trim()}`);
  }
  await fs.promises.rm(file, { force: true });
}
