// Importing an image archive from disk (OCI layout tar, or `docker save` output) for air-gapped hosts:
// scan, write the needed blobs through Content.Write (containerd verifies each digest), GC labels, image
// records, and unpack for this host. All under a temporary lease: a failed import leaves nothing.
import type { ContainerdClient } from '../client';
import { AlreadyExistsError, CancelledError, NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import type { Descriptor, Index, Manifest } from '../oci/image-types';
import { isIndexMediaType, isManifestMediaType } from '../oci/media-types';
import { readTar } from '../oci/tar';
import { NoMatchingPlatformError } from '../registry/errors';
import type { Image } from '../types';
import { type ArchivePlan, type NamingOptions, planArchive } from './archive-plan';
import { cleanPath, openArchive, scanArchive } from './archive-scan';
import { childGcLabels } from './gc-labels';
import { resolveImage } from './resolve';
import { unpackImage } from './unpack';

export interface TransferProgress {
  phase: 'reading' | 'writing' | 'unpacking' | 'done';
  doneBytes: number;
  totalBytes: number;
}

export interface ImportArchiveOptions extends NamingOptions, CallOptions {
  /** Unpack each image for this host (default true). */
  unpack?: boolean;
  onProgress?: (p: TransferProgress) => void;
}

function labelsFor(desc: Descriptor, bytes: Buffer | undefined): Record<string, string> {
  if (!bytes || !(isIndexMediaType(desc.mediaType) || isManifestMediaType(desc.mediaType))) return {};
  return childGcLabels(desc.mediaType, JSON.parse(bytes.toString('utf8')) as Manifest | Index);
}

async function writeOne(client: ContainerdClient, desc: Descriptor, source: (offset: number) => AsyncIterable<Buffer>, labels: Record<string, string>, opts: CallOptions, progress?: (n: number) => void): Promise<void> {
  let seen = 0;
  const onProgress = (offset: number): void => { if (offset > seen) { progress?.(offset - seen); seen = offset; } };
  try {
    await client.content.write(source, { ref: `import-${desc.digest}`, expected: { digest: desc.digest, size: desc.size }, labels, ...opts, timeoutMs: 0, onProgress });
    onProgress(desc.size);
  } catch (e) {
    if (!(e instanceof AlreadyExistsError)) throw e;
    if (Object.keys(labels).length) await client.content.updateLabels(desc.digest, labels, opts);
    onProgress(desc.size);
  }
}

/** Drops the first `skip` bytes of a stream (resuming an ingest an earlier import left). */
async function* skipping(chunks: AsyncIterable<Buffer>, skip: number): AsyncGenerator<Buffer> {
  let left = skip;
  for await (const c of chunks) {
    if (left >= c.length) { left -= c.length; continue; }
    yield left > 0 ? c.subarray(left) : c;
    left = 0;
  }
}

/** Writes the plan's blobs: in-memory ones directly, the others in one more pass over the archive. */
async function writeBlobs(client: ContainerdClient, file: string, plan: ArchivePlan, progress: (n: number) => void, opts: CallOptions): Promise<void> {
  const byPath = new Map<string, Descriptor>();
  for (const { desc, path, bytes } of plan.blobs.values()) {
    if (bytes) {
      await writeOne(client, desc, async function* (offset) { yield bytes.subarray(offset); }, labelsFor(desc, bytes), opts, progress);
    } else if (path) {
      byPath.set(path, desc);
    }
  }
  if (byPath.size === 0) return;
  for await (const entry of readTar(await openArchive(file))) {
    if (opts.signal?.aborted) throw new CancelledError('import cancelled');
    const desc = byPath.get(cleanPath(entry.name));
    if (!desc || entry.type !== 'file') continue;
    byPath.delete(cleanPath(entry.name));
    await writeOne(client, desc, (offset) => skipping(entry.chunks(), offset), {}, opts, progress);
    if (byPath.size === 0) break;
  }
}

async function createOrUpdate(client: ContainerdClient, name: string, target: Descriptor, opts: CallOptions): Promise<Image> {
  try {
    await client.images.get(name, opts);
    return await client.images.update(name, { target }, opts);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    return client.images.create({ name, target }, opts);
  }
}

/** Imports every image the archive names; returns their records. */
export async function importArchive(client: ContainerdClient, file: string, options: ImportArchiveOptions = {}): Promise<Image[]> {
  const opts: CallOptions = { signal: options.signal };
  const report = (p: TransferProgress): void => {
    try { options.onProgress?.(p); } catch { /* a failing renderer must not fail the import */ }
  };
  report({ phase: 'reading', doneBytes: 0, totalBytes: 0 });
  const scan = await scanArchive(file, options.signal);
  const plan = planArchive(scan, options);
  const totalBytes = [...plan.blobs.values()].reduce((n, b) => n + b.desc.size, 0);
  let doneBytes = 0;
  const lease = await client.leases.create({ expiresInMs: 24 * 3600_000, labels: { 'containerd-explorer/import': file.slice(-200) } }, opts);
  const leased = client.withLease(lease.id);
  let ok = false;
  try {
    report({ phase: 'writing', doneBytes, totalBytes });
    await writeBlobs(leased, file, plan, (n) => { doneBytes += n; report({ phase: 'writing', doneBytes, totalBytes }); }, opts);
    if (options.unpack !== false) {
      report({ phase: 'unpacking', doneBytes, totalBytes });
      for (const target of plan.targets) {
        let resolved;
        try {
          resolved = await resolveImage(leased, target, undefined, opts);
        } catch (e) {
          // An index without this host's platform: imported, not unpacked (as ctr does).
          if (e instanceof NoMatchingPlatformError) continue;
          throw e;
        }
        await unpackImage(leased, resolved.manifest, resolved.config, opts);
      }
    }
    const images: Image[] = [];
    for (const img of plan.images) images.push(await createOrUpdate(leased, img.name, img.target, opts));
    report({ phase: 'done', doneBytes, totalBytes });
    ok = true;
    return images;
  } catch (e) {
    throw options.signal?.aborted ? new CancelledError(`import of ${file} cancelled`, { cause: e }) : e;
  } finally {
    // On failure, collect at once what only the lease held: no half-imported blobs or snapshots stay.
    await client.leases.delete(lease.id, { sync: !ok }).catch(() => undefined);
  }
}
