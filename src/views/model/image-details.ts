// What the Images view shows beyond the image record: size and layers for the host platform, platforms, unpacked.
import { chainId, formatPlatform, hostPlatform, NotFoundError, resolveImage, type Image, type oci } from '@containerd-explorer/client';
import type { ModelClient } from './model-client';

export interface ImageDetails {
  /** The image record's target digest these details were computed for. */
  targetDigest: string;
  targetMediaType: string;
  /** Compressed size for the host platform: index (if any) + manifest + config + layers, as `ctr images ls`. */
  size: number;
  manifestDigest: string;
  configDigest: string;
  layers: number;
  /** Every platform the image offers, e.g. `linux/amd64`. */
  platforms: string[];
  /** Chain ID of the top layer: the committed snapshot that exists when the image is unpacked. */
  chainId?: string;
  /** When the image was built (config `created`). */
  builtAt?: Date;
  entrypoint?: string[];
  cmd?: string[];
  /** Why details are missing (e.g. content for this platform was never fetched). */
  error?: string;
}

export async function computeImageDetails(client: Pick<ModelClient, 'content'>, image: Image): Promise<ImageDetails> {
  const base = { targetDigest: image.target.digest, targetMediaType: image.target.mediaType };
  let resolved;
  try {
    resolved = await resolveImage(client, image.target);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    return { ...base, size: image.target.size, manifestDigest: '', configDigest: '', layers: 0, platforms: [], error: contentProblem(e) };
  }
  const { manifestDescriptor, manifest, config, platforms } = resolved;
  const indexSize = manifestDescriptor.digest === image.target.digest ? 0 : image.target.size;
  const size = indexSize + manifestDescriptor.size + manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0);
  const diffIds = config.rootfs?.diff_ids ?? [];
  const built = config.created ? new Date(config.created) : undefined;
  return {
    ...base, size,
    manifestDigest: manifestDescriptor.digest, configDigest: manifest.config.digest, layers: manifest.layers.length,
    platforms: platforms.map((p) => formatPlatform(p as oci.Platform)),
    ...(diffIds.length ? { chainId: chainId(diffIds) } : {}),
    ...(built && !Number.isNaN(built.getTime()) ? { builtAt: built } : {}),
    ...(config.config?.Entrypoint ? { entrypoint: config.config.Entrypoint } : {}),
    ...(config.config?.Cmd ? { cmd: config.config.Cmd } : {}),
  };
}

function contentProblem(e: NotFoundError): string {
  if (/no manifest for platform/.test(e.message)) return `no content for this host's platform (${formatPlatform(hostPlatform())}): ${e.message}`;
  return `image content is incomplete: ${e.message}`;
}

/** Whether the top layer's snapshot exists for the client's snapshotter. */
export async function isChainUnpacked(client: Pick<ModelClient, 'snapshots'>, topChainId: string): Promise<boolean> {
  try {
    await client.snapshots.stat(topChainId);
    return true;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
}
