// Unpacking an image's layers into committed snapshots named by chain ID, as containerd's unpacker does.
import { randomBytes } from 'node:crypto';
import type { ContainerdClient } from '../client';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import type { Descriptor, ImageConfig, Manifest } from '../oci/image-types';
import { chainIds } from '../digest';
import { gcSnapshotLabel, LABEL_UNCOMPRESSED } from './gc-labels';

export interface UnpackProgress { layer: number; layers: number; digest: string; state: 'present' | 'applying' | 'applied' }

export interface UnpackOptions extends CallOptions {
  onProgress?: (p: UnpackProgress) => void;
  /** Wait for this before applying layer i: lets a pull unpack layer by layer as downloads finish. */
  layerReady?: (index: number) => Promise<void>;
}

async function snapshotExists(client: ContainerdClient, key: string, opts?: CallOptions): Promise<boolean> {
  try { await client.snapshots.stat(key, opts); return true; } catch (e) { if (e instanceof NotFoundError) return false; throw e; }
}

/**
 * Applies each layer onto its parent's snapshot and commits it as its chain ID, skipping layers already unpacked.
 * Labels the config blob with the top snapshot so GC keeps the snapshots while the image exists.
 * Returns the chain ID of the top layer (the parent for a container's snapshot). Call it under a lease.
 */
export async function unpackImage(client: ContainerdClient, manifest: Manifest, config: ImageConfig, options: UnpackOptions = {}): Promise<string> {
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new InvalidArgumentError(`image config lists ${diffIds.length} layers but the manifest has ${manifest.layers.length}`);
  }
  const chain = chainIds(diffIds);
  for (let i = 0; i < manifest.layers.length; i++) {
    const layer: Descriptor = manifest.layers[i];
    const progress = (state: UnpackProgress['state']): void => options.onProgress?.({ layer: i, layers: manifest.layers.length, digest: layer.digest, state });
    if (await snapshotExists(client, chain[i], options)) { progress('present'); continue; }
    await options.layerReady?.(i);
    progress('applying');
    await applyLayer(client, layer, diffIds[i], chain[i], i === 0 ? '' : chain[i - 1], options);
    progress('applied');
  }
  const top = chain[chain.length - 1] ?? '';
  if (top) await client.content.updateLabels(manifest.config.digest, { [gcSnapshotLabel(client.snapshotter)]: top }, options);
  return top;
}

async function applyLayer(client: ContainerdClient, layer: Descriptor, diffId: string, chainId: string, parent: string, opts: CallOptions): Promise<void> {
  const key = `extract-${randomBytes(6).toString('hex')} ${chainId}`;
  const mounts = await client.snapshots.prepare(key, parent, { 'containerd.io/snapshot.ref': chainId }, opts);
  let committed = false;
  try {
    const applied = await client.diff.apply(layer, mounts, opts);
    if (applied.digest !== diffId) {
      throw new InvalidArgumentError(`layer ${layer.digest} unpacked to ${applied.digest}, but the image config says ${diffId}: the image is corrupt`);
    }
    try {
      await client.snapshots.commit(chainId, key, {}, opts);
    } catch (e) {
      // Another unpack of the same layer won the race: its snapshot is as good as ours.
      if (!(e instanceof AlreadyExistsError)) throw e;
    }
    committed = true;
    await client.content.updateLabels(layer.digest, { [LABEL_UNCOMPRESSED]: diffId }, opts).catch(() => undefined);
  } finally {
    // Commit consumed the active key; otherwise remove it so a failed apply leaves no snapshot behind.
    if (!committed) await client.snapshots.remove(key).catch(() => undefined);
  }
}

/** Whether every layer of the image is unpacked for this client's snapshotter. */
export async function isUnpacked(client: ContainerdClient, config: ImageConfig, opts?: CallOptions): Promise<boolean> {
  const chain = chainIds(config.rootfs?.diff_ids ?? []);
  if (!chain.length) return false;
  return snapshotExists(client, chain[chain.length - 1], opts);
}
