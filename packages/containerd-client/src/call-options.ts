// Options every call takes. Its own file so the public declarations never reach grpc-js's types (grpc/rpc.ts).
export interface CallOptions {
  /** Cancels the call; the promise rejects with CancelledError (streams end, see `serverStream`). */
  signal?: AbortSignal;
  /** Per-call deadline in ms; 0 means none. Defaults to the client's unary timeout. */
  timeoutMs?: number;
}
