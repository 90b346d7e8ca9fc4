// Push progress: one snapshot object updated in place and handed to the caller on each meaningful change
// (states at once, byte counts at most every `throttleMs`), the same shape on the client-side and Transfer paths.

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

export interface PushProgress {
  /** Where it goes, normalised: `127.0.0.1:5000/app:v1`. */
  reference: string;
  phase: PushPhase;
  /** Configs and layers, each once. */
  blobs: PushBlobProgress[];
  totalBytes: number;
  /** Bytes the registry holds of `totalBytes` (blobs it had or mounted count in full). */
  doneBytes: number;
  /** Bytes this push sent. */
  uploadedBytes: number;
  manifests: number;
  manifestsDone: number;
}

export type PushProgressListener = (p: PushProgress) => void;

export class PushTracker {
  readonly progress: PushProgress;
  private readonly byDigest = new Map<string, PushBlobProgress>();
  private lastEmit = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(reference: string, private readonly listener: PushProgressListener | undefined, private readonly throttleMs = 100) {
    this.progress = { reference, phase: 'preparing', blobs: [], totalBytes: 0, doneBytes: 0, uploadedBytes: 0, manifests: 0, manifestsDone: 0 };
  }

  phase(phase: PushPhase): void {
    if (this.progress.phase === phase) return;
    this.progress.phase = phase;
    this.emit(true);
  }

  add(desc: { digest: string; mediaType: string; size: number }): PushBlobProgress {
    let b = this.byDigest.get(desc.digest);
    if (!b) {
      b = { digest: desc.digest, mediaType: desc.mediaType, size: Math.max(0, desc.size), offset: 0, state: 'waiting' };
      this.byDigest.set(desc.digest, b);
      this.progress.blobs.push(b);
      this.progress.totalBytes += b.size;
      this.emit(true);
    }
    return b;
  }

  has(digest: string): boolean {
    return this.byDigest.has(digest);
  }

  setManifests(n: number): void {
    this.progress.manifests = n;
  }

  manifestDone(): void {
    this.progress.manifestsDone++;
    this.emit(true);
  }

  state(digest: string, state: PushBlobState): void {
    const b = this.byDigest.get(digest);
    if (!b || b.state === state) return;
    if (state === 'exists' || state === 'mounted' || state === 'uploaded') this.offset(digest, b.size, state === 'uploaded');
    b.state = state;
    this.emit(true);
  }

  /** The registry acknowledged `offset` bytes; `sent` counts them as this push's upload. */
  offset(digest: string, offset: number, sent = true): void {
    const b = this.byDigest.get(digest);
    if (!b) return;
    const clamped = Math.max(b.offset, Math.min(b.size, offset));
    this.progress.doneBytes += clamped - b.offset;
    if (sent) this.progress.uploadedBytes += clamped - b.offset;
    b.offset = clamped;
    this.emit(false);
  }

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

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private call(): void {
    try {
      this.listener?.(this.progress);
    } catch {
      // A failing progress renderer must not fail the push.
    }
  }
}
