// The bookkeeping the pull and push progress trackers share: one snapshot object updated in place, each blob
// registered once by digest, byte counts kept in step with blob offsets, and a throttled emit (state changes
// at once, byte counts at most every `throttleMs`), so a UI can render the snapshot without diffing.

export interface TrackedBlob {
  digest: string;
  mediaType: string;
  size: number;
  offset: number;
  state: string;
}

export interface TrackedProgress<B extends TrackedBlob> {
  /** The image reference, normalised. */
  reference: string;
  phase: string;
  /** The same objects across events, in the order they were registered. */
  blobs: B[];
  /** Sum of blob sizes, and of the bytes that are where they go so far. */
  totalBytes: number;
  doneBytes: number;
}

export abstract class BlobProgressTracker<B extends TrackedBlob, P extends TrackedProgress<B>> {
  private readonly byDigest = new Map<string, B>();
  private lastEmit = 0;
  private timer: NodeJS.Timeout | undefined;

  protected constructor(readonly progress: P, private readonly listener: ((p: P) => void) | undefined, private readonly throttleMs = 100) {}

  phase(phase: P['phase']): void {
    if (this.progress.phase === phase) return;
    this.progress.phase = phase;
    this.emit(true);
  }

  get(digest: string): B | undefined {
    return this.byDigest.get(digest);
  }

  has(digest: string): boolean {
    return this.byDigest.has(digest);
  }

  state(digest: string, state: B['state']): void {
    const b = this.byDigest.get(digest);
    if (!b || b.state === state) return;
    this.entering(b, state);
    b.state = state;
    this.emit(true);
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

  /** Stops a pending throttled emit (the transfer is over). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** What a blob's move to `state` does to the byte counts, before the state is set and emitted. */
  protected abstract entering(b: B, state: B['state']): void;

  /** Registers the blob `make()` builds unless `digest` is known already (a layer shared across platforms counts once). */
  protected register(digest: string, make: () => B): B {
    let b = this.byDigest.get(digest);
    if (!b) {
      b = make();
      this.byDigest.set(digest, b);
      this.progress.blobs.push(b);
      this.progress.totalBytes += b.size;
      this.emit(true);
    }
    return b;
  }

  /** Sets a blob's offset, clamped to [floor, size], and doneBytes with it; returns by how much it moved. */
  protected moveOffset(b: B, offset: number, floor: number): number {
    const clamped = Math.max(floor, Math.min(b.size, offset));
    const moved = clamped - b.offset;
    this.progress.doneBytes += moved;
    b.offset = clamped;
    return moved;
  }

  private call(): void {
    try {
      this.listener?.(this.progress);
    } catch {
      // A failing progress renderer must not fail the transfer.
    }
  }
}
