// containerd.services.snapshots.v1: layered filesystems; every call names its snapshotter (default overlayfs).
import type { CallOptions } from '../call-options';
import type { Rpc } from '../grpc/rpc';
import { labels, toDate, toMount, type RawMount, type RawTimestamp } from '../grpc/convert';
import type { Mount, SnapshotInfo, SnapshotKind, SnapshotUsage } from '../types';

export const DEFAULT_SNAPSHOTTER = 'overlayfs';

interface RawInfo { name: string; parent: string; kind: string; created_at?: RawTimestamp; updated_at?: RawTimestamp; labels: Record<string, string> }

const toInfo = (i: RawInfo): SnapshotInfo => ({
  name: i.name, parent: i.parent, kind: (i.kind ?? 'UNKNOWN').toLowerCase() as SnapshotKind,
  createdAt: toDate(i.created_at), updatedAt: toDate(i.updated_at), labels: labels(i.labels),
});

export class SnapshotsService {
  /** @internal */
  constructor(private readonly rpc: Rpc, readonly snapshotter: string = DEFAULT_SNAPSHOTTER) {}

  /** An active (writable) snapshot on top of `parent` (a committed snapshot name, '' for an empty one). */
  async prepare(key: string, parent = '', l: Record<string, string> = {}, opts?: CallOptions): Promise<Mount[]> {
    const res = await this.rpc.unary<{ mounts: RawMount[] }>('Prepare', { snapshotter: this.snapshotter, key, parent, labels: l }, opts, `snapshots.prepare "${key}"`);
    return res.mounts.map(toMount);
  }

  /** A read-only view of `parent`. */
  async view(key: string, parent: string, l: Record<string, string> = {}, opts?: CallOptions): Promise<Mount[]> {
    const res = await this.rpc.unary<{ mounts: RawMount[] }>('View', { snapshotter: this.snapshotter, key, parent, labels: l }, opts, `snapshots.view "${key}"`);
    return res.mounts.map(toMount);
  }

  async mounts(key: string, opts?: CallOptions): Promise<Mount[]> {
    const res = await this.rpc.unary<{ mounts: RawMount[] }>('Mounts', { snapshotter: this.snapshotter, key }, opts, `snapshots.mounts "${key}"`);
    return res.mounts.map(toMount);
  }

  async commit(name: string, key: string, l: Record<string, string> = {}, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('Commit', { snapshotter: this.snapshotter, name, key, labels: l }, opts, `snapshots.commit "${name}"`);
  }

  async remove(key: string, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('Remove', { snapshotter: this.snapshotter, key }, opts, `snapshots.remove "${key}"`);
  }

  async stat(key: string, opts?: CallOptions): Promise<SnapshotInfo> {
    const res = await this.rpc.unary<{ info: RawInfo }>('Stat', { snapshotter: this.snapshotter, key }, opts, `snapshots.stat "${key}"`);
    return toInfo(res.info);
  }

  async *list(filters: string[] = [], opts?: CallOptions): AsyncGenerator<SnapshotInfo> {
    for await (const page of this.rpc.serverStream<{ info: RawInfo[] }>('List', { snapshotter: this.snapshotter, filters }, opts, 'snapshots.list')) {
      for (const i of page.info) yield toInfo(i);
    }
  }

  async listAll(filters: string[] = [], opts?: CallOptions): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    for await (const i of this.list(filters, opts)) out.push(i);
    return out;
  }

  async usage(key: string, opts?: CallOptions): Promise<SnapshotUsage> {
    const res = await this.rpc.unary<{ size: number; inodes: number }>('Usage', { snapshotter: this.snapshotter, key }, opts, `snapshots.usage "${key}"`);
    return { size: Number(res.size), inodes: Number(res.inodes) };
  }
}
