// containerd.services.content.v1: the content store (blobs by digest), with resumable, verified writes.
import type { CallOptions } from '../call-options';
import type { DuplexCall, Rpc } from '../grpc/rpc';
import { labels, toDate, type RawTimestamp } from '../grpc/convert';
import { fromGrpcError, UnavailableError } from '../errors';
import type { ContentInfo, IngestStatus } from '../types';
import { encodeWriteHead, messages, type WriteChunk } from './content-write-encoder';

interface RawInfo { digest: string; size: number; created_at?: RawTimestamp; updated_at?: RawTimestamp; labels: Record<string, string> }
interface RawStatus { started_at?: RawTimestamp; updated_at?: RawTimestamp; ref: string; offset: number; total: number; expected: string }
interface RawWriteResponse { action: string; started_at?: RawTimestamp; updated_at?: RawTimestamp; offset: number; total: number; digest: string }

const toInfo = (i: RawInfo): ContentInfo => ({ digest: i.digest, size: Number(i.size), createdAt: toDate(i.created_at), updatedAt: toDate(i.updated_at), labels: labels(i.labels) });
const toStatus = (s: RawStatus): IngestStatus => ({ ref: s.ref, offset: Number(s.offset), total: Number(s.total), expected: s.expected, startedAt: toDate(s.started_at), updatedAt: toDate(s.updated_at) });

/** Chunk size for Content.Write: well under gRPC's 4 MiB default message limit. */
export const WRITE_CHUNK = 1 << 20;
const WRITE_WINDOW = 8;
/** How long a write waits for another writer of the same ingest ref to let go (containerd's Go client waits too). */
const REF_LOCK_WAIT_MS = 60_000;

/** What a write's source yields: bytes, or several buffers sent together as one message (no copy to join them). */
export type WriteSourceItem = Buffer | Uint8Array | readonly Uint8Array[];

export interface WriteOptions extends CallOptions {
  /** Ingest ref; the same ref resumes a partial write left by an earlier attempt. */
  ref: string;
  expected: { digest: string; size: number };
  labels?: Record<string, string>;
  /** Called with the committed byte offset as data is acknowledged. */
  onProgress?: (offset: number) => void;
}

export class ContentService {
  /** @internal */
  constructor(private readonly rpc: Rpc) {}

  async info(digest: string, opts?: CallOptions): Promise<ContentInfo> {
    const res = await this.rpc.unary<{ info: RawInfo }>('Info', { digest }, opts, `content.info ${digest}`);
    return toInfo(res.info);
  }

  async *list(filters: string[] = [], opts?: CallOptions): AsyncGenerator<ContentInfo> {
    for await (const page of this.rpc.serverStream<{ info: RawInfo[] }>('List', { filters }, opts, 'content.list')) {
      for (const i of page.info) yield toInfo(i);
    }
  }

  async updateLabels(digest: string, l: Record<string, string>, opts?: CallOptions): Promise<ContentInfo> {
    const paths = Object.keys(l).map((k) => `labels.${k}`);
    const res = await this.rpc.unary<{ info: RawInfo }>('Update', { info: { digest, labels: Object.fromEntries(Object.entries(l).filter(([, v]) => v !== '')) }, update_mask: { paths } }, opts, `content.update ${digest}`);
    return toInfo(res.info);
  }

  async delete(digest: string, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('Delete', { digest }, opts, `content.delete ${digest}`);
  }

  /** Streams a blob's bytes, from `offset` for `size` bytes (0 = to the end). */
  async *read(digest: string, options: { offset?: number; size?: number } & CallOptions = {}): AsyncGenerator<Buffer> {
    const req = { digest, offset: options.offset ?? 0, size: options.size ?? 0 };
    for await (const msg of this.rpc.serverStream<{ offset: number; data: Buffer }>('Read', req, options, `content.read ${digest}`)) {
      yield msg.data;
    }
  }

  /** Reads a whole (small) blob: manifests, configs, indexes. */
  async readAll(digest: string, opts?: CallOptions): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of this.read(digest, opts)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  async status(ref: string, opts?: CallOptions): Promise<IngestStatus> {
    const res = await this.rpc.unary<{ status: RawStatus }>('Status', { ref }, opts, `content.status ${ref}`);
    return toStatus(res.status);
  }

  async listStatuses(filters: string[] = [], opts?: CallOptions): Promise<IngestStatus[]> {
    const res = await this.rpc.unary<{ statuses: RawStatus[] }>('ListStatuses', { filters }, opts, 'content.listStatuses');
    return res.statuses.map(toStatus);
  }

  async abort(ref: string, opts?: CallOptions): Promise<void> {
    await this.rpc.unary('Abort', { ref }, opts, `content.abort ${ref}`);
  }

  /**
   * Writes a blob through the bidirectional Write stream. Starts with a STAT to learn how much of this ingest
   * containerd already has, asks `source(offset)` for the remaining bytes, and commits with the expected
   * digest and size: containerd verifies both, so a corrupt blob fails here with InvalidArgument/FailedPrecondition.
   * Returns the committed digest. An already-present blob is AlreadyExists, mapped to success by `writeBlob`.
   */
  async write(source: (offset: number) => AsyncIterable<WriteSourceItem>, options: WriteOptions): Promise<string> {
    // A ref is locked while any Write stream holds it, and containerd releases it only once it has seen that
    // stream end: 2.x answers a resume right after an interrupted write with "ref ... locked for 30ms". Like the Go
    // client's content.OpenWriter, wait with backoff (nothing was read from the source yet when this happens).
    const deadline = Date.now() + REF_LOCK_WAIT_MS;
    for (let delayMs = 16; ; delayMs = Math.min(delayMs * 2, 1000)) {
      const result = await this.writeOnce(source, options);
      if (!(result instanceof RefLocked)) return result;
      if (Date.now() + delayMs > deadline || options.signal?.aborted) throw result.error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  private async writeOnce(source: (offset: number) => AsyncIterable<WriteSourceItem>, options: WriteOptions): Promise<string | RefLocked> {
    const op = `content.write ${options.expected.digest}`;
    let opened = false;
    // Our own HTTP/2 stream: the data goes out as the registry delivered it, without grpc-js's copies.
    const call = this.rpc.framedDuplex<RawWriteResponse>('Write', options, encodeWriteHead);
    // Acks are read as they arrive (not only when the window is full), so progress moves on a slow source too.
    const replies = new WriteReplies(call, options.onProgress);
    // grpc-js never calls a pending write's callback once the call is cancelled: race it with the call's end.
    const send = (msg: Record<string, unknown> | WriteChunk): Promise<void> => Promise.race([new Promise<void>((resolve, reject) => {
      call.write(msg, (err?: Error | null) => (err ? reject(err) : resolve()));
    }), replies.failed]);
    try {
      const { ref, expected } = options;
      await send({ action: 'STAT', ref, total: expected.size, expected: expected.digest });
      const stat = await replies.next();
      opened = true;
      let offset = Number(stat.offset);
      if (offset > expected.size) offset = 0;
      // One acknowledgement comes back per WRITE; keep a few in flight so disk and socket overlap.
      let sent = 0;
      for await (const item of source(offset)) {
        for (const { parts, length } of messages(item, WRITE_CHUNK)) {
          const chunk: WriteChunk = { action: 'WRITE', ref, offset, parts, length };
          await send(chunk);
          offset += length;
          await replies.acked(++sent - WRITE_WINDOW);
        }
      }
      await replies.acked(sent);
      await send({ action: 'COMMIT', ref, total: expected.size, expected: expected.digest, offset, labels: options.labels ?? {} });
      const done = await replies.next();
      call.end();
      return done.digest || expected.digest;
    } catch (e) {
      call.cancel();
      const err = fromGrpcError(e, op);
      if (!opened && err instanceof UnavailableError && / locked\b/.test(err.message)) return new RefLocked(err);
      throw err;
    }
  }
}

/** The ingest ref is held by another Write stream (containerd's `ref ... locked: unavailable`). */
class RefLocked {
  constructor(readonly error: UnavailableError) {}
}

/** The Write stream's answers: WRITE acks are counted (and reported) as they come; STAT and COMMIT are queued. */
class WriteReplies {
  private readonly queue: RawWriteResponse[] = [];
  private count = 0;
  private failure: unknown;
  private wake: (() => void) | undefined;
  /** Rejects when the call fails or ends. */
  readonly failed: Promise<never>;

  constructor(call: DuplexCall<RawWriteResponse>, private readonly onProgress?: (offset: number) => void) {
    let fail: (e: unknown) => void = () => undefined;
    this.failed = new Promise<never>((_, reject) => { fail = reject; });
    this.failed.catch(() => undefined);
    call.on('data', (r: RawWriteResponse) => {
      if (r.action === 'WRITE') {
        this.count++;
        this.onProgress?.(Number(r.offset));
      } else {
        this.queue.push(r);
      }
      this.notify();
    });
    call.on('error', (e: unknown) => { this.failure ??= e; fail(this.failure); this.notify(); });
    call.on('end', () => { this.failure ??= new Error('content write stream ended early'); fail(this.failure); this.notify(); });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.failure !== undefined) throw this.failure;
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
  }

  /** Waits until at least `n` WRITEs are acknowledged. */
  async acked(n: number): Promise<void> {
    await this.until(() => this.count >= n);
  }

  async next(): Promise<RawWriteResponse> {
    await this.until(() => this.queue.length > 0);
    return this.queue.shift() as RawWriteResponse;
  }
}
