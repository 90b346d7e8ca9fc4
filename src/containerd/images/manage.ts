// Image records: remove (GC-safe) and tag. Content and snapshots are never deleted directly: containerd's GC
// follows the labels from image record to index, manifests, configs, layers and snapshots.
import type { ContainerdClient } from '../client';
import { NotFoundError } from '../errors';
import type { CallOptions } from '../grpc/rpc';
import type { Image } from '../types';

export interface RemoveImageOptions extends CallOptions {
  /** Wait for garbage collection (default true), so unreferenced content and snapshots are gone on return. */
  sync?: boolean;
}

/**
 * Deletes the image record; what only this image referenced (blobs, unpacked snapshots) is collected by GC.
 * Containers made from it keep running: their own snapshot holds its parent chain.
 */
export async function removeImage(client: ContainerdClient, name: string, options: RemoveImageOptions = {}): Promise<void> {
  await client.images.delete(name, { ...options, sync: options.sync ?? true });
}

/**
 * Gives an image another name: a new record with the same target (Docker's `tag` overwrites an existing
 * name, and so does this). Labels are copied.
 */
export async function tagImage(client: ContainerdClient, source: string, target: string, opts?: CallOptions): Promise<Image> {
  const src = await client.images.get(source, opts);
  try {
    await client.images.get(target, opts);
    return await client.images.update(target, { target: src.target, labels: src.labels }, opts);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    return client.images.create({ name: target, target: src.target, labels: src.labels }, opts);
  }
}
