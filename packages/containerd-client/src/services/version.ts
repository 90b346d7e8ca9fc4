// containerd.services.version.v1 and containerd.services.introspection.v1.
import type { CallOptions } from '../call-options';
import type { Rpc } from '../grpc/rpc';
import { toPlatform, labels, type RawPlatform } from '../grpc/convert';
import type { Plugin } from '../types';

export interface DaemonVersion { version: string; revision: string }
export interface ServerInfo { uuid: string }

interface RawPlugin {
  type: string; id: string; requires: string[]; platforms: RawPlatform[];
  exports: Record<string, string>; capabilities: string[]; init_err?: { code: number; message: string } | null;
}

export class VersionService {
  /** @internal */
  constructor(private readonly rpc: Rpc) {}
  version(opts?: CallOptions): Promise<DaemonVersion> {
    return this.rpc.unary<DaemonVersion>('Version', {}, opts, 'version');
  }
}

export class IntrospectionService {
  /** @internal */
  constructor(private readonly rpc: Rpc) {}

  /** Plugins, optionally filtered with containerd's filter syntax (e.g. `type==io.containerd.snapshotter.v1`). */
  async plugins(filters: string[] = [], opts?: CallOptions): Promise<Plugin[]> {
    const res = await this.rpc.unary<{ plugins: RawPlugin[] }>('Plugins', { filters }, opts, 'introspection.plugins');
    return res.plugins.map((p) => ({
      type: p.type, id: p.id, requires: p.requires ?? [], platforms: (p.platforms ?? []).map(toPlatform),
      exports: labels(p.exports), capabilities: p.capabilities ?? [],
      ...(p.init_err && p.init_err.message ? { initError: p.init_err.message } : {}),
    }));
  }

  async server(opts?: CallOptions): Promise<ServerInfo> {
    const res = await this.rpc.unary<{ uuid: string }>('Server', {}, opts, 'introspection.server');
    return { uuid: res.uuid };
  }
}
