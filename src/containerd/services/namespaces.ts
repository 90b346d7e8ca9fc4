// containerd.services.namespaces.v1: namespaces are unscoped, so these calls carry no namespace header.
import type { Rpc, CallOptions } from '../grpc/rpc';
import { labels } from '../grpc/convert';
import { validateIdentifier } from '../identifiers';
import type { Namespace } from '../types';

interface RawNamespace { name: string; labels: Record<string, string> }

function toNamespace(n: RawNamespace): Namespace {
  return { name: n.name, labels: labels(n.labels) };
}

export class NamespacesService {
  constructor(private readonly rpc: Rpc) {}

  async list(opts?: CallOptions): Promise<Namespace[]> {
    const res = await this.rpc.unary<{ namespaces: RawNamespace[] }>('List', { filter: '' }, opts, 'namespaces.list');
    return res.namespaces.map(toNamespace).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string, opts?: CallOptions): Promise<Namespace> {
    const res = await this.rpc.unary<{ namespace: RawNamespace }>('Get', { name }, opts, `namespaces.get "${name}"`);
    return toNamespace(res.namespace);
  }

  async create(name: string, nsLabels: Record<string, string> = {}, opts?: CallOptions): Promise<Namespace> {
    validateIdentifier(name, 'namespace');
    const res = await this.rpc.unary<{ namespace: RawNamespace }>('Create', { namespace: { name, labels: nsLabels } }, opts, `namespaces.create "${name}"`);
    return toNamespace(res.namespace);
  }

  /** Replaces the labels named in `nsLabels`; an empty string value removes that label. */
  async updateLabels(name: string, nsLabels: Record<string, string>, opts?: CallOptions): Promise<Namespace> {
    const paths = Object.keys(nsLabels).map((k) => `labels.${k}`);
    const set = Object.fromEntries(Object.entries(nsLabels).filter(([, v]) => v !== ''));
    const res = await this.rpc.unary<{ namespace: RawNamespace }>('Update', { namespace: { name, labels: set }, update_mask: { paths } }, opts, `namespaces.update "${name}"`);
    return toNamespace(res.namespace);
  }

  /** containerd refuses (FailedPrecondition) while the namespace still holds images, containers, snapshots or content. */
  async delete(name: string, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('Delete', { name }, opts, `namespaces.delete "${name}"`);
  }
}
