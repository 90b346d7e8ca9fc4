// Streaming.Stream side channels for the Transfer service: each stream is opened by the client, named by a
// StreamInit, and acknowledged by the daemon (an Any of google.protobuf.Empty) before the daemon uses it.
// Every message either way is an Any whose type URL is the bare full name (no type.googleapis.com/ prefix).
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { ContainerdClient, Connection } from '../client';
import { CancelledError, DeadlineExceededError, UnavailableError, fromGrpcError } from '../errors';
import { type RawAny, decodeAny, encodeAny } from '../grpc/convert';
import { serviceCtor } from '../grpc/loader';
import { Rpc } from '../grpc/rpc';

export const STREAMING_SERVICE = 'containerd.services.streaming.v1.Streaming';
export const TRANSFER_SERVICE = 'containerd.services.transfer.v1.Transfer';
const STREAM_INIT = 'containerd.services.streaming.v1.StreamInit';
const EMPTY = 'google.protobuf.Empty';

/** A decoded message from the daemon: its bare type name and fields (snake_case, as in our protos). */
export interface StreamMessage { type: string; value: Record<string, unknown> }

// One grpc-js client per service and connection, on the connection's channel. Never closed on their own:
// Client.close() would close the shared channel; Connection.close() ends them with it.
const clients = new WeakMap<Connection, Map<string, grpc.Client>>();

/** @internal An Rpc for Transfer or Streaming bound to the client's namespace (these services are not in Connection's set). */
export function serviceRpc(client: ContainerdClient, service: typeof STREAMING_SERVICE | typeof TRANSFER_SERVICE): Rpc {
  const conn = client.connection;
  let byName = clients.get(conn);
  if (!byName) { byName = new Map(); clients.set(conn, byName); }
  let c = byName.get(service);
  if (!c) {
    const Ctor = serviceCtor(service);
    c = new Ctor('unix:///unused', grpc.credentials.createInsecure(), { channelOverride: conn.channel });
    byName.set(service, c);
  }
  return new Rpc(c, service.slice(service.lastIndexOf('.') + 1).toLowerCase(), client.namespace, conn.unaryTimeoutMs, client.lease);
}

export function bareTypeName(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/** A stream id like containerd's Go client makes them: purpose, time and randomness. */
export function newStreamId(purpose: string): string {
  return `${purpose}-${Date.now()}-${randomBytes(6).toString('hex')}`;
}

/** One open, acknowledged stream. Messages are queued until read; `close()` ends it from our side. */
export class TransferStream {
  private readonly queue: StreamMessage[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;
  private failure: Error | undefined;
  private closedByUs = false;

  private constructor(readonly id: string, private readonly call: grpc.ClientDuplexStream<RawAny, RawAny>) {
    call.on('data', (msg: RawAny) => {
      const decoded = decodeAny(msg);
      this.queue.push(decoded ? { type: bareTypeName(decoded.typeUrl), value: decoded.value } : { type: bareTypeName(msg.type_url ?? ''), value: {} });
      this.wake();
    });
    call.on('end', () => { this.ended = true; this.wake(); });
    call.on('error', (e: Error) => {
      // Our own cancel after the transfer ended is no failure.
      if (!this.closedByUs) this.failure = fromGrpcError(e, `streaming ${id}`);
      this.ended = true;
      this.wake();
    });
  }

  /** Opens stream `id` and waits for the daemon's acknowledgement (at most `ackTimeoutMs`). */
  static async open(client: ContainerdClient, id: string, signal: AbortSignal | undefined, ackTimeoutMs: number): Promise<TransferStream> {
    if (signal?.aborted) throw new CancelledError(`streaming ${id}: cancelled`);
    const call = serviceRpc(client, STREAMING_SERVICE).duplex<RawAny, RawAny>('Stream', { signal, timeoutMs: 0 });
    const stream = new TransferStream(id, call);
    call.write(encodeAny(STREAM_INIT, { id }));
    const timer = setTimeout(() => stream.fail(new DeadlineExceededError(`streaming ${id}: containerd did not acknowledge the stream within ${ackTimeoutMs} ms`)), ackTimeoutMs);
    try {
      const ack = await stream.next();
      if (signal?.aborted) throw new CancelledError(`streaming ${id}: cancelled`);
      if (!ack) throw stream.failure ?? new UnavailableError(`streaming ${id}: containerd closed the stream before acknowledging it`);
      if (ack.type !== EMPTY) throw new UnavailableError(`streaming ${id}: expected an acknowledgement, got ${ack.type || 'an untyped message'}`);
      return stream;
    } catch (e) {
      stream.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next message, or undefined once the stream has ended (throws if it failed). */
  async next(): Promise<StreamMessage | undefined> {
    for (;;) {
      const m = this.queue.shift();
      if (m) return m;
      if (this.failure) throw this.failure;
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
  }

  send(typeName: string, value: Record<string, unknown>): void {
    if (!this.ended) this.call.write(encodeAny(typeName, value));
  }

  /** Ends our side and drops the call; pending reads end. Idempotent. */
  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    this.ended = true;
    this.call.end();
    this.call.cancel();
    this.wake();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
