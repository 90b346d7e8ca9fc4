// Turns the daemon's transfer Progress messages into the same PullProgress snapshots the client-side pull
// emits. containerd reports per-blob states and byte counts (polled every ~300 ms), but nothing about
// unpacking: layers count as unpacked when the Transfer call returns, which is when the unpack is done.
import { isLayerMediaType } from '../oci/media-types';
import { ProgressTracker, type ProgressListener, type PullProgress } from '../pull/progress';

interface RawProgressDesc { media_type?: string; digest?: string; size?: number | string }

/** containerd.types.transfer.Progress as decoded (snake_case, longs as numbers). */
export interface RawTransferProgress {
  event?: string;
  name?: string;
  parents?: string[];
  progress?: number | string;
  total?: number | string;
  desc?: RawProgressDesc | null;
}

export class TransferProgressMapper {
  private readonly tracker: ProgressTracker;
  /** Bytes per blob reported so far, to count what this pull received. */
  private readonly seen = new Map<string, number>();

  constructor(reference: string, listener: ProgressListener | undefined, throttleMs: number | undefined, private readonly unpack: boolean) {
    this.tracker = new ProgressTracker(reference, listener, throttleMs);
  }

  get progress(): PullProgress { return this.tracker.progress; }

  start(): void { this.tracker.emit(true); }

  handle(p: RawTransferProgress): void {
    const event = p.event ?? '';
    const d = p.desc;
    const layer = d && d.digest && d.media_type && isLayerMediaType(d.media_type)
      ? { digest: d.digest, mediaType: d.media_type, size: Number(d.size ?? 0) } : undefined;
    if (/^(Pulling from|fetching image content)/.test(event)) { this.tracker.phase('fetching'); return; }
    if (!layer) return;
    switch (event) {
      case 'waiting':
        this.tracker.phase('fetching');
        this.tracker.add(layer);
        if (this.unpack) {
          const b = this.tracker.get(layer.digest);
          if (b && b.unpack === undefined) { b.unpack = 'pending'; this.tracker.setLayersToUnpack(1); }
        }
        return;
      case 'already exists':
        this.tracker.add(layer);
        this.tracker.state(layer.digest, 'exists');
        this.maybeUnpacking();
        return;
      case 'complete':
        this.tracker.add(layer);
        this.received(layer.digest, layer.size);
        this.tracker.state(layer.digest, 'downloaded');
        this.maybeUnpacking();
        return;
      default: {
        // "downloading" (the daemon's transfer state): a byte count from the ingest's status.
        if (p.progress === undefined) return;
        this.tracker.add(layer);
        const offset = Number(p.progress);
        this.tracker.state(layer.digest, 'downloading');
        this.received(layer.digest, offset);
        this.tracker.offset(layer.digest, offset);
      }
    }
  }

  /** The Transfer call returned: the image is stored and unpacked. */
  done(): void {
    for (const b of this.tracker.progress.blobs) {
      if (b.state === 'waiting' || b.state === 'downloading') this.tracker.state(b.digest, 'downloaded');
      if (b.unpack !== undefined && b.unpack !== 'done') { b.unpack = 'done'; this.tracker.layerUnpacked(); }
    }
    this.tracker.phase('done');
  }

  dispose(): void { this.tracker.dispose(); }

  private received(digest: string, upTo: number): void {
    const before = this.seen.get(digest) ?? 0;
    if (upTo > before) { this.tracker.downloaded(upTo - before); this.seen.set(digest, upTo); }
  }

  /** Every layer is in: what remains is the daemon's unpack. */
  private maybeUnpacking(): void {
    const blobs = this.tracker.progress.blobs;
    if (this.unpack && blobs.length && blobs.every((b) => b.state === 'downloaded' || b.state === 'exists')) this.tracker.phase('unpacking');
  }
}
