// containerd.services.leases.v1: leases keep the garbage collector away from content and snapshots mid-operation.
// (Our pull leases' owner labels and their sweep live with the pull: pull/pull-leases.ts.)
import { randomBytes } from 'node:crypto';
import type { CallOptions } from '../call-options';
import type { Rpc } from '../grpc/rpc';
import { labels, toDate, type RawTimestamp } from '../grpc/convert';
import type { Lease, LeaseResource } from '../types';

interface RawLease { id: string; created_at?: RawTimestamp; labels: Record<string, string> }
const toLease = (l: RawLease): Lease => ({ id: l.id, createdAt: toDate(l.created_at), labels: labels(l.labels) });

export interface LeaseOptions { id?: string; /** containerd expires the lease after this long even if we crash. */ expiresInMs?: number; labels?: Record<string, string> }

/** containerd's GC drops a lease whose label holds a past RFC 3339 time (metadata/gc.go), as Go's leases.WithExpiration sets it. */
export const GC_EXPIRE_LABEL = 'containerd.io/gc.expire';

export class LeasesService {
  /** @internal */
  constructor(private readonly rpc: Rpc) {}

  async create(options: LeaseOptions = {}, opts?: CallOptions): Promise<Lease> {
    const id = options.id ?? `containerd-explorer-${Date.now()}-${randomBytes(4).toString('hex')}`;
    const l: Record<string, string> = { ...options.labels };
    // RFC 3339 (Go's parser takes the milliseconds too).
    if (options.expiresInMs) l[GC_EXPIRE_LABEL] = new Date(Date.now() + options.expiresInMs).toISOString();
    const res = await this.rpc.unary<{ lease: RawLease }>('Create', { id, labels: l }, opts, 'leases.create');
    return toLease(res.lease);
  }

  async list(filters: string[] = [], opts?: CallOptions): Promise<Lease[]> {
    const res = await this.rpc.unary<{ leases: RawLease[] }>('List', { filters }, opts, 'leases.list');
    return res.leases.map(toLease);
  }

  async delete(id: string, options: { sync?: boolean } & CallOptions = {}): Promise<void> {
    await this.rpc.unary('Delete', { id, sync: options.sync ?? false }, options, `leases.delete "${id}"`);
  }

  async addResource(id: string, resource: LeaseResource, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('AddResource', { id, resource }, opts, 'leases.addResource');
  }

  async listResources(id: string, opts?: CallOptions): Promise<LeaseResource[]> {
    const res = await this.rpc.unary<{ resources: LeaseResource[] }>('ListResources', { id }, opts, 'leases.listResources');
    return res.resources.map((r) => ({ id: r.id, type: r.type }));
  }
}
