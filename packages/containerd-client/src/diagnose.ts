// Explains why a socket can't be used. grpc-js reports "missing", "permission denied" and "refused" all as
// UNAVAILABLE (and later calls only say "Last error: null"), so a plain connect() tells them apart.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { ConnectionError, SocketPermissionError, type ContainerdError } from './errors';

export const PERMISSION_FIX =
  'Add your user to the group that owns the socket and set that gid in containerd\'s config ' +
  '([grpc] gid = <gid> in /etc/containerd/config.toml, then restart containerd), or run VS Code\'s server as root.';

export function describeSocketUser(socketPath: string): string {
  try {
    const st = fs.statSync(socketPath);
    const uid = process.getuid?.();
    const mode = (st.mode & 0o777).toString(8);
    return ` (socket owner uid ${st.uid}, gid ${st.gid}, mode 0${mode}; you are uid ${uid ?? '?'})`;
  } catch {
    return '';
  }
}

/** Tries a raw connection and returns the typed error that explains the failure, or undefined if it connects. */
export async function diagnoseSocket(socketPath: string, timeoutMs = 2000): Promise<ContainerdError | undefined> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(socketPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') return permissionError(socketPath, e);
    return new ConnectionError(`containerd is not running at ${socketPath}: the socket does not exist. Start containerd (sudo systemctl start containerd) or set containerd.address to the right socket.`, 'missing', socketPath, { cause: e });
  }
  if (!st.isSocket()) {
    return new ConnectionError(`${socketPath} is not a unix socket, so it cannot be containerd. Set containerd.address to containerd's socket.`, 'not-a-socket', socketPath);
  }
  return new Promise((resolve) => {
    const sock = net.connect({ path: socketPath });
    const timer = setTimeout(() => { sock.destroy(); resolve(undefined); }, timeoutMs);
    sock.once('connect', () => { clearTimeout(timer); sock.destroy(); resolve(undefined); });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'EACCES' || e.code === 'EPERM') resolve(permissionError(socketPath, e));
      else if (e.code === 'ECONNREFUSED') resolve(new ConnectionError(`containerd is not running at ${socketPath}: the socket exists but nothing accepts connections (stale socket). Start or restart containerd.`, 'refused', socketPath, { cause: e }));
      else if (e.code === 'ENOENT') resolve(new ConnectionError(`containerd is not running at ${socketPath}: the socket does not exist.`, 'missing', socketPath, { cause: e }));
      else resolve(new ConnectionError(`cannot connect to ${socketPath}: ${e.message}`, 'refused', socketPath, { cause: e }));
    });
  });
}

function permissionError(socketPath: string, cause: unknown): SocketPermissionError {
  return new SocketPermissionError(`permission denied on containerd's socket ${socketPath}${describeSocketUser(socketPath)}. ${PERMISSION_FIX}`, socketPath, { cause });
}

export function notContainerdError(socketPath: string, cause: unknown): ConnectionError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new ConnectionError(`${socketPath} accepts connections but does not answer containerd's gRPC API (${why}). Is this really containerd's socket? Check containerd.address.`, 'not-containerd', socketPath, { cause });
}
