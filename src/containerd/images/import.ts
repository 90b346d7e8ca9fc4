// Importing an OCI image layout (directory) through our own client: blobs, GC labels, image records, unpack.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerdClient } from '../client';
import { InvalidArgumentError, NotFoundError } from '../errors';
import type { CallOptions } from '../grpc/rpc';
import type { Descriptor, Index, Manifest } from '../oci/image-types';
import { isIndexMediaType, isManifestMediaType } from '../oci/media-types';
import type { Image } from '../types';
import { writeBlob } from './blobs';
import { childGcLabels } from './gc-labels';
import { resolveImage } from './resolve';
import { unpackImage } from './unpack';

/** Where blobs come from: an OCI layout directory, or an in-memory map (tests, tar import). */
export interface BlobSource {
  get(digest: string): Promise<Buffer>;
}

export function layoutDirSource(dir: string): BlobSource {
  return {
    async get(digest: string): Promise<Buffer> {
      const [alg, hex] = digest.split(':');
      return fs.promises.readFile(path.join(dir, 'blobs', alg, hex));
    },
  };
}

export function mapSource(blobs: Map<string, Buffer>): BlobSource {
  return { get: async (d) => { const b = blobs.get(d); if (!b) throw new InvalidArgumentError(`blob ${d} is missing from the image`); return b; } };
}

export interface ImportOptions extends CallOptions {
  /** Unpack for the host platform after import (default true). */
  unpack?: boolean;
}

/** Writes a descriptor's tree (index → manifests → config + layers) into the content store, children first. */
async function writeTree(client: ContainerdClient, src: BlobSource, desc: Descriptor, opts: CallOptions): Promise<void> {
  const data = await src.get(desc.digest);
  let labels: Record<string, string> = {};
  if (isIndexMediaType(desc.mediaType) || isManifestMediaType(desc.mediaType)) {
    const doc = JSON.parse(data.toString('utf8')) as Manifest | Index;
    labels = childGcLabels(desc.mediaType, doc);
    const children = 'manifests' in doc && doc.manifests ? doc.manifests : 'layers' in doc ? [doc.config, ...doc.layers] : [];
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
  const index = JSON.parse(await fs.promises.readFile(path.join(dir, 'index.json'), 'utf8')) as Index;
  const out: Image[] = [];
  for (const m of index.manifests) {
    const name = m.annotations?.['io.containerd.image.name'] ?? m.annotations?.['org.opencontainers.image.ref.name'] ?? fallbackName;
    out.push(await importImage(client, layoutDirSource(dir), m, name, options));
  }
  return out;
}
