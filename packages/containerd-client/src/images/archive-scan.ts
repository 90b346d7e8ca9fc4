// First pass over an image archive on disk (OCI layout tar, or `docker save`'s format): what it holds, without
// keeping layers in memory. Small JSON documents are kept; other files outside blobs/ (a docker-archive's
// `<id>/layer.tar`) are hashed, since their digest is not in their name.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContainerdError, InvalidArgumentError } from '../errors';
import { checkSize, MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, TooLargeError } from '../limits';
import type { Index } from '../oci/image-types';
import { readTar } from '../oci/tar';

/** One entry of a docker-archive `manifest.json`. */
export interface DockerArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

export type Compression = 'gzip' | 'zstd' | 'none';

export interface ScannedFile {
  size: number;
  /** sha256 of the content: from the path for blobs/<alg>/<hex>, computed for other files. */
  digest: string;
  compression: Compression;
}

export interface ArchiveScan {
  /** `oci-layout` present: read index.json as an OCI layout. */
  ociLayout: boolean;
  index?: Index;
  dockerManifest?: DockerArchiveEntry[];
  /** Regular files by clean path (symlinks resolved to their target's entry). */
  files: Map<string, ScannedFile>;
  /** Blobs found under blobs/, by digest, with their path. */
  blobs: Map<string, { path: string; size: number }>;
  /** Small blobs (manifests, indexes, configs) kept in memory, by digest. */
  small: Map<string, Buffer>;
  /** Bytes of the archive, for progress. */
  archiveSize: number;
}

/** JSON documents up to this are kept in memory (the config cap; planArchive applies the manifest cap). */
export const SMALL_BLOB_LIMIT = MAX_CONFIG_BYTES;
/** Cap on what all kept documents may use together. */
const SMALL_TOTAL_LIMIT = 256 << 20;

export const cleanPath = (p: string): string => path.posix.normalize(`/${p}`).slice(1);

function compressionOf(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new InvalidArgumentError(`${what} in the archive is not valid JSON`);
  }
}

/** Opens the archive as a stream of (uncompressed) tar bytes; a gzip-compressed archive is inflated. */
export async function openArchive(file: string): Promise<NodeJS.ReadableStream & AsyncIterable<Buffer>> {
  const fd = await fs.promises.open(file, 'r');
  const head = Buffer.alloc(2);
  await fd.read(head, 0, 2, 0);
  await fd.close();
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const zlib = await import('node:zlib');
    return raw.pipe(zlib.createGunzip({ chunkSize: 1 << 20 }));
  }
  return raw;
}

export async function scanArchive(file: string, signal?: AbortSignal): Promise<ArchiveScan> {
  const stat = await fs.promises.stat(file);
  const scan: ArchiveScan = { ociLayout: false, files: new Map(), blobs: new Map(), small: new Map(), archiveSize: stat.size };
  const symlinks = new Map<string, string>();
  let smallTotal = 0;
  let sawEntry = false;
  try {
    for await (const entry of readTar(await openArchive(file))) {
      if (signal?.aborted) throw signal.reason;
      sawEntry = true;
      const name = cleanPath(entry.name);
      if (entry.type === 'symlink') symlinks.set(name, cleanPath(path.posix.join(path.posix.dirname(name), entry.linkname)));
      if (entry.type !== 'file') continue;
      if (name === 'oci-layout') {
        scan.ociLayout = true;
      } else if (name === 'index.json' || name === 'manifest.json') {
        // Checked on the header's size, before reading: a small .tar.gz can hold a gigabyte-long index.json.
        checkSize(`${name} in the archive`, entry.size, MAX_MANIFEST_BYTES);
        if (name === 'index.json') scan.index = parseJson<Index>(await entry.buffer(), name);
        else scan.dockerManifest = parseJson<DockerArchiveEntry[]>(await entry.buffer(), name);
      } else {
        const blob = /^blobs\/[a-z0-9]+\/[a-f0-9]+$/.test(name);
        // A blob's digest is in its path; other files (a docker-archive's <id>/layer.tar) are hashed.
        const hash = blob ? undefined : createHash('sha256');
        let head = Buffer.alloc(0);
        let parts: Buffer[] | undefined;
        for await (const chunk of entry.chunks()) {
          // Only JSON documents are kept (a small layer would just take memory); the rest is streamed past.
          if (head.length === 0 && chunk[0] === 0x7b && entry.size <= SMALL_BLOB_LIMIT) parts = [];
          if (head.length < 4) head = Buffer.concat([head, chunk.subarray(0, 4 - head.length)]);
          hash?.update(chunk);
          parts?.push(chunk);
          if (blob && !parts && head.length === 4) break;
        }
        const digest = blob ? name.split('/').slice(1).join(':') : `sha256:${hash?.digest('hex')}`;
        if (blob) scan.blobs.set(digest, { path: name, size: entry.size });
        scan.files.set(name, { size: entry.size, digest, compression: compressionOf(head) });
        if (parts) {
          smallTotal += entry.size;
          if (smallTotal > SMALL_TOTAL_LIMIT) throw new TooLargeError('the JSON documents in the archive together', smallTotal, SMALL_TOTAL_LIMIT);
          scan.small.set(digest, Buffer.concat(parts));
        }
      }
    }
  } catch (e) {
    if (signal?.aborted) throw e;
    if (e instanceof ContainerdError) throw e;
    throw new InvalidArgumentError(`${path.basename(file)} is not a readable image archive: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!sawEntry) throw new InvalidArgumentError(`${path.basename(file)} is empty or not a tar archive`);
  for (const [link, target] of symlinks) {
    const f = scan.files.get(target);
    if (f) scan.files.set(link, f);
  }
  return scan;
}
