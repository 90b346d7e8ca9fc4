// Which socket to use: the `containerd.address` setting, else $CONTAINERD_ADDRESS, else the first well-known
// socket that exists (containerd, k3s, k0s, rke2, microk8s, Docker's). Free of `vscode`.
import { DEFAULT_ADDRESS, discoverSocket, socketPathOf } from '@containerd-explorer/client';

export type AddressSource = 'setting' | 'env' | 'discovered' | 'default';

export interface ResolvedAddress {
  socketPath: string;
  source: AddressSource;
  /** For discovered sockets: whose socket it is (e.g. `k3s`). */
  label?: string;
}

export function resolveAddress(setting: string | undefined, env: NodeJS.ProcessEnv = process.env, exists?: (p: string) => boolean): ResolvedAddress {
  const configured = setting?.trim();
  if (configured) return { socketPath: socketPathOf(configured), source: 'setting' };
  const found = discoverSocket(env, exists);
  if (found?.source === 'env') return { socketPath: found.path, source: 'env' };
  if (found) return { socketPath: found.path, source: 'discovered', label: found.label };
  return { socketPath: DEFAULT_ADDRESS, source: 'default' };
}

/** "/run/k3s/containerd/containerd.sock (k3s, discovered)" and the like, for logs and tooltips. */
export function describeAddress(a: ResolvedAddress): string {
  switch (a.source) {
    case 'setting': return `${a.socketPath} (from the containerd.address setting)`;
    case 'env': return `${a.socketPath} (from CONTAINERD_ADDRESS)`;
    case 'discovered': return `${a.socketPath} (${a.label ?? 'well-known socket'}, discovered)`;
    default: return `${a.socketPath} (default; no socket found at the well-known paths)`;
  }
}

export function sameAddress(a: ResolvedAddress | undefined, b: ResolvedAddress | undefined): boolean {
  return !!a && !!b && a.socketPath === b.socketPath && a.source === b.source;
}
