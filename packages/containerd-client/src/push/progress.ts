// Push progress: one snapshot object updated in place and handed to the caller on each meaningful change
// (states at once, byte counts at most every `throttleMs`), the same shape on the client-side and Transfer paths.
import { BlobProgressTracker, type TrackedProgress } from '../progress-tracker';

export type PushPhase = 'preparing' | 'uploading' | 'manifests' | 'done';

export type PushBlobState =
  | 'waiting'
  | 'uploading'
  /** The registry had it already (HEAD): nothing sent. */
  | 'exists'
  /** Mounted from another repository of the same registry: nothing sent. */
  | 'mounted'
  | 'uploaded';

export interface PushBlobProgress {
  digest: string;
  mediaType: string;
  size: number;
  /** Bytes the registry has acknowledged. */
  offset: number;
  state: PushBlobState;
}

/** `reference` is where it goes, normalised (`127.0.0.1:5000/app:v1`); `blobs` are configs and layers, each once;
 *  `doneBytes` are the bytes the registry holds of `totalBytes` (blobs it had or mounted count in full). */
export interface PushProgress extends TrackedProgress<PushBlobProgress> {
  phase: PushPhase;
  /** Bytes this push sent. */
  uploadedBytes: number;
  manifests: number;
  manifestsDone: number;
}

export type PushProgressListener = (p: PushProgress) => void;

export class PushTracker extends BlobProgressTracker<PushBlobProgress, PushProgress> {
  constructor(reference: string, listener: PushProgressListener | undefined, throttleMs?: number) {
    super({ reference, phase: 'preparing', blobs: [], totalBytes: 0, doneBytes: 0, uploadedBytes: 0, manifests: 0, manifestsDone: 0 }, listener, throttleMs);
  }

  add(desc: { digest: string; mediaType: string; size: number }): PushBlobProgress {
    return this.register(desc.digest, () => ({ digest: desc.digest, mediaType: desc.mediaType, size: Math.max(0, desc.size), offset: 0, state: 'waiting' }));
  }

  setManifests(n: number): void {
    this.progress.manifests = n;
  }

  manifestDone(): void {
    this.progress.manifestsDone++;
    this.emit(true);
  }

  /** The registry acknowledged `offset` bytes (never fewer than before); `sent` counts them as this push's upload. */
  offset(digest: string, offset: number, sent = true): void {
    const b = this.get(digest);
    if (!b) return;
    const moved = this.moveOffset(b, offset, b.offset);
    if (sent) this.progress.uploadedBytes += moved;
    this.emit(false);
  }

  protected entering(b: PushBlobProgress, state: PushBlobState): void {
    // Blobs the registry had, mounted or took count in full; only uploaded ones as sent by this push.
    if (state === 'exists' || state === 'mounted' || state === 'uploaded') this.offset(b.digest, b.size, state === 'uploaded');
  }
}
