// What the session layer uses of a connected client, and how it gets one: narrow on purpose, so the connection
// manager and the event hub run in plain unit tests over an in-memory client, while the extension passes the real
// one (containerd-connect.ts). Free of `vscode`.
import type { ContainerdEvent, DaemonCapabilities, DaemonVersion, SweptLease } from '@containerd-explorer/client';

/** A connected client as the session sees it: something to close and an event stream. */
export interface SessionClient {
  close(): void;
  readonly events: { subscribe(options: { signal?: AbortSignal }): AsyncIterable<ContainerdEvent> };
}

/** A verified connection and what the daemon said about itself. */
export interface OpenedClient<C> {
  client: C;
  version: DaemonVersion;
  capabilities: DaemonCapabilities;
}

/**
 * Opens and verifies a connection to the socket at `address`. Fails with a typed ContainerdError: ConnectionError or
 * SocketPermissionError carry the problem (not running, permission, not containerd, ...) the manager acts on.
 */
export type ConnectFn<C> = (address: string, timeoutMs: number) => Promise<OpenedClient<C>>;

/** Removes leases of pulls a restart interrupted (run at every (re)connect); what it removed, for the log. */
export type SweepLeasesFn<C> = (client: C) => Promise<SweptLease[]>;

/** The timers the manager's backoff and grace period use; tests pass a manual clock. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
