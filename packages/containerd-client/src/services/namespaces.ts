// containerd.services.namespaces.v1: namespaces are unscoped, so these calls carry no namespace header.
import type { CallOptions } from '../call-options';
import type { Rpc } from '../grpc/rpc';
import { labels } from '../grpc/convert';
import { NotFoundError } from '../errors';
import { validateIdentifier } from '../identifiers';
import type { Namespace } from '../types';

interface RawNamespace { name: string; labels: Record<string, string> }

function toNamespace(n: RawNamespace): Namespace {
  return { name: n.name, labels: labels(n.labels) };
}

export class NamespacesService {
  /** @internal */
  constructor(private readonly rpc: Rpc) {}

  async list(opts?: CallOptions): Promise<Namespace[]> {
    const res = await this.rpc.unary<{ namespaces: RawNamespace[] }>('List', { filter: '' }, opts, 'namespaces.list');
    return res.namespaces.map(toNamespace).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** containerd 1.6 answers Get for any name (empty labels when it does not exist): List tells them apart. */
  async get(name: string, opts?: CallOptions): Promise<Namespace> {
    const res = await this.rpc.unary<{ namespace: RawNamespace }>('Get', { name }, opts, `namespaces.get "${name}"`);
    const ns = toNamespace(res.namespace);
    if (Object.keys(ns.labels).length === 0 && !(await this.list(opts)).some((n) => n.name === name)) {
      throw new NotFoundError(`namespaces.get "${name}": namespace "${name}" not found`);
    }
    return ns;
  }

  async create(name: string, nsLabels: Record<string, string> = {}, opts?: CallOptions): Promise<Namespace> {
    validateIdentifier(name, 'namespace');
    const res = await this.rpc.unary<{ namespace: RawNamespace }>('Create', { namespace: { name, labels: nsLabels } }, opts, `namespaces.create "${name}"`);
    return toNamespace(res.namespace);
  }

  /**
   * Replaces the labels named in `nsLabels`; an empty string value removes that label. containerd 1.6 answers
   * Update with an empty namespace, so the result is read back with Get.
   */
  async updateLabels(name: string, nsLabels: Record<string, string>, opts?: CallOptions): Promise<Namespace> {
    const paths = Object.keys(nsLabels).map((k) => `labels.${k}`);
    const set = Object.fromEntries(Object.entries(nsLabels).filter(([, v]) => v !== ''));
    await this.rpc.unary('Update', { namespace: { name, labels: set }, update_mask: { paths } }, opts, `namespaces.update "${name}"`);
    return this.get(name, opts);
  }

  /** containerd refuses (FailedPrecondition) while the namespace still holds images, containers, snapshots or content. */
  async delete(name: string, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('Delete', { name }, opts, `namespaces.delete "${name}"`);
  }
}
