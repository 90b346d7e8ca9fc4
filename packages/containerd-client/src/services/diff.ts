// containerd.services.diff.v1: applies a layer blob from the content store onto snapshot mounts.
import type { CallOptions } from '../call-options';
import type { Rpc } from '../grpc/rpc';
import { fromDescriptor, fromMount, toDescriptor, type RawDescriptor } from '../grpc/convert';
import type { Descriptor, Mount } from '../types';

export class DiffService {
  /** @internal */
  constructor(private readonly rpc: Rpc) {}

  /** Unpacks `layer` (compressed or not: the differ decompresses) onto `mounts`; returns the uncompressed descriptor. */
  async apply(layer: Descriptor, mounts: Mount[], opts?: CallOptions): Promise<Descriptor> {
    const res = await this.rpc.unary<{ applied: RawDescriptor }>('Apply', { diff: fromDescriptor(layer), mounts: mounts.map(fromMount), payloads: {} }, { timeoutMs: 0, ...opts }, `diff.apply ${layer.digest}`);
    return toDescriptor(res.applied);
  }
}
