// containerd.services.images.v1: image records (name -> target descriptor). Content and unpack live elsewhere.
import type { Rpc, CallOptions } from '../grpc/rpc';
import { fromDescriptor, labels, toDate, toDescriptor, type RawDescriptor, type RawTimestamp } from '../grpc/convert';
import type { Descriptor, Image } from '../types';

interface RawImage { name: string; labels: Record<string, string>; target: RawDescriptor; created_at?: RawTimestamp; updated_at?: RawTimestamp }

function toImage(i: RawImage): Image {
  return { name: i.name, labels: labels(i.labels), target: toDescriptor(i.target), createdAt: toDate(i.created_at), updatedAt: toDate(i.updated_at) };
}

export interface ImageUpdate { target?: Descriptor; labels?: Record<string, string> }

export class ImagesService {
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

  /** Updates the given fields only (containerd's field mask); `labels` replaces the whole label set. */
  async update(name: string, update: ImageUpdate, opts?: CallOptions): Promise<Image> {
    const paths: string[] = [];
    const image: Record<string, unknown> = { name };
    if (update.target) { paths.push('target'); image.target = fromDescriptor(update.target); }
    if (update.labels) { paths.push('labels'); image.labels = update.labels; }
    const res = await this.rpc.unary<{ image: RawImage }>('Update', { image, update_mask: { paths } }, opts, `images.update "${name}"`);
    return toImage(res.image);
  }

  /** `sync` waits for garbage collection, so content and snapshots only this image used are gone on return. */
  async delete(name: string, options: { sync?: boolean } & CallOptions = {}): Promise<void> {
    await this.rpc.unary('Delete', { name, sync: options.sync ?? false }, options, `images.delete "${name}"`);
  }
}
