// From an image record to its manifest and config for a platform, reading the content store.
import { NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import { MAX_MANIFEST_BYTES } from '../limits';
import type { Descriptor, ImageConfig, Index, Manifest, Platform } from '../oci/image-types';
import { isIndexMediaType, isManifestMediaType } from '../oci/media-types';
import { hostPlatform, selectManifest, selectManifests } from '../registry/platform';
import { readJson, type ContentReader } from './blobs';

export interface ResolvedImage {
  manifestDescriptor: Descriptor;
  manifest: Manifest;
  config: ImageConfig;
  /** Platforms in the index (or the config's own for a single manifest). */
  platforms: Platform[];
}

/** Follows index → manifest for `platform` (default: the host's) and reads the config. */
export async function resolveImage(client: ContentReader, target: Descriptor, platform: Platform = hostPlatform(), opts?: CallOptions): Promise<ResolvedImage> {
  let desc = target;
  let platforms: Platform[] = [];
  for (let depth = 0; isIndexMediaType(desc.mediaType); depth++) {
    if (depth > 4) throw new NotFoundError('image index nests too deeply');
    const index = await readJson<Index>(client, desc.digest, opts, { maxBytes: MAX_MANIFEST_BYTES, what: 'image index' });
    platforms = selectManifests(index, 'all').map((m) => m.platform).filter((p): p is Platform => !!p);
    desc = selectManifest(index, platform);
  }
  if (!isManifestMediaType(desc.mediaType)) throw new NotFoundError(`unsupported image media type ${desc.mediaType}`);
  const manifest = await readJson<Manifest>(client, desc.digest, opts, { maxBytes: MAX_MANIFEST_BYTES, what: 'manifest' });
  const config = await readJson<ImageConfig>(client, manifest.config.digest, opts, { what: 'image config' });
  if (!platforms.length) platforms = [{ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) }];
  return { manifestDescriptor: desc, manifest, config, platforms };
}
