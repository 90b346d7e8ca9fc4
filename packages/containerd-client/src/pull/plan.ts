// The metadata half of a pull: from the resolved descriptor down through index and manifests to configs,
// choosing platforms, storing each document with the GC labels containerd would give it.
import { InvalidArgumentError } from '../errors';
import { distributionSource, priorSource, recordSource } from '../images/distribution-source';
import { childGcLabels } from '../images/gc-labels';
import type { Descriptor, ImageConfig, Index, Manifest, Platform } from '../oci/image-types';
import { hostPlatform, selectManifest, selectManifests } from '../registry/platform';
import type { FetchedManifest } from '../registry/client';
import { digestOf } from '../registry/digest';
import { RegistryHttpError } from '../registry/errors';
import { type StoreContext, storeSmallBlob } from './store-blob';

/** `'all'`: every runnable platform of an index; otherwise one platform (default: the host's). */
export type PlatformChoice = Platform | 'all';

export interface PlannedImage {
  manifestDescriptor: Descriptor;
  manifest: Manifest;
  config: ImageConfig;
  /** Whether this pull unpacks it (the chosen platform, or the host's among 'all'). */
  unpack: boolean;
}

/** A reference resolved before the pull: its descriptor, and the manifest or index already fetched for it. */
export interface ResolvedTarget {
  descriptor: Descriptor;
  fetched?: FetchedManifest;
}

/** The fetched document must be the descriptor's (its bytes hash to its digest), or the pull would store a lie. */
export function checkResolved(r: ResolvedTarget): ResolvedTarget {
  if (r.fetched && (r.fetched.descriptor.digest !== r.descriptor.digest || digestOf(r.fetched.bytes, r.descriptor.digest) !== r.descriptor.digest)) {
    throw new InvalidArgumentError(`the pre-fetched manifest is not ${r.descriptor.digest}`);
  }
  return r;
}

const MAX_INDEX_DEPTH = 4;

/**
 * Stores a document and then merges this repository into its distribution-source label, as containerd's
 * AppendDistributionSourceLabel handler does after each fetch (the store alone would overwrite the label).
 */
export async function withSourceLabel(ctx: StoreContext, desc: Descriptor, store: () => Promise<void>): Promise<void> {
  const source = distributionSource(ctx.ref.domain, ctx.ref.path);
  const prior = await priorSource(ctx.leased, desc.digest, source, { signal: ctx.signal });
  await store();
  await recordSource(ctx.leased, desc.digest, source, prior, { signal: ctx.signal });
}

/** Reads the config and checks it agrees with the manifest before anything is downloaded. */
async function planManifest(ctx: StoreContext, desc: Descriptor, manifest: Manifest): Promise<Omit<PlannedImage, 'unpack'>> {
  const bytes = await ctx.registry.fetchBlobBytes(ctx.ref, manifest.config, { signal: ctx.signal });
  let config: ImageConfig;
  try {
    config = JSON.parse(bytes.toString('utf8')) as ImageConfig;
  } catch {
    throw new RegistryHttpError(ctx.ref.domain, 200, undefined, `image config ${manifest.config.digest} is not valid JSON`);
  }
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new InvalidArgumentError(`image ${ctx.ref} is inconsistent: its config lists ${diffIds.length} layers, its manifest ${manifest.layers.length}`);
  }
  await withSourceLabel(ctx, manifest.config, () => storeSmallBlob(ctx, manifest.config, bytes, {}));
  return { manifestDescriptor: desc, manifest, config };
}

/**
 * Fetches and stores the index/manifest tree under `desc` for the chosen platform(s) and returns the images
 * whose layers must be fetched (`prefetched`: the document at `desc`, already fetched). A single manifest is taken whatever its platform, as ctr does.
 */
export async function planImages(ctx: StoreContext, desc: Descriptor, platform: PlatformChoice, depth = 0, prefetched?: FetchedManifest): Promise<PlannedImage[]> {
  const fetched = prefetched?.descriptor.digest === desc.digest ? prefetched : await ctx.registry.fetchManifest(ctx.ref, desc, { signal: ctx.signal });
  if (fetched.kind === 'manifest') {
    const planned = await planManifest(ctx, fetched.descriptor, fetched.manifest);
    await withSourceLabel(ctx, fetched.descriptor, () => storeSmallBlob(ctx, fetched.descriptor, fetched.bytes, childGcLabels(fetched.mediaType, fetched.manifest)));
    return [{ ...planned, unpack: true }];
  }
  if (depth >= MAX_INDEX_DEPTH) throw new RegistryHttpError(ctx.ref.domain, 200, undefined, `image index ${desc.digest} nests too deeply`);
  const index: Index = fetched.index;
  const chosen = platform === 'all' ? selectManifests(index, 'all') : [selectManifest(index, platform, ctx.ref.toString())];
  if (chosen.length === 0) throw new RegistryHttpError(ctx.ref.domain, 200, undefined, `image index ${desc.digest} lists no runnable image`);
  const out: PlannedImage[] = [];
  for (const child of chosen) out.push(...await planImages(ctx, child, platform, depth + 1));
  // As containerd (SetChildrenLabels runs before the platform filter): the index references all its manifests,
  // fetched or not; GC skips the digests that are not in the store.
  await withSourceLabel(ctx, fetched.descriptor, () => storeSmallBlob(ctx, fetched.descriptor, fetched.bytes, childGcLabels(fetched.mediaType, index)));
  if (platform === 'all') {
    // Unpack only what this host runs: the best host match among the fetched entries.
    const best = selectManifests({ ...index, manifests: chosen }, hostPlatform())[0];
    for (const p of out) p.unpack = !!best && p.manifestDescriptor.digest === best.digest;
  }
  return out;
}
