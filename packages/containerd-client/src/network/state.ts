// Per-container network state, in a directory this client owns: `<stateDir>/<namespace>/<id>/` (0700, marked as
// ours for that namespace/id, see owned-dir.ts) holding the persistent netns file, hosts, resolv.conf and
// state.json: the network lists as they were at create time, the plugin dirs, ports, hostname, and the cached ADD
// results that DEL needs and the views show. A container's label names the directory; it is trusted only when marked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isOwnedDir, markOwnedDir, privateDirProblem } from '../owned-dir';
import type { CniResult, NetworkList } from './cni-exec';
import type { PortMapping } from './ports';

/** Our container label: the container's network state directory. */
export const NETWORK_STATE_LABEL = 'containerd-explorer/network-state';

export interface AttachedNetwork { list: NetworkList; ifName: string }

export interface NetworkState {
  version: 1;
  namespace: string;
  id: string;
  networks: AttachedNetwork[];
  binDirs: string[];
  ports: PortMapping[];
  hostname?: string;
  /** ADD results by network name while connected; absent after DEL. */
  results?: Record<string, CniResult>;
  /** Addresses of the last connection by network name: the next start asks for them again. */
  lastAddresses?: Record<string, string[]>;
  /** Pid of the task started on this connection: only its exit event disconnects (not a late one of an earlier task). */
  taskPid?: number;
}

export const stateFiles = (dir: string): { netns: string; hosts: string; resolvConf: string; state: string } => ({
  netns: path.join(dir, 'netns'),
  hosts: path.join(dir, 'hosts'),
  resolvConf: path.join(dir, 'resolv.conf'),
  state: path.join(dir, 'state.json'),
});

const tagOf = (namespace: string, id: string): string => `${namespace}/${id}`;

/** mkdir 0700 (owned and private, or an error). */
async function privateDir(dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const problem = privateDirProblem(dir);
  if (problem) throw new Error(`network state directory refused: ${problem}`);
}

/** Makes and marks the container's state directory; AlreadyExists-like Error when it is there already. */
export async function makeStateDir(stateDir: string, namespace: string, id: string): Promise<string> {
  await privateDir(stateDir);
  await privateDir(path.join(stateDir, namespace));
  const dir = path.join(stateDir, namespace, id);
  await fs.promises.mkdir(dir, { mode: 0o700 });
  await markOwnedDir(dir, 'network', tagOf(namespace, id));
  return dir;
}

/** True when `dir` is a state directory we made for that container. */
export function isStateDir(dir: string, namespace: string, id: string): boolean {
  return path.isAbsolute(dir) && !dir.split('/').includes('..') && isOwnedDir(dir, 'network', tagOf(namespace, id));
}

export async function writeState(dir: string, state: NetworkState): Promise<void> {
  const file = stateFiles(dir).state;
  const tmp = `${file}.tmp`;
  await fs.promises.writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  await fs.promises.rename(tmp, file);
}

/** The state of a directory we made for (namespace, id), or undefined. */
export function readState(dir: string, namespace: string, id: string): NetworkState | undefined {
  if (!isStateDir(dir, namespace, id)) return undefined;
  try {
    const s = JSON.parse(fs.readFileSync(stateFiles(dir).state, 'utf8')) as NetworkState;
    return s.version === 1 && s.namespace === namespace && s.id === id ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Every (namespace, id, dir) with a state directory under `stateDir`. */
export function listStateDirs(stateDir: string): { namespace: string; id: string; dir: string }[] {
  const out: { namespace: string; id: string; dir: string }[] = [];
  const names = (d: string): string[] => { try { return fs.readdirSync(d); } catch { return []; } };
  for (const namespace of names(stateDir)) {
    for (const id of names(path.join(stateDir, namespace))) {
      const dir = path.join(stateDir, namespace, id);
      if (isStateDir(dir, namespace, id)) out.push({ namespace, id, dir });
    }
  }
  return out;
}
