// Pull progress: one snapshot object, updated in place and handed to the caller on every meaningful change
// (state changes at once, byte counts at most every `throttleMs`), so a UI can render it without diffing.

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

export interface PullProgress {
  /** The normalised reference, e.g. `docker.io/library/redis:alpine`. */
  reference: string;
  phase: PullPhase;
  /** Layers (and configs) in pull order; the same objects across events. */
  blobs: BlobProgress[];
  /** Sum of blob sizes, and of the bytes in the content store so far (present blobs count as done). */
  totalBytes: number;
  doneBytes: number;
  /** Bytes received from the network by this pull (what a resumed pull saves shows here). */
  downloadedBytes: number;
  /** Layers unpacked so far, and to unpack (0 when not unpacking). */
  unpackedLayers: number;
  layersToUnpack: number;
}

export type ProgressListener = (p: PullProgress) => void;

export class ProgressTracker {
  readonly progress: PullProgress;
  private readonly byDigest = new Map<string, BlobProgress>();
  private lastEmit = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(reference: string, private readonly listener: ProgressListener | undefined, private readonly throttleMs = 100) {
    this.progress = {
      reference, phase: 'resolving', blobs: [], totalBytes: 0, doneBytes: 0, downloadedBytes: 0, unpackedLayers: 0, layersToUnpack: 0,
    };
  }

  phase(phase: PullPhase): void {
    if (this.progress.phase === phase) return;
    this.progress.phase = phase;
    this.emit(true);
  }

  /** Registers a blob once (shared layers across platforms are counted once). */
  add(desc: { digest: string; mediaType: string; size: number }): BlobProgress {
    let b = this.byDigest.get(desc.digest);
    if (!b) {
      b = { digest: desc.digest, mediaType: desc.mediaType, size: desc.size, offset: 0, resumedFrom: 0, state: 'waiting' };
      this.byDigest.set(desc.digest, b);
      this.progress.blobs.push(b);
      this.progress.totalBytes += desc.size;
      this.emit(true);
    }
    return b;
  }

  get(digest: string): BlobProgress | undefined {
    return this.byDigest.get(digest);
  }

  setLayersToUnpack(n: number): void {
    this.progress.layersToUnpack += n;
    this.emit(true);
  }

  layerUnpacked(): void {
    this.progress.unpackedLayers++;
    this.emit(true);
  }

  state(digest: string, state: BlobState): void {
    const b = this.byDigest.get(digest);
    if (!b || b.state === state) return;
    // A blob leaving the store flow for good counts in full.
    if (state === 'exists' || state === 'downloaded') this.setOffset(b, b.size);
    b.state = state;
    this.emit(true);
  }

  /** containerd acknowledged bytes up to `offset`. */
  offset(digest: string, offset: number): void {
    const b = this.byDigest.get(digest);
    if (!b) return;
    this.setOffset(b, offset);
    this.emit(false);
  }

  resumed(digest: string, from: number): void {
    const b = this.byDigest.get(digest);
    if (!b) return;
    b.resumedFrom = from;
    this.setOffset(b, from);
    this.emit(true);
  }

  downloaded(bytes: number): void {
    this.progress.downloadedBytes += bytes;
  }

  private setOffset(b: BlobProgress, offset: number): void {
    const clamped = Math.max(0, Math.min(b.size, offset));
    this.progress.doneBytes += clamped - b.offset;
    b.offset = clamped;
  }

  /** Emits now (`force`) or within throttleMs; a pending emit is folded into the next one. */
  emit(force: boolean): void {
    if (!this.listener) return;
    const now = Date.now();
    if (force || now - this.lastEmit >= this.throttleMs) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.lastEmit = now;
      this.call();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.lastEmit = Date.now();
        this.call();
      }, this.throttleMs - (now - this.lastEmit));
    }
  }

  private call(): void {
    try {
      this.listener?.(this.progress);
    } catch {
      // A failing progress renderer must not fail the pull.
    }
  }

  /** Stops a pending throttled emit (the pull is over). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
