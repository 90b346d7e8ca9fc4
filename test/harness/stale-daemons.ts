// Cleans up after earlier test processes that died without any cleanup (SIGKILL, OOM):
// their daemon dirs, shims and mounts. Only dirs whose owning process is gone are touched.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isAlive, killQuietly, killShims, readArgv, unmountAll, waitFor } from './processes';

/** A dir without owner.json may be one being set up right now; only old ones are abandoned. */
export const DAEMON_DIR_PREFIX = 'ctrd-test-';
const PREFIX = DAEMON_DIR_PREFIX;
const ORPHAN_AGE_MS = 30 * 60_000;

interface Owner {
  ownerPid: number;
  daemonPid: number;
  address: string;
}

function readOwner(dir: string): Owner | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

export async function sweepStaleDaemons(): Promise<string[]> {
  const swept: string[] = [];
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    const owner = readOwner(dir);
    if (owner && isAlive(owner.ownerPid)) continue;
    if (!owner) {
      const age = Date.now() - fs.statSync(dir).mtimeMs;
      if (age < ORPHAN_AGE_MS) continue;
    }
    const address = owner?.address ?? path.join(dir, 'containerd.sock');
    if (owner && isAlive(owner.daemonPid) && readArgv(owner.daemonPid).includes(address)) {
      killQuietly(owner.daemonPid, 'SIGKILL');
      await waitFor(() => !isAlive(owner.daemonPid), 5000);
    }
    const killed = killShims(address);
    await waitFor(() => killed.every((pid) => !isAlive(pid)), 5000);
    await unmountAll(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    swept.push(dir);
  }
  return swept;
}
