// Pull progress: one snapshot object, updated in place and handed to the caller on every meaningful change
// (state changes at once, byte counts at most every `throttleMs`), so a UI can render it without diffing.
import { BlobProgressTracker, type TrackedProgress } from '../progress-tracker';

export type PullPhase = 'resolving' | 'fetching' | 'unpacking' | 'done';

export type BlobState =
  /** Queued behind the concurrency limit. */
  | 'waiting'
  | 'downloading'
  /** Already in the content store before this pull. */
  | 'exists'
  /** Downloaded and committed by this pull. */
  | 'downloaded';

/** A layer's unpack: queued, being applied, or its snapshot committed (by this pull, or already there). */
export type UnpackState = 'pending' | 'applying' | 'done';

export interface BlobProgress {
  digest: string;
  mediaType: string;
  /** Compressed size, as the manifest says. */
  size: number;
  /** Bytes committed to containerd so far (includes a resumed ingest's earlier bytes). */
  offset: number;
  /** Where a resumed ingest started (0 when fresh). */
  resumedFrom: number;
  state: BlobState;
  /** Set for layers this pull unpacks. */
  unpack?: UnpackState;
}

/** `reference` is normalised, e.g. `docker.io/library/redis:alpine`; `blobs` are layers (and configs) in pull order;
 *  `doneBytes` are the bytes in the content store so far (present blobs count as done). */
export interface PullProgress extends TrackedProgress<BlobProgress> {
  phase: PullPhase;
  /** Bytes received from the network by this pull (what a resumed pull saves shows here). */
  downloadedBytes: number;
  /** Layers unpacked so far, and to unpack (0 when not unpacking). */
  unpackedLayers: number;
  layersToUnpack: number;
}

export type ProgressListener = (p: PullProgress) => void;

export class ProgressTracker extends BlobProgressTracker<BlobProgress, PullProgress> {
  constructor(reference: string, listener: ProgressListener | undefined, throttleMs?: number) {
    super({
      reference, phase: 'resolving', blobs: [], totalBytes: 0, doneBytes: 0, downloadedBytes: 0, unpackedLayers: 0, layersToUnpack: 0,
    }, listener, throttleMs);
  }

  /** Registers a blob once (shared layers across platforms are counted once). */
  add(desc: { digest: string; mediaType: string; size: number }): BlobProgress {
    return this.register(desc.digest, () => ({ digest: desc.digest, mediaType: desc.mediaType, size: desc.size, offset: 0, resumedFrom: 0, state: 'waiting' }));
  }

  setLayersToUnpack(n: number): void {
    this.progress.layersToUnpack += n;
    this.emit(true);
  }

  layerUnpacked(): void {
    this.progress.unpackedLayers++;
    this.emit(true);
  }

  /** containerd acknowledged bytes up to `offset`. */
  offset(digest: string, offset: number): void {
    const b = this.get(digest);
    if (!b) return;
    this.moveOffset(b, offset, 0);
    this.emit(false);
  }

  resumed(digest: string, from: number): void {
    const b = this.get(digest);
    if (!b) return;
    b.resumedFrom = from;
    this.moveOffset(b, from, 0);
    this.emit(true);
  }

  downloaded(bytes: number): void {
    this.progress.downloadedBytes += bytes;
  }

  protected entering(b: BlobProgress, state: BlobState): void {
    // A blob leaving the store flow for good counts in full.
    if (state === 'exists' || state === 'downloaded') this.moveOffset(b, b.size, 0);
  }
}
