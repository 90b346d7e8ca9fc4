// A bidirectional gRPC call over an HTTP/2 stream of our own (node:http2 on containerd's unix socket), for the one
// call that carries bulk data: Content.Write. grpc-js copies every message into a freshly allocated framed buffer
// (and we had to join the data into one message buffer first): two copies and two allocations of every pulled byte,
// whose garbage-collection cost was most of the pull's CPU. Here a message goes out as a 5-byte frame prefix, the
// protobuf fields before the data, and the data buffers as they came from the registry (one writev, no copy).
// It speaks only what Content.Write needs: our metadata headers, a deadline, length-prefixed messages, grpc-status.
import { EventEmitter } from 'node:events';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { status as GrpcStatus } from '@grpc/grpc-js';

/** A request as encoded: `head` then `parts` are the message's bytes, in order (parts are not copied). */
export interface EncodedMessage { head: Buffer; parts: readonly Uint8Array[] }

export interface H2DuplexOptions {
  socketPath: string;
  /** `/package.Service/Method`. */
  path: string;
  /** gRPC metadata (containerd-namespace, containerd-lease) as HTTP/2 headers. */
  metadata: Record<string, string>;
  /** Deadline in ms (0 or undefined: none). */
  timeoutMs?: number;
  encode: (msg: unknown) => EncodedMessage;
  decode: (bytes: Buffer) => unknown;
}

/** The error shape fromGrpcError maps by `code` (as grpc-js's ServiceError). */
export class H2CallError extends Error {
  constructor(readonly code: number, readonly details: string) {
    super(`${code} ${GrpcStatus[code] ?? ''}: ${details}`);
    this.name = 'H2CallError';
  }
}

const PREFIX = 5;
/** containerd's own limit for messages it sends; a larger length prefix means a broken stream. */
const MAX_RESPONSE = 16 << 20;

/**
 * The subset of grpc-js's ClientDuplexStream that Content.Write uses: write(msg, cb), end(), cancel(), and the
 * 'data' / 'error' / 'end' events (exactly one of 'error' or 'end', after the last 'data').
 */
export class H2DuplexCall extends EventEmitter {
  private readonly session: http2.ClientHttp2Session;
  private readonly stream: http2.ClientHttp2Stream;
  private received: Buffer = Buffer.alloc(0);
  private status: { code: number; details: string } | undefined;
  private failure: H2CallError | undefined;
  private finished = false;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: H2DuplexOptions) {
    super();
    this.session = http2.connect('http://localhost', { createConnection: () => net.connect(o.socketPath) });
    this.session.on('error', (e: Error) => this.fail(GrpcStatus.UNAVAILABLE, `connection to containerd failed: ${e.message}`));
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST', ':path': o.path, 'content-type': 'application/grpc', te: 'trailers', ...o.metadata,
    };
    if (o.timeoutMs && o.timeoutMs > 0) {
      headers['grpc-timeout'] = `${Math.ceil(o.timeoutMs)}m`;
      this.timer = setTimeout(() => this.abort(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'), o.timeoutMs);
    }
    this.stream = this.session.request(headers);
    this.stream.on('response', (h) => {
      const http = Number(h[':status']);
      if (h['grpc-status'] !== undefined) this.setStatus(h); // trailers-only answer (an error before any message)
      else if (http !== 200) this.fail(GrpcStatus.UNKNOWN, `containerd answered HTTP ${http}`);
    });
    this.stream.on('trailers', (h) => this.setStatus(h));
    this.stream.on('data', (chunk: Buffer) => this.receive(chunk));
    this.stream.on('end', () => this.finish());
    this.stream.on('error', (e: Error) => this.fail(GrpcStatus.UNAVAILABLE, `stream to containerd failed: ${e.message}`));
    this.stream.on('close', () => {
      if (!this.status && !this.failure) this.fail(GrpcStatus.UNAVAILABLE, `stream closed by containerd without a status (HTTP/2 code ${this.stream.rstCode})`);
      this.finish();
      this.session.close();
    });
  }

  /** Sends one request; `cb` runs once its bytes are handed to the socket (containerd's flow control paces it). */
  write(msg: unknown, cb: (err?: Error | null) => void): boolean {
    if (this.finished || this.stream.destroyed) {
      process.nextTick(cb, this.failure ?? new H2CallError(GrpcStatus.UNAVAILABLE, 'write after the call ended'));
      return false;
    }
    const { head, parts } = this.o.encode(msg);
    let length = head.length;
    for (const p of parts) length += p.length;
    const prefix = Buffer.allocUnsafe(PREFIX);
    prefix[0] = 0; // not compressed
    prefix.writeUInt32BE(length, 1);
    this.stream.cork();
    this.stream.write(prefix);
    let ok = parts.length === 0 ? this.stream.write(head, cb) : this.stream.write(head);
    parts.forEach((p, i) => { ok = i === parts.length - 1 ? this.stream.write(p, cb) : this.stream.write(p); });
    this.stream.uncork();
    return ok;
  }

  /** Half-closes: no more requests. */
  end(): void {
    if (!this.stream.destroyed) this.stream.end();
  }

  cancel(): void {
    this.abort(GrpcStatus.CANCELLED, 'Cancelled on client');
  }

  private abort(code: number, details: string): void {
    if (this.finished) return;
    this.fail(code, details);
    if (!this.stream.destroyed) this.stream.close(http2.constants.NGHTTP2_CANCEL);
    this.finish();
    this.session.close();
  }

  private setStatus(h: http2.IncomingHttpHeaders): void {
    const code = Number(h['grpc-status']);
    let details = String(h['grpc-message'] ?? '');
    try { details = decodeURIComponent(details); } catch { /* not percent-encoded: keep it as it is */ }
    this.status ??= { code: Number.isInteger(code) ? code : GrpcStatus.UNKNOWN, details };
  }

  private fail(code: number, details: string): void {
    this.failure ??= new H2CallError(code, details);
  }

  /** Splits the body into length-prefixed messages; each one decoded becomes a 'data' event. */
  private receive(chunk: Buffer): void {
    if (this.finished) return;
    let buf = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
    while (buf.length >= PREFIX) {
      const len = buf.readUInt32BE(1);
      if (buf[0] !== 0 || len > MAX_RESPONSE) {
        this.abort(GrpcStatus.INTERNAL, buf[0] !== 0 ? 'compressed message from containerd (none was offered)' : `message of ${len} bytes from containerd`);
        return;
      }
      if (buf.length < PREFIX + len) break;
      const msg = buf.subarray(PREFIX, PREFIX + len);
      buf = buf.subarray(PREFIX + len);
      try {
        this.emit('data', this.o.decode(msg));
      } catch (e) {
        this.abort(GrpcStatus.INTERNAL, `undecodable message from containerd: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
    }
    this.received = buf;
  }

  /** Ends the call once: 'end' for status OK (and no local failure), else 'error'. */
  private finish(): void {
    if (this.finished || (!this.status && !this.failure)) return;
    this.finished = true;
    clearTimeout(this.timer);
    // containerd's status, unless it is OK and we failed locally (cancel, deadline) before the call completed.
    const status = this.status;
    const err = status && status.code !== GrpcStatus.OK ? new H2CallError(status.code, status.details) : status && !this.failure ? undefined : this.failure;
    if (err) this.emit('error', err);
    else this.emit('end');
  }
}
