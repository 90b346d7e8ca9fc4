// Image records: remove (GC-safe) and tag. Content and snapshots are never deleted directly: containerd's GC
// follows the labels from image record to index, manifests, configs, layers and snapshots. New names go through
// the reference parser Pull uses, so a tag is a name Pull and the registries would accept.
import type { ContainerdClient } from '../client';
import { InvalidArgumentError, NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import { InvalidReferenceError } from '../registry/errors';
import { parseReference } from '../registry/reference';
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
 * The name a tag gets: `name` parsed as Pull parses references and normalised as Docker and nerdctl do
 * (`app:1` -> `docker.io/library/app:1`, no tag -> `:latest`). Throws InvalidArgumentError saying what is wrong
 * (its cause is the parser's InvalidReferenceError); a digest is refused, as `docker tag` refuses it.
 */
export function normalizeImageName(name: string): string {
  // The parser trims what users type; a name given to the API must be exact.
  if (name !== name.trim()) throw new InvalidArgumentError(`invalid image name ${JSON.stringify(name)}: it must not start or end with spaces or newlines`);
  let ref;
  try {
    ref = parseReference(name);
  } catch (e) {
    if (e instanceof InvalidReferenceError) throw new InvalidArgumentError(`invalid image name ${JSON.stringify(name)}: ${e.reason}`, { cause: e });
    throw e;
  }
  if (ref.digest !== undefined) throw new InvalidArgumentError(`invalid image name ${JSON.stringify(name)}: a new name cannot carry a digest; give it a tag instead`);
  return ref.toString();
}

/** Why `name` cannot name a tag (normalizeImageName's message), or undefined. */
export function imageNameProblem(name: string): string | undefined {
  try {
    normalizeImageName(name);
    return undefined;
  } catch (e) {
    if (e instanceof InvalidArgumentError) return e.message;
    throw e;
  }
}

/**
 * Gives an image another name: a new record with the same target (Docker's `tag` overwrites an existing
 * name, and so does this). Labels are copied. `target` is validated and normalised first (normalizeImageName):
 * a bad name throws InvalidArgumentError before anything is read or written. Returns the record, named as stored.
 */
export async function tagImage(client: ContainerdClient, source: string, target: string, opts?: CallOptions): Promise<Image> {
  const name = normalizeImageName(target);
  const src = await client.images.get(source, opts);
  try {
    await client.images.get(name, opts);
    return await client.images.update(name, { target: src.target, labels: src.labels }, opts);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    return client.images.create({ name, target: src.target, labels: src.labels }, opts);
  }
}
