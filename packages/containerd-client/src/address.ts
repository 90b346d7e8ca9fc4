// Where containerd listens and which namespace to use, following the CLI conventions (ctr, nerdctl).
import * as fs from 'node:fs';

export const DEFAULT_ADDRESS = '/run/containerd/containerd.sock';
export const DEFAULT_NAMESPACE = 'default';

/** Sockets seen in the wild, in the order they are tried when no address is configured. */
export const WELL_KNOWN_SOCKETS: readonly { path: string; label: string }[] = [
  { path: '/run/containerd/containerd.sock', label: 'containerd' },
  { path: '/run/k3s/containerd/containerd.sock', label: 'k3s' },
  { path: '/run/k0s/containerd.sock', label: 'k0s' },
  { path: '/var/run/rke2/containerd/containerd.sock', label: 'rke2' },
  { path: '/run/rke2/containerd/containerd.sock', label: 'rke2' },
  { path: '/var/snap/microk8s/common/run/containerd.sock', label: 'microk8s' },
  { path: '/run/docker/containerd/containerd.sock', label: "Docker's containerd (namespace moby)" },
];

/** Strips a `unix://` scheme; containerd's CLI accepts both forms. */
export function socketPathOf(address: string): string {
  if (address.startsWith('unix://')) return address.slice('unix://'.length);
  if (address.startsWith('unix:')) return address.slice('unix:'.length);
  return address;
}

/** grpc-js target for a socket path: `unix:` followed by an absolute path. */
export function grpcTarget(address: string): string {
  return `unix:${socketPathOf(address)}`;
}

export function defaultAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.CONTAINERD_ADDRESS || DEFAULT_ADDRESS;
}

export function defaultNamespace(env: NodeJS.ProcessEnv = process.env): string {
  return env.CONTAINERD_NAMESPACE || DEFAULT_NAMESPACE;
}

export interface DiscoveredSocket { path: string; label: string; source: 'env' | 'well-known' }

/** The first socket that exists: CONTAINERD_ADDRESS first, then the well-known paths. */
export function discoverSocket(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = isSocket): DiscoveredSocket | undefined {
  if (env.CONTAINERD_ADDRESS) return { path: socketPathOf(env.CONTAINERD_ADDRESS), label: 'CONTAINERD_ADDRESS', source: 'env' };
  for (const s of WELL_KNOWN_SOCKETS) if (exists(s.path)) return { ...s, source: 'well-known' };
  return undefined;
}

function isSocket(p: string): boolean {
  try { return fs.statSync(p).isSocket(); } catch { return false; }
}
