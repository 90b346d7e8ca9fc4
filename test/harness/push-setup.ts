// Shared pieces of the push tests: a counting front for the test registry on 127.0.0.1 (what the registry was
// asked, seen from its side) that can also go away mid-push, and direct reads of what the registry holds.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MANIFEST_ACCEPT } from '../../packages/containerd-client/src/registry';
import { proxyRequest } from './token-server';

export interface SeenRequest { method: string; path: string }

export interface CountingProxy {
  readonly host: string;
  readonly requests: SeenRequest[];
  /** Once a request matches, the front drops every connection and stops listening: the registry is gone. */
  dieOn(match: (r: SeenRequest) => boolean): void;
  /** Called with every request as it arrives (before it is forwarded). */
  watch(fn: ((r: SeenRequest) => void) | undefined): void;
  /** Blob bytes sent: upload PATCHes, and PUTs that close an upload (query `digest=`). */
  uploads(): SeenRequest[];
  stop(): Promise<void>;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const requests: SeenRequest[] = [];
  let dieMatch: ((r: SeenRequest) => boolean) | undefined;
  let dead = false;
  let watcher: ((r: SeenRequest) => void) | undefined;
  const server = http.createServer((req, res) => {
    const seen = { method: req.method ?? '', path: req.url ?? '/' };
    requests.push(seen);
    watcher?.(seen);
    if (dead || dieMatch?.(seen)) {
      dead = true;
      req.socket.destroy();
      server.close();
      server.closeAllConnections();
      return;
    }
    proxyRequest(upstream, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    requests,
    dieOn: (m) => { dieMatch = m; },
    watch: (fn) => { watcher = fn; },
    uploads: () => requests.filter((r) => /\/blobs\/uploads\//.test(r.path) && (r.method === 'PATCH' || (r.method === 'PUT' && /[?&]digest=/.test(r.path)))),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
      if (dead) resolve();
    }),
  };
}

/** The registry's answer for a manifest (status, digest), asked directly (no auth: the plain test registry). */
export async function registryManifest(registryUrl: string, repo: string, object: string): Promise<{ status: number; digest?: string; body?: string }> {
  const res = await fetch(`${registryUrl}/v2/${repo}/manifests/${object}`, { headers: { accept: MANIFEST_ACCEPT } });
  const body = await res.text();
  return { status: res.status, digest: res.headers.get('docker-content-digest') ?? undefined, body: res.status === 200 ? body : undefined };
}

export async function registryHasBlob(registryUrl: string, repo: string, digest: string): Promise<boolean> {
  const res = await fetch(`${registryUrl}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
  return res.status === 200;
}
