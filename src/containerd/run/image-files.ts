// Reading a few small files (/etc/passwd, /etc/group) out of an image without mounting anything: the layers'
// tars are read from the content store, newest layer first, honouring whiteouts as an overlay mount would.
// Mounting a View (what ctr does) needs mount privileges; reading content only needs the socket.
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { ContainerdClient } from '../client';
import { FailedPreconditionError } from '../errors';
import type { CallOptions } from '../grpc/rpc';
import type { Descriptor, Manifest } from '../oci/image-types';
import { layerCompression } from '../oci/media-types';
import { readTar } from '../oci/tar';

/** What a file is in the image's merged view: its bytes, or undefined when no layer has it (or it was deleted). */
export type ImageFiles = Map<string, Buffer | undefined>;

/** `/etc/passwd`, `./etc/passwd`, `etc/passwd/` → `etc/passwd`. */
export function normalizeImagePath(p: string): string {
  return p.replace(/^(\.?\/)+/, '').replace(/\/+$/, '').replace(/\/{2,}/g, '/');
}

const parentsOf = (p: string): string[] => {
  const parts = p.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
};

type ZstdFactory = () => NodeJS.ReadWriteStream;

function decompressor(layer: Descriptor): NodeJS.ReadWriteStream | undefined {
  const kind = layerCompression(layer.mediaType);
  if (kind === 'none') return undefined;
  if (kind === 'gzip') return zlib.createGunzip({ chunkSize: 1 << 20 });
  if (kind === 'zstd') {
    // Node 22.15+ (VS Code's extension host) has zstd; Node 20 does not.
    const zstd = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
    if (zstd) return zstd();
    throw new FailedPreconditionError(`layer ${layer.digest} is zstd-compressed and this Node.js (${process.version}) cannot decompress zstd`);
  }
  throw new FailedPreconditionError(`layer ${layer.digest} has an unknown media type ${layer.mediaType}`);
}

function layerStream(client: ContainerdClient, layer: Descriptor, opts?: CallOptions): Readable {
  const raw = Readable.from(client.content.read(layer.digest, opts));
  const d = decompressor(layer);
  if (!d) return raw;
  raw.on('error', (e) => (d as unknown as Readable).destroy(e));
  return raw.pipe(d) as unknown as Readable;
}

/**
 * Reads regular files at `paths` from the image's merged filesystem. Layers are read top-down and a layer
 * is only read while something is still unresolved; a whiteout (`.wh.<name>`) or an opaque directory
 * (`.wh..wh..opq`) in a newer layer hides what older layers hold. Symlinks are not followed (reported absent).
 */
export async function readImageFiles(client: ContainerdClient, manifest: Manifest, paths: string[], opts?: CallOptions): Promise<ImageFiles> {
  const wanted = new Set(paths.map(normalizeImagePath));
  const found: ImageFiles = new Map();
  for (let i = manifest.layers.length - 1; i >= 0 && found.size < wanted.size; i--) {
    const pending = [...wanted].filter((p) => !found.has(p));
    const hiddenAfter = new Set<string>();
    for await (const entry of readTar(layerStream(client, manifest.layers[i], opts))) {
      const name = normalizeImagePath(entry.name);
      const slash = name.lastIndexOf('/');
      const dir = slash < 0 ? '' : name.slice(0, slash);
      const base = name.slice(slash + 1);
      for (const p of pending) {
        if (found.has(p)) continue;
        if (name === p) {
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
  for (const p of wanted) if (!found.has(p)) found.set(p, undefined);
  return found;
}

/** The image's /etc/passwd and /etc/group as text; undefined for a file the image does not have. */
export async function readUserFiles(client: ContainerdClient, manifest: Manifest, opts?: CallOptions): Promise<{ passwd?: string; group?: string }> {
  const files = await readImageFiles(client, manifest, ['etc/passwd', 'etc/group'], opts);
  return { passwd: files.get('etc/passwd')?.toString('utf8'), group: files.get('etc/group')?.toString('utf8') };
}
