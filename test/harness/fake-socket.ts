// A unix socket that is not containerd, for "wrong socket" diagnostics tests.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type FakeSocketKind =
  /** A plain HTTP/1.1 server answering 404 to everything (what a gRPC client sees from, e.g., a Docker API socket). */
  | 'http'
  /** Accepts connections and closes them at once. */
  | 'close'
  /** Accepts connections, sends a line of text and keeps them open. */
  | 'garbage';

export interface FakeSocket {
  /** Socket path. */
  readonly address: string;
  readonly dir: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Idempotent. */
  stop(): Promise<void>;
}

export async function startFakeSocket(opts: { kind?: FakeSocketKind } = {}): Promise<FakeSocket> {
  const kind = opts.kind ?? 'http';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-sock-'));
  const address = path.join(dir, 'fake.sock');
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server: net.Server = kind === 'http'
    ? http.createServer((_req, res) => { res.writeHead(404, { 'Content-Type': 'text/plain' }); res.end('not containerd\n'); })
    : net.createServer((socket) => {
      if (kind === 'close') socket.destroy();
      else socket.write('hello, I am not containerd\n');
    });
  server.on('connection', (socket: net.Socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => resolve());
  });
  let stopping: Promise<void> | undefined;
  return {
    address,
    dir,
    connections: () => count,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }).then(() => fs.rmSync(dir, { recursive: true, force: true }));
      return stopping;
    },
  };
}
