// Reading a few small files (/etc/passwd, /etc/group) out of an image without mounting anything: the layers'
// tars are read from the content store, newest layer first, honouring whiteouts as an overlay mount would.
// Mounting a View (what ctr does) needs mount privileges; reading content only needs the socket.
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { ContainerdClient } from '../client';
import { ContainerdError, FailedPreconditionError, InvalidArgumentError } from '../errors';
import type { CallOptions } from '../call-options';
import { checkSize, MAX_USER_FILE_BYTES } from '../limits';
import type { Descriptor, Manifest } from '../oci/image-types';
import { layerCompression } from '../oci/media-types';
import { readTar } from '../oci/tar';
import { zstdDecompress } from '../oci/zstd';

/** What a file is in the image's merged view: its bytes, or undefined when no layer has it (or it was deleted). */
export type ImageFiles = Map<string, Buffer | undefined>;

export interface ReadImageFilesOptions extends CallOptions {
  /** A wanted file bigger than this is refused with TooLargeError before it is read (default 16 MiB). */
  maxFileBytes?: number;
}

/** `/etc/passwd`, `./etc/passwd`, `etc/passwd/` → `etc/passwd`. */
export function normalizeImagePath(p: string): string {
  return p.replace(/^(\.?\/)+/, '').replace(/\/+$/, '').replace(/\/{2,}/g, '/');
}

const parentsOf = (p: string): string[] => {
  const parts = p.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
};

/** The layer's uncompressed tar bytes, streamed from the content store. */
function layerStream(client: ContainerdClient, layer: Descriptor, opts?: CallOptions): AsyncIterable<Buffer> {
  const raw = Readable.from(client.content.read(layer.digest, opts));
  const kind = layerCompression(layer.mediaType);
  if (kind === 'none') return raw;
  // zstd works on every Node.js: zlib's where it has one, else a pure-JS decoder.
  if (kind === 'zstd') return zstdDecompress(raw, `layer ${layer.digest}`);
  if (kind !== 'gzip') throw new FailedPreconditionError(`layer ${layer.digest} has an unknown media type ${layer.mediaType}`);
  const d = zlib.createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (e) => d.destroy(e));
  return raw.pipe(d);
}

/**
 * Reads regular files at `paths` from the image's merged filesystem. Layers are read top-down and a layer
 * is only read while something is still unresolved; a whiteout (`.wh.<name>`) or an opaque directory
 * (`.wh..wh..opq`) in a newer layer hides what older layers hold. Symlinks are not followed (reported absent).
 */
export async function readImageFiles(client: ContainerdClient, manifest: Manifest, paths: string[], opts?: ReadImageFilesOptions): Promise<ImageFiles> {
  const wanted = new Set(paths.map(normalizeImagePath));
  const found: ImageFiles = new Map();
  for (let i = manifest.layers.length - 1; i >= 0 && found.size < wanted.size; i--) {
    try {
      await readLayerFiles(client, manifest.layers[i], wanted, found, opts);
    } catch (e) {
      // A corrupt layer (bad gzip or zstd, broken tar) gets a typed error naming it.
      if (e instanceof ContainerdError) throw e;
      throw new InvalidArgumentError(`layer ${manifest.layers[i].digest} of the image cannot be read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  for (const p of wanted) if (!found.has(p)) found.set(p, undefined);
  return found;
}

/** One layer's part of readImageFiles: what it holds (or hides) of the paths not found yet. */
async function readLayerFiles(client: ContainerdClient, layer: Descriptor, wanted: Set<string>, found: ImageFiles, opts?: ReadImageFilesOptions): Promise<void> {
  const pending = [...wanted].filter((p) => !found.has(p));
  const hiddenAfter = new Set<string>();
  const maxBytes = opts?.maxFileBytes ?? MAX_USER_FILE_BYTES;
  for await (const entry of readTar(layerStream(client, layer, opts))) {
    const name = normalizeImagePath(entry.name);
    const slash = name.lastIndexOf('/');
    const dir = slash < 0 ? '' : name.slice(0, slash);
    const base = name.slice(slash + 1);
    for (const p of pending) {
      if (found.has(p)) continue;
      if (name === p) {
        // Checked before reading: a hostile layer's huge /etc/passwd would otherwise be buffered whole.
        if (entry.type === 'file') checkSize(`/${p} in layer ${layer.digest}`, entry.size, maxBytes);
        found.set(p, entry.type === 'file' ? await entry.buffer() : undefined);
      } else if (base === '.wh..wh..opq' && (p.startsWith(`${dir}/`) || dir === '')) {
        hiddenAfter.add(p); // opaque: lower layers' content of `dir` is gone, this layer's own still counts
      } else if (base.startsWith('.wh.')) {
        const deleted = (dir ? `${dir}/` : '') + base.slice(4);
        if (deleted === p || parentsOf(p).includes(deleted)) found.set(p, undefined);
      }
    }
    if (pending.every((p) => found.has(p))) break;
  }
  for (const p of hiddenAfter) if (!found.has(p)) found.set(p, undefined);
}

export type UserFile = 'passwd' | 'group';

/**
 * The image's /etc/passwd and /etc/group as text; undefined for a file the image does not have. `which`: only those
 * (layers are read only until they are found), e.g. just /etc/group for root's additional gids.
 */
export async function readUserFiles(client: ContainerdClient, manifest: Manifest, opts?: CallOptions, which: readonly UserFile[] = ['passwd', 'group']): Promise<{ passwd?: string; group?: string }> {
  const files = await readImageFiles(client, manifest, which.map((f) => `etc/${f}`), opts);
  return { passwd: files.get('etc/passwd')?.toString('utf8'), group: files.get('etc/group')?.toString('utf8') };
}
