// Importing an OCI image layout (directory) through our own client: blobs, GC labels, image records, unpack.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerdClient } from '../client';
import { InvalidArgumentError, NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import { checkSize, MAX_MANIFEST_BYTES } from '../limits';
import type { Descriptor, Index, Manifest } from '../oci/image-types';
import { isIndexMediaType, isManifestMediaType } from '../oci/media-types';
import type { Image } from '../types';
import { writeBlob } from './blobs';
import { childGcLabels } from './gc-labels';
import { resolveImage } from './resolve';
import { unpackImage } from './unpack';

/** Where blobs come from: an OCI layout directory, or an in-memory map (tests, tar import). */
export interface BlobSource {
  /** A whole blob; TooLargeError when it is bigger than `maxBytes`. */
  get(digest: string, maxBytes?: number): Promise<Buffer>;
  /** Opens a blob for streaming (layers): rejects (ENOENT) if absent, else a source of its bytes from an offset. */
  open?(digest: string): Promise<(offset: number) => AsyncIterable<Buffer>>;
}

const blobFile = (dir: string, digest: string): string => {
  const [alg, hex] = digest.split(':');
  if (!/^[a-z0-9]+$/.test(alg ?? '') || !/^[a-f0-9]+$/.test(hex ?? '')) throw new InvalidArgumentError(`"${digest}" is not a valid digest`);
  return path.join(dir, 'blobs', alg, hex);
};

export function layoutDirSource(dir: string): BlobSource {
  return {
    async get(digest: string, maxBytes?: number): Promise<Buffer> {
      const file = blobFile(dir, digest);
      // The file's size, not the descriptor's, is what readFile would take into memory.
      if (maxBytes !== undefined) checkSize(`blob ${digest} of the layout`, (await fs.promises.stat(file)).size, maxBytes);
      return fs.promises.readFile(file);
    },
    async open(digest: string): Promise<(offset: number) => AsyncIterable<Buffer>> {
      const file = blobFile(dir, digest);
      await fs.promises.stat(file);
      return (offset) => fs.createReadStream(file, { start: offset, highWaterMark: 1 << 20 });
    },
  };
}

export function mapSource(blobs: Map<string, Buffer>): BlobSource {
  return {
    get: async (d, maxBytes) => {
      const b = blobs.get(d);
      if (!b) throw new InvalidArgumentError(`blob ${d} is missing from the image`);
      if (maxBytes !== undefined) checkSize(`blob ${d}`, b.length, maxBytes);
      return b;
    },
  };
}

export interface ImportOptions extends CallOptions {
  /** Unpack for the host platform after import (default true). */
  unpack?: boolean;
}

/** Writes a descriptor's tree (index → manifests → config + layers) into the content store, children first. */
async function writeTree(client: ContainerdClient, src: BlobSource, desc: Descriptor, opts: CallOptions): Promise<void> {
  const isDoc = isIndexMediaType(desc.mediaType) || isManifestMediaType(desc.mediaType);
  if (isDoc) checkSize(`${desc.mediaType} ${desc.digest}`, desc.size, MAX_MANIFEST_BYTES);
  if (!isDoc && src.open) {
    // Layers (and configs) are streamed, not read whole: containerd verifies digest and size as they are written.
    await writeBlob(client, desc, await src.open(desc.digest), opts);
    return;
  }
  const data = await src.get(desc.digest, isDoc ? MAX_MANIFEST_BYTES : undefined);
  let labels: Record<string, string> = {};
  if (isDoc) {
    let doc: Manifest | Index;
    try {
      doc = JSON.parse(data.toString('utf8')) as Manifest | Index;
    } catch {
      throw new InvalidArgumentError(`${desc.mediaType} ${desc.digest} is not valid JSON`);
    }
    labels = childGcLabels(desc.mediaType, doc);
    const children = 'manifests' in doc && Array.isArray(doc.manifests) ? doc.manifests : 'layers' in doc && Array.isArray(doc.layers) ? [doc.config, ...doc.layers] : [];
    for (const child of children) {
      try {
        await writeTree(client, src, child, opts);
      } catch (e) {
        // Multi-platform layouts often carry only some platforms' blobs: skip what is absent, as ctr does.
        if (!(e as NodeJS.ErrnoException).code || (e as NodeJS.ErrnoException).code !== 'ENOENT' || !isIndexMediaType(desc.mediaType)) throw e;
      }
    }
  }
  await writeBlob(client, desc, async function* (offset) { yield data.subarray(offset); }, { ...opts, labels });
}

/**
 * Imports images named in an OCI layout's index (annotation `org.opencontainers.image.ref.name`, or `name`
 * for a single unnamed image). Runs under a temporary lease so nothing is half-kept on failure.
 */
export async function importImage(client: ContainerdClient, src: BlobSource, target: Descriptor, name: string, options: ImportOptions = {}): Promise<Image> {
  return client.withTemporaryLease(async (leased) => {
    await writeTree(leased, src, target, options);
    if (options.unpack !== false) {
      const resolved = await resolveImage(leased, target, undefined, options);
      await unpackImage(leased, resolved.manifest, resolved.config, options);
    }
    try {
      return await leased.images.update(name, { target }, options);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      return leased.images.create({ name, target }, options);
    }
  });
}

export async function importOciLayout(client: ContainerdClient, dir: string, fallbackName: string, options: ImportOptions = {}): Promise<Image[]> {
  const indexFile = path.join(dir, 'index.json');
  checkSize(`${indexFile}`, (await fs.promises.stat(indexFile)).size, MAX_MANIFEST_BYTES);
  let index: Index;
  try {
    index = JSON.parse(await fs.promises.readFile(indexFile, 'utf8')) as Index;
  } catch (e) {
    throw new InvalidArgumentError(`${indexFile} is not valid JSON`, { cause: e });
  }
  if (!Array.isArray(index.manifests)) throw new InvalidArgumentError(`${indexFile} lists no manifests`);
  const out: Image[] = [];
  for (const m of index.manifests) {
    const name = m.annotations?.['io.containerd.image.name'] ?? m.annotations?.['org.opencontainers.image.ref.name'] ?? fallbackName;
    out.push(await importImage(client, layoutDirSource(dir), m, name, options));
  }
  return out;
}
