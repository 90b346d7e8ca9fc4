// Whether the daemon pulls server-side: Introspection lists a transfer plugin and the streaming plugins
// (none failed to load), and the version is one whose Transfer pull we rely on.
import type { ContainerdClient } from '../client';
import type { CallOptions } from '../grpc/rpc';
import type { Plugin } from '../types';

export type PullMethod = 'auto' | 'transfer' | 'client';

export interface TransferSupport {
  /** The daemon serves Transfer and Streaming (plugins loaded without init errors). */
  offered: boolean;
  /** `auto` picks Transfer: offered, and containerd 2.x or newer. */
  preferred: boolean;
  /** containerd's version string, e.g. `2.1.9+unknown`. */
  version: string;
  /** Why not offered or not preferred, in words for a log line. */
  reason?: string;
}

const TRANSFER_PLUGIN_TYPE = 'io.containerd.transfer.v1';
const STREAMING_PLUGIN_TYPE = 'io.containerd.streaming.v1';
const GRPC_PLUGIN_TYPE = 'io.containerd.grpc.v1';

function loaded(plugins: Plugin[], match: (p: Plugin) => boolean): Plugin | undefined {
  return plugins.find((p) => match(p) && !p.initError);
}

/** The major version of a containerd version string (`v1.7.24`, `2.1.9+unknown`); NaN if unreadable. */
export function majorVersion(version: string): number {
  const m = /^v?(\d+)\./.exec(version.trim());
  return m ? Number(m[1]) : NaN;
}

/**
 * Reads the daemon's plugins and version. containerd 1.7's Transfer is experimental and ignored
 * `default_scheme: http` (it tried https against a plain-HTTP registry), so `auto` takes it on 2.x only.
 */
export async function transferSupport(client: ContainerdClient, opts?: CallOptions): Promise<TransferSupport> {
  const [plugins, { version }] = await Promise.all([client.introspection.plugins([], opts), client.version.version(opts)]);
  const missing: string[] = [];
  if (!loaded(plugins, (p) => p.type === TRANSFER_PLUGIN_TYPE)) missing.push(`${TRANSFER_PLUGIN_TYPE} plugin`);
  if (!loaded(plugins, (p) => p.type === STREAMING_PLUGIN_TYPE)) missing.push(`${STREAMING_PLUGIN_TYPE} plugin`);
  for (const id of ['transfer', 'streaming']) {
    if (!loaded(plugins, (p) => p.type === GRPC_PLUGIN_TYPE && p.id === id)) missing.push(`${GRPC_PLUGIN_TYPE}.${id} service`);
  }
  if (missing.length) return { offered: false, preferred: false, version, reason: `containerd ${version} has no Transfer service (missing or failed to load: ${missing.join(', ')})` };
  const major = majorVersion(version);
  if (!(major >= 2)) return { offered: true, preferred: false, version, reason: `containerd ${version}: Transfer is experimental before 2.0` };
  return { offered: true, preferred: true, version };
}
