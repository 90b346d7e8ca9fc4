// Writing and reading blobs of the content store, by descriptor.
import { randomBytes } from 'node:crypto';
import type { ContainerdClient } from '../client';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import { MAX_CONFIG_BYTES, TooLargeError } from '../limits';
import type { Descriptor } from '../oci/image-types';

export interface BlobWriteOptions extends CallOptions {
  labels?: Record<string, string>;
  /** Ingest ref; the same ref across attempts lets a re-pull resume a partial write. Default: derived from the digest. */
  ref?: string;
  onProgress?: (offset: number) => void;
}

export async function hasBlob(client: ContainerdClient, digest: string, opts?: CallOptions): Promise<boolean> {
  try { await client.content.info(digest, opts); return true; } catch (e) { if (e instanceof NotFoundError) return false; throw e; }
}

/**
 * Writes a blob whose digest and size are known; containerd verifies both at commit. `source(offset)` yields the
 * bytes from `offset` on (offset > 0 when resuming a partial ingest). Returns false when the blob already existed.
 */
export async function writeBlob(client: ContainerdClient, desc: Pick<Descriptor, 'digest' | 'size'>, source: (offset: number) => AsyncIterable<Buffer | Uint8Array>, options: BlobWriteOptions = {}): Promise<boolean> {
  try {
    await client.content.write(source, { ...options, ref: options.ref ?? `ctrd-explorer-${desc.digest}`, expected: { digest: desc.digest, size: desc.size } });
    return true;
  } catch (e) {
    if (e instanceof AlreadyExistsError) {
      if (options.labels && Object.keys(options.labels).length) await client.content.updateLabels(desc.digest, options.labels, options);
      return false;
    }
    throw e;
  }
}

/** Writes an in-memory blob (manifests, configs, small layers). */
export function writeBuffer(client: ContainerdClient, desc: Pick<Descriptor, 'digest' | 'size'>, data: Buffer, options: BlobWriteOptions = {}): Promise<boolean> {
  return writeBlob(client, desc, async function* (offset) { yield data.subarray(offset); }, { ref: `ctrd-explorer-${desc.digest}-${randomBytes(3).toString('hex')}`, ...options });
}

/** What reading documents needs of a client: its content store's read and info (any client bound to a namespace). */
export interface ContentReader {
  readonly content: {
    read(digest: string, opts?: CallOptions): AsyncIterable<Buffer>;
    info(digest: string, opts?: CallOptions): Promise<{ size: number }>;
  };
}

export interface ReadJsonLimit {
  /** Default: the image config cap (16 MiB); manifests and indexes pass MAX_MANIFEST_BYTES. */
  maxBytes?: number;
  /** Names the document in errors, e.g. `manifest`. */
  what?: string;
}

/** Reads a JSON document from the content store, refusing it (TooLargeError) once it grows past the cap. */
export async function readJson<T>(client: ContentReader, digest: string, opts?: CallOptions, limit: ReadJsonLimit = {}): Promise<T> {
  const max = limit.maxBytes ?? MAX_CONFIG_BYTES;
  const what = `${limit.what ?? 'document'} ${digest}`;
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of client.content.read(digest, opts)) {
    total += chunk.length;
    if (total > max) {
      // Leaving the loop cancels the read; the store knows the real size for the message.
      const size = await client.content.info(digest, opts).then((i) => i.size, () => total);
      throw new TooLargeError(what, size, max);
    }
    parts.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8')) as T;
  } catch (e) {
    throw new InvalidArgumentError(`${what} in the content store is not valid JSON`, { cause: e });
  }
}
