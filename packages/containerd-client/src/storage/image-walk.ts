// Walks an image record through the content store (index -> manifests -> config and layers): which blobs it
// references, their media types, which are there, which belong to the host's platform, and the chain IDs its
// layers unpack to. Disk usage, the content view and prune all start from this.
import type { ContainerdClient } from '../client';
import { chainIds } from '../digest';
import type { CallOptions } from '../call-options';
import { MAX_MANIFEST_BYTES } from '../limits';
import type { Descriptor, ImageConfig, Index, Manifest } from '../oci/image-types';
import { isConfigMediaType, isIndexMediaType, isManifestMediaType } from '../oci/media-types';
import { readJson } from '../images/blobs';
import { isAttestation, platformMatcher, hostPlatform, type PlatformMatcher } from '../registry/platform';
import type { Image } from '../types';

export interface WalkedImage {
  name: string;
  target: Descriptor;
  /** Every blob the image's documents name, present or not, with its media type and size as the parent says. */
  blobs: Map<string, { mediaType: string; size: number }>;
  /** The subset for the host's platform: the index(es), the chosen manifest, its config and layers. */
  hostDigests: Set<string>;
  /** Chain IDs of the layers of every present manifest whose config is present (top last per manifest). */
  chainIds: Set<string>;
  /** Top chain ID of each such manifest: the parent of a container's snapshot made from the image. */
  topChainIds: Set<string>;
  /** The host platform manifest's top chain ID. */
  hostTopChainId?: string;
  /** Documents that could not be read (absent for platforms never pulled, or unreadable), by digest. */
  unreadable: Map<string, string>;
}

const MAX_DEPTH = 5;

/** Reads the image's documents; `present` says which digests the content store holds, so absent ones are not read. */
export async function walkImage(client: ContainerdClient, image: Image, present: ReadonlySet<string>, opts: CallOptions & { platform?: PlatformMatcher } = {}): Promise<WalkedImage> {
  const matcher = opts.platform ?? platformMatcher(hostPlatform());
  const out: WalkedImage = { name: image.name, target: image.target, blobs: new Map(), hostDigests: new Set(), chainIds: new Set(), topChainIds: new Set(), unreadable: new Map() };
  const add = (d: Descriptor): void => { if (!out.blobs.has(d.digest)) out.blobs.set(d.digest, { mediaType: d.mediaType, size: d.size }); };

  const visit = async (d: Descriptor, onHostPath: boolean, depth: number): Promise<void> => {
    add(d);
    if (onHostPath) out.hostDigests.add(d.digest);
    if (!present.has(d.digest) || depth > MAX_DEPTH) return;
    if (isIndexMediaType(d.mediaType)) {
      const index = await readDoc<Index>(client, d, 'image index', out, opts);
      if (!index) return;
      const runnable = (index.manifests ?? []).filter((m) => !isAttestation(m));
      const host = runnable.filter((m) => !m.platform || matcher.match(m.platform));
      host.sort((a, b) => (a.platform && b.platform ? (matcher.less(a.platform, b.platform) ? -1 : matcher.less(b.platform, a.platform) ? 1 : 0) : a.platform ? -1 : b.platform ? 1 : 0));
      const chosen = onHostPath ? host[0] : undefined;
      for (const m of index.manifests ?? []) await visit(m, m === chosen, depth + 1);
    } else if (isManifestMediaType(d.mediaType)) {
      const manifest = await readDoc<Manifest>(client, d, 'manifest', out, opts);
      if (!manifest) return;
      const children = [manifest.config, ...(manifest.layers ?? [])];
      for (const c of children) { add(c); if (onHostPath) out.hostDigests.add(c.digest); }
      if (!manifest.config || !present.has(manifest.config.digest) || !isConfigMediaType(manifest.config.mediaType)) return;
      const config = await readDoc<ImageConfig>(client, manifest.config, 'image config', out, opts);
      const chain = chainIds(config?.rootfs?.diff_ids ?? []);
      for (const c of chain) out.chainIds.add(c);
      if (chain.length) out.topChainIds.add(chain[chain.length - 1]);
      if (onHostPath && chain.length) out.hostTopChainId = chain[chain.length - 1];
    }
  };
  await visit(image.target, true, 0);
  return out;
}

async function readDoc<T>(client: ContainerdClient, d: Descriptor, what: string, out: WalkedImage, opts: CallOptions): Promise<T | undefined> {
  try {
    return await readJson<T>(client, d.digest, opts, { maxBytes: what === 'image config' ? undefined : MAX_MANIFEST_BYTES, what });
  } catch (e) {
    out.unreadable.set(d.digest, e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

/** Sum of the sizes of those of `digests` the store holds (sizes from the store, which is what the disk holds). */
export function presentBytes(digests: Iterable<string>, sizes: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const d of new Set(digests)) total += sizes.get(d) ?? 0;
  return total;
}
