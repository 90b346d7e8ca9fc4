// The one place that performs gRPC calls: namespace metadata, deadlines, AbortSignal and error mapping.
import * as grpc from '@grpc/grpc-js';
import { CancelledError, DeadlineExceededError, fromGrpcError, UnavailableError, type ContainerdError } from '../errors';
import { H2DuplexCall, type EncodedMessage } from './h2-duplex';

import type { CallOptions } from '../call-options';
export type { CallOptions } from '../call-options';

type UnaryFn = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => grpc.ClientUnaryCall;
type ServerStreamFn = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions) => grpc.ClientReadableStream<unknown>;
type DuplexFn = (md: grpc.Metadata, opts: grpc.CallOptions) => grpc.ClientDuplexStream<unknown, unknown>;

/** What framedDuplex's callers use of a duplex call (grpc-js's ClientDuplexStream and H2DuplexCall both have it). */
export interface DuplexCall<Res> {
  write(msg: unknown, cb: (err?: Error | null) => void): boolean;
  end(): void;
  cancel(): void;
  on(event: 'data', listener: (msg: Res) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'end', listener: () => void): this;
}

/**
 * containerd passes our deadline on to the shim and may answer first with UNKNOWN "context deadline exceeded"
 * (1.6, e.g. Tasks.Wait); containerd 2.x's gRPC server resets the stream when the deadline it was sent passes, which
 * grpc-js reports as CANCELLED "Call cancelled". Past the deadline, and unless our caller aborted, both are the deadline.
 */
function deadlineOrMapped(err: grpc.ServiceError, op: string, deadline: grpc.Deadline | undefined, aborted = false): ContainerdError {
  const deadlineLike = err.code === grpc.status.UNKNOWN || (err.code === grpc.status.CANCELLED && !aborted);
  if (deadlineLike && typeof deadline === 'number' && Date.now() >= deadline) {
    return new DeadlineExceededError(`${op}: ${err.details || err.message}`, { cause: err, grpcCode: grpc.status.DEADLINE_EXCEEDED });
  }
  return fromGrpcError(err, op);
}

function closedError(op: string, e: unknown): UnavailableError {
  return new UnavailableError(`${op}: ${e instanceof Error ? e.message : String(e)} (the client was closed)`, { cause: e });
}

/** A service client bound to a namespace. Each wrapper in services/ owns one. */
export class Rpc {
  constructor(
    private readonly client: grpc.Client,
    private readonly service: string,
    readonly namespace: string,
    private readonly defaultTimeoutMs: number,
    /** Lease id sent as `containerd-lease`, so what the call creates is held by that lease. */
    readonly lease?: string,
    /** containerd's socket, for calls that bypass grpc-js (framedDuplex); undefined: grpc-js for everything. */
    private readonly socketPath?: () => string | undefined,
  ) {}

  /** The client's default deadline for unary calls, for stream calls that should behave like one. */
  get unaryTimeoutMs(): number { return this.defaultTimeoutMs; }

  private metadata(): grpc.Metadata {
    const md = new grpc.Metadata();
    if (this.namespace) md.set('containerd-namespace', this.namespace);
    if (this.lease) md.set('containerd-lease', this.lease);
    return md;
  }

  private callOptions(timeoutMs: number | undefined, fallback: number): grpc.CallOptions {
    const t = timeoutMs ?? fallback;
    return t > 0 ? { deadline: Date.now() + t } : {};
  }

  private method<T>(name: string): T {
    const fn = (this.client as unknown as Record<string, unknown>)[name];
    if (typeof fn !== 'function') throw new Error(`${this.service}.${name} is not in the compiled protos`);
    return (fn as (...a: unknown[]) => unknown).bind(this.client) as T;
  }

  /**
   * `decode`: reads the answer from its bytes instead of protobufjs's decoding and conversion of the whole message
   * (large listings whose caller keeps a few fields: services/container-records.ts).
   */
  unary<Res>(name: string, req: object, opts: CallOptions = {}, operation?: string, decode?: (bytes: Buffer) => Res): Promise<Res> {
    const op = operation ?? `${this.service}.${name}`;
    if (opts.signal?.aborted) return Promise.reject(new CancelledError(`${op}: cancelled`));
    return new Promise<Res>((resolve, reject) => {
      let call: grpc.ClientUnaryCall;
      const callOpts = this.callOptions(opts.timeoutMs, this.defaultTimeoutMs);
      const done = (err: grpc.ServiceError | null, res: unknown): void => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(deadlineOrMapped(err, op, callOpts.deadline, opts.signal?.aborted));
        else resolve(res as Res);
      };
      try {
        if (decode) {
          const def = this.definition(name);
          call = this.client.makeUnaryRequest(def.path, def.requestSerialize, decode, req, this.metadata(), callOpts, done);
        } else {
          call = this.method<UnaryFn>(name)(req, this.metadata(), callOpts, done);
        }
      } catch (e) {
        // grpc-js throws synchronously on a closed channel ("Channel has been shut down").
        reject(closedError(op, e));
        return;
      }
      const onAbort = (): void => call.cancel();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * A server stream as an AsyncIterable. Breaking out of the loop or aborting the signal cancels the call;
   * with `endOnAbort` an abort ends the iteration quietly (subscriptions), otherwise it throws CancelledError.
   * `decode` as for unary.
   */
  async *serverStream<Res>(name: string, req: object, opts: CallOptions & { endOnAbort?: boolean } = {}, operation?: string, decode?: (bytes: Buffer) => Res): AsyncGenerator<Res> {
    const op = operation ?? `${this.service}.${name}`;
    if (opts.signal?.aborted) {
      if (opts.endOnAbort) return;
      throw new CancelledError(`${op}: cancelled`);
    }
    let call: grpc.ClientReadableStream<unknown>;
    try {
      const callOpts = this.callOptions(opts.timeoutMs, 0);
      if (decode) {
        const def = this.definition(name);
        call = this.client.makeServerStreamRequest(def.path, def.requestSerialize, decode, req, this.metadata(), callOpts);
      } else {
        call = this.method<ServerStreamFn>(name)(req, this.metadata(), callOpts);
      }
    } catch (e) {
      throw closedError(op, e);
    }
    const onAbort = (): void => call.cancel();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const msg of call) yield msg as Res;
    } catch (e) {
      if (opts.signal?.aborted) {
        if (opts.endOnAbort) return;
        throw new CancelledError(`${op}: cancelled`, { cause: e });
      }
      throw fromGrpcError(e, op);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      call.cancel();
    }
  }

  /** A bidirectional stream (Content.Write); the caller drives it. */
  duplex<Req, Res>(name: string, opts: CallOptions = {}, encode?: (msg: Req) => Buffer | undefined): grpc.ClientDuplexStream<Req, Res> {
    const call = encode ? this.encodedDuplex(name, opts, encode) : this.method<DuplexFn>(name)(this.metadata(), this.callOptions(opts.timeoutMs, 0));
    if (opts.signal) {
      const onAbort = (): void => call.cancel();
      opts.signal.addEventListener('abort', onAbort, { once: true });
      call.on('close', () => opts.signal?.removeEventListener('abort', onAbort));
    }
    return call as grpc.ClientDuplexStream<Req, Res>;
  }

  /**
   * A bidirectional stream for bulk data (Content.Write): `encode` returns the requests it recognises as a head
   * and data parts, which go out over an HTTP/2 stream of our own without being copied (grpc/h2-duplex.ts); other
   * requests go through protobuf. Without a socket path, the same through grpc-js (the parts joined, one copy).
   */
  framedDuplex<Res>(name: string, opts: CallOptions, encode: (msg: unknown) => EncodedMessage | undefined): DuplexCall<Res> {
    const socketPath = this.socketPath?.();
    const join = (msg: unknown): Buffer | undefined => {
      const e = encode(msg);
      return e && Buffer.concat([e.head, ...e.parts]);
    };
    if (!socketPath) return this.duplex<unknown, Res>(name, opts, join) as unknown as DuplexCall<Res>;
    const def = this.definition(name);
    const metadata: Record<string, string> = {};
    if (this.namespace) metadata['containerd-namespace'] = this.namespace;
    if (this.lease) metadata['containerd-lease'] = this.lease;
    const call = new H2DuplexCall({
      socketPath, path: def.path, metadata, timeoutMs: opts.timeoutMs,
      encode: (msg) => encode(msg) ?? { head: def.requestSerialize(msg), parts: [] },
      decode: (bytes) => def.responseDeserialize(bytes),
    });
    if (opts.signal) {
      const signal = opts.signal;
      const onAbort = (): void => call.cancel();
      if (signal.aborted) process.nextTick(onAbort);
      else signal.addEventListener('abort', onAbort, { once: true });
      const off = (): void => signal.removeEventListener('abort', onAbort);
      call.once('end', off).once('error', off);
    }
    return call as DuplexCall<Res>;
  }

  private definition(name: string): grpc.MethodDefinition<unknown, unknown> {
    const def = (this.client.constructor as grpc.ServiceClientConstructor).service[name];
    if (!def) throw new Error(`${this.service}.${name} is not in the compiled protos`);
    return def;
  }

  /**
   * The same stream, but `encode` serializes the requests it recognises itself (undefined: protobuf as usual).
   * Content.Write uses it to put data chunks into the message without protobufjs's extra copy of every byte.
   */
  private encodedDuplex<Req>(name: string, opts: CallOptions, encode: (msg: Req) => Buffer | undefined): grpc.ClientDuplexStream<unknown, unknown> {
    const def = this.definition(name);
    const serialize = (msg: Req): Buffer => encode(msg) ?? def.requestSerialize(msg);
    return this.client.makeBidiStreamRequest(def.path, serialize, def.responseDeserialize, this.metadata(), this.callOptions(opts.timeoutMs, 0)) as grpc.ClientDuplexStream<unknown, unknown>;
  }
}
