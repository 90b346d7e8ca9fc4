// Bind mounts checked on this machine before a container is made: the source must exist and is resolved through
// every symlink (the spec then mounts the real path, so what was checked is what runc mounts); the host's root `/`
// is refused unless the caller allows it; other sensitive host paths (/etc, /proc, the runtimes' sockets and state)
// are flagged so the caller can warn.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { socketPathOf } from '../address';
import { InvalidArgumentError } from '../errors';
import type { BindMount } from '../oci/spec';

/** Host paths a container should not see without a second thought, and what they give it. */
export const SENSITIVE_HOST_PATHS: readonly { path: string; what: string }[] = [
  { path: '/etc', what: "the host's configuration and password hashes (/etc)" },
  { path: '/proc', what: "the host's process and kernel interfaces (/proc)" },
  { path: '/sys', what: "the host's kernel and device settings (/sys)" },
  { path: '/dev', what: "the host's devices (/dev)" },
  { path: '/boot', what: "the host's kernel and boot loader (/boot)" },
  { path: '/var/run/docker.sock', what: "Docker's socket (control of Docker is root on the host)" },
  { path: '/run/docker.sock', what: "Docker's socket (control of Docker is root on the host)" },
  { path: '/var/lib/docker', what: "Docker's state (/var/lib/docker)" },
  { path: '/run/containerd', what: "containerd's socket and state (control of containerd is root on the host)" },
  { path: '/var/lib/containerd', what: "containerd's root: every image and container's files (/var/lib/containerd)" },
];

/** The socket a client talks to, as a sensitive path (mounting it hands the container the daemon). */
export function containerdSocketPath(address: string): { path: string; what: string } {
  return { path: socketPathOf(address), what: "this containerd's socket (control of containerd is root on the host)" };
}

export interface ResolvedBindMount extends BindMount {
  /** The source with every symlink resolved: what the spec mounts. */
  resolvedSource: string;
  /** The source is the host's root directory, directly or through symlinks. */
  hostRoot: boolean;
  /** Why the mount is risky (it is, is inside, or contains a sensitive host path), else undefined. */
  warning?: string;
}

export interface BindMountCheckOptions {
  /** Allow a source that resolves to `/`; without it such a mount throws HostRootMountError. */
  allowHostRoot?: boolean;
  /** More sensitive host paths, e.g. the socket this client talks to. */
  sensitive?: readonly { path: string; what: string }[];
}

/** A bind mount whose source is the host's root, without `allowHostRoot`: the container would get the whole host. */
export class HostRootMountError extends InvalidArgumentError {
  constructor(readonly source: string, readonly destination: string, readonly readOnly: boolean) {
    super(`bind mount source "${source}"${source === '/' ? ' is' : ' resolves to'} "/", the host's root filesystem: `
      + `mounting it ${readOnly ? 'read-only' : 'read-write'} on ${destination} gives the container ${readOnly ? 'every file' : 'control'} of this machine. `
      + 'Mount a narrower directory, or pass allowHostRoot: true if that is really meant');
  }
}

function realpathOrSelf(p: string): string {
  try { return fs.realpathSync(p); } catch { return p; }
}

const isInside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent === '/' ? '/' : `${parent}/`);

/** The real path of an existing absolute source, or an InvalidArgumentError that says what is wrong with it. */
export function resolveMountSource(source: string): string {
  if (!path.isAbsolute(source)) throw new InvalidArgumentError(`bind mount source "${source}" must be an absolute path`);
  try {
    return fs.realpathSync(source);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    let link: string | undefined;
    try { link = fs.readlinkSync(source); } catch { link = undefined; }
    if (code === 'ENOENT' && link !== undefined) throw new InvalidArgumentError(`bind mount source "${source}" is a symlink to "${link}", which does not exist on this machine`);
    if (code === 'ENOENT') throw new InvalidArgumentError(`bind mount source "${source}" does not exist on this machine: create it first, or correct the path`);
    if (code === 'ELOOP') throw new InvalidArgumentError(`bind mount source "${source}" is a symlink loop`);
    throw new InvalidArgumentError(`bind mount source "${source}" cannot be used: ${(e as Error).message}`);
  }
}

/** Why mounting `resolved` is risky, or undefined. `/` itself is HostRootMountError's business. */
function sensitiveProblem(resolved: string, extra: readonly { path: string; what: string }[]): string | undefined {
  if (resolved === '/') return undefined;
  for (const s of [...SENSITIVE_HOST_PATHS, ...extra]) {
    const real = realpathOrSelf(s.path);
    if (isInside(resolved, real)) return `it ${resolved === real ? 'is' : 'is inside'} ${s.what}`;
    if (isInside(real, resolved)) return `it contains ${s.what}`;
  }
  return undefined;
}

/** Checks one bind mount (absolute paths, existing source) and resolves its source; throws InvalidArgumentError. */
export function resolveBindMount(m: BindMount, options: BindMountCheckOptions = {}): ResolvedBindMount {
  if (!path.posix.isAbsolute(m.destination)) throw new InvalidArgumentError(`bind mount destination "${m.destination}" must be an absolute path inside the container`);
  if (path.posix.normalize(m.destination) === '/') throw new InvalidArgumentError(`bind mount destination "${m.destination}" would replace the container's root filesystem: choose a directory inside it`);
  const resolvedSource = resolveMountSource(m.source);
  const hostRoot = resolvedSource === '/';
  if (hostRoot && !options.allowHostRoot) throw new HostRootMountError(m.source, m.destination, m.readonly);
  const why = hostRoot ? 'it is the whole host filesystem' : sensitiveProblem(resolvedSource, options.sensitive ?? []);
  const via = resolvedSource !== m.source ? ` (resolves to "${resolvedSource}")` : '';
  const warning = why ? `bind mount of "${m.source}"${via} ${m.readonly ? 'read-only' : 'read-write'} on ${m.destination}: ${why}` : undefined;
  return { source: m.source, destination: m.destination, readonly: m.readonly, resolvedSource, hostRoot, ...(warning ? { warning } : {}) };
}

export function resolveBindMounts(mounts: readonly BindMount[], options: BindMountCheckOptions = {}): ResolvedBindMount[] {
  return mounts.map((m) => resolveBindMount(m, options));
}
