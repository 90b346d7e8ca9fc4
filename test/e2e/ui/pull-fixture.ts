// Fixture of the pull UI script: a private containerd, a private registry with two images, and in front of the
// registry a proxy on 127.0.0.1 that slows blob downloads down, so the pull's progress can be seen (and cancelled).
import * as http from 'http';
import type { AddressInfo } from 'net';
import { Transform, type TransformCallback } from 'stream';
import { buildImage, pushImage, startContainerd, startRegistry, type Daemon, type Registry } from '../../harness';
import type { SuiteFixture } from '../runner/discover';

/** Per blob download; a few layers download at once. */
const BYTES_PER_SECOND = 1_500_000;
const PIECE = 16 * 1024;

/** Passes bytes on at a steady rate. */
class Throttle extends Transform {
  private due = Date.now();
  constructor(private readonly rate: number) { super(); }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const pieces: Buffer[] = [];
    for (let i = 0; i < chunk.length; i += PIECE) pieces.push(chunk.subarray(i, i + PIECE));
    const next = (i: number): void => {
      if (i >= pieces.length) { done(); return; }
      setTimeout(() => {
        this.push(pieces[i]);
        this.due = Math.max(this.due, Date.now()) + (pieces[i].length / this.rate) * 1000;
        next(i + 1);
      }, Math.max(0, this.due - Date.now()));
    };
    next(0);
  }
}

export interface PullFixture { daemon: Daemon; registry: Registry; proxyHost: string; stop(): Promise<void> }

async function startSlowProxy(upstream: string): Promise<{ host: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    const target = new URL(req.url ?? '/', upstream);
    const up = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (ures) => {
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      if (/\/blobs\/sha256:/.test(target.pathname) && req.method === 'GET') ures.pipe(new Throttle(BYTES_PER_SECOND)).pipe(res);
      else ures.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export async function startPullFixture(): Promise<PullFixture> {
  const daemon = await startContainerd({ name: 'e2e-pull' });
  let registry: Registry | undefined;
  try {
    registry = await startRegistry();
    // ~7 MB in 4 layers: a few seconds through the proxy.
    await pushImage(registry.host, 'e2e/app', 'latest', buildImage({ env: ['APP=e2e'], incompressibleLayers: { count: 3, bytesEach: 2_000_000 } }));
    // ~24 MB: long enough to cancel in the middle.
    await pushImage(registry.host, 'e2e/big', 'v1', buildImage({ incompressibleLayers: { count: 3, bytesEach: 8_000_000 } }));
    const proxy = await startSlowProxy(registry.url);
    const reg = registry;
    return {
      daemon, registry, proxyHost: proxy.host,
      stop: async () => {
        proxy.server.closeAllConnections();
        await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
        await reg.stop();
        await daemon.stop();
      },
    };
  } catch (e) {
    await registry?.stop();
    await daemon.stop();
    throw e;
  }
}

export function fixtureOf(f: PullFixture): SuiteFixture {
  return { env: { CONTAINERD_ADDRESS: f.daemon.address, CONTAINERD_NAMESPACE: 'default' }, teardown: () => f.stop() };
}
