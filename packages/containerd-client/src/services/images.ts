// containerd.services.images.v1: image records (name -> target descriptor). Content and unpack live elsewhere.
import type { CallOptions } from '../call-options';
import type { Rpc } from '../grpc/rpc';
import { fromDescriptor, labels, toDate, toDescriptor, type RawDescriptor, type RawTimestamp } from '../grpc/convert';
import type { Descriptor, Image } from '../types';

interface RawImage { name: string; labels: Record<string, string>; target: RawDescriptor; created_at?: RawTimestamp; updated_at?: RawTimestamp }

function toImage(i: RawImage): Image {
  return { name: i.name, labels: labels(i.labels), target: toDescriptor(i.target), createdAt: toDate(i.created_at), updatedAt: toDate(i.updated_at) };
}

export interface ImageUpdate { target?: Descriptor; labels?: Record<string, string> }

export class ImagesService {
  /** @internal */
  constructor(private readonly rpc: Rpc) {}

  async list(filters: string[] = [], opts?: CallOptions): Promise<Image[]> {
    const res = await this.rpc.unary<{ images: RawImage[] }>('List', { filters }, opts, 'images.list');
    return res.images.map(toImage);
  }

  async get(name: string, opts?: CallOptions): Promise<Image> {
    const res = await this.rpc.unary<{ image: RawImage }>('Get', { name }, opts, `images.get "${name}"`);
    return toImage(res.image);
  }

  async create(image: { name: string; target: Descriptor; labels?: Record<string, string> }, opts?: CallOptions): Promise<Image> {
    const res = await this.rpc.unary<{ image: RawImage }>('Create', { image: { name: image.name, labels: image.labels ?? {}, target: fromDescriptor(image.target) } }, opts, `images.create "${image.name}"`);
    return toImage(res.image);
  }

  /**
   * Updates the given fields only (containerd's field mask); `labels` replaces the whole label set.
   * The image always goes out whole (target included), as containerd's Go client sends it: containerd 2.x reads
   * the target of every Update before it looks at the mask, and a missing one crashes the daemon (nil pointer in
   * imageFromProto). So a labels-only update reads the current target first; the mask keeps it from changing.
   */
  async update(name: string, update: ImageUpdate, opts?: CallOptions): Promise<Image> {
    const op = `images.update "${name}"`;
    // An empty mask means "replace everything" to containerd: nothing asked, nothing sent.
    if (!update.target && !update.labels) return toImage((await this.rpc.unary<{ image: RawImage }>('Get', { name }, opts, op)).image);
    const paths: string[] = [];
    const target = update.target ?? toDescriptor((await this.rpc.unary<{ image: RawImage }>('Get', { name }, opts, op)).image.target);
    const image = { name, target: fromDescriptor(target), labels: update.labels ?? {} };
    if (update.target) paths.push('target');
    if (update.labels) paths.push('labels');
    const res = await this.rpc.unary<{ image: RawImage }>('Update', { image, update_mask: { paths } }, opts, op);
    return toImage(res.image);
  }

  /** `sync` waits for garbage collection, so content and snapshots only this image used are gone on return. */
  async delete(name: string, options: { sync?: boolean } & CallOptions = {}): Promise<void> {
    await this.rpc.unary('Delete', { name, sync: options.sync ?? false }, options, `images.delete "${name}"`);
  }
}
