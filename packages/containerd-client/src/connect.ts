// connect(): opens the channel, checks that containerd answers, and explains precisely when it does not.
import { defaultAddress, defaultNamespace, socketPathOf } from './address';
import { ContainerdClient, Connection } from './client';
import { diagnoseSocket, notContainerdError } from './diagnose';
import { UnavailableError, DeadlineExceededError, UnknownError, UnimplementedError, ContainerdError } from './errors';
import type { DaemonVersion } from './services/version';

export interface ConnectOptions {
  /** Socket path or `unix://` address. Default: $CONTAINERD_ADDRESS, else /run/containerd/containerd.sock. */
  address?: string;
  /** Default: $CONTAINERD_NAMESPACE, else `default`. */
  namespace?: string;
  /** Deadline for unary calls, ms (default 30 s). Waits, streams and long unpacks have none. */
  timeoutMs?: number;
  /** Ask containerd's version before returning (default true), so a bad socket fails here with a clear error. */
  verify?: boolean;
  /** Snapshotter for snapshot calls (default overlayfs; daemonCapabilities() says which one the daemon can use). */
  snapshotter?: string;
}

export interface ConnectedClient extends ContainerdClient { readonly daemonVersion?: DaemonVersion }

/**
 * Connects to containerd. With `verify` (default) it calls Version and, on failure, probes the socket to say
 * whether containerd is not running, permission is denied, or the socket is not containerd.
 */
export async function connect(options: ConnectOptions = {}): Promise<ContainerdClient & { daemonVersion?: DaemonVersion }> {
  const address = options.address ?? defaultAddress();
  const namespace = options.namespace ?? defaultNamespace();
  const connection = new Connection(address, options.timeoutMs ?? 30_000);
  const client = new ContainerdClient(connection, namespace, undefined, options.snapshotter);
  if (options.verify === false) return client;
  try {
    const daemonVersion = await client.version.version({ timeoutMs: Math.min(options.timeoutMs ?? 10_000, 10_000) });
    return Object.assign(client, { daemonVersion });
  } catch (e) {
    connection.close();
    throw await explainConnectFailure(socketPathOf(address), e);
  }
}

/** Turns a failed first call into the error a user can act on. */
export async function explainConnectFailure(socketPath: string, e: unknown): Promise<ContainerdError> {
  const diagnosis = await diagnoseSocket(socketPath);
  if (diagnosis) return diagnosis;
  // The socket accepts connections: then a protocol-level failure means it is not containerd's gRPC API.
  if (e instanceof UnavailableError || e instanceof DeadlineExceededError || e instanceof UnknownError || e instanceof UnimplementedError) {
    return notContainerdError(socketPath, e);
  }
  return e instanceof ContainerdError ? e : new UnknownError(String(e), { cause: e });
}
