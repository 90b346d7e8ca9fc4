// A misbehaving front for a test registry, on 127.0.0.1: serves wrong bytes for chosen content, drops or stalls
// the connection mid-blob, answers chosen paths with an error status, ignores Range, or redirects blobs to a
// "storage" server on another port (as registries redirect to S3). Everything else is proxied unchanged.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyRequest, sendError } from './token-server';

export interface RecordedRequest {
  method: string;
  path: string;
  range?: string;
  authorization: boolean;
  /** 'registry' or 'storage' (the redirect target). */
  server: string;
}

export interface FaultyRegistry {
  readonly host: string;
  readonly url: string;
  /** host:port of the storage server blobs are redirected to. */
  readonly storageHost: string;
  readonly requests: RecordedRequest[];
  /** Serve same-length garbage for this digest (blob or manifest): a digest mismatch. */
  corrupt(digest: string): void;
  /** Send `afterBytes` bytes of this blob, then cut the connection; `times` times, then behave. */
  dropBlob(digest: string, afterBytes: number, times: number): void;
  /** Send `afterBytes` bytes of this blob, then go silent (never end) until stop(). */
  stallBlob(digest: string, afterBytes: number): void;
  /** Answer requests whose path matches with `status`, `times` times (default: always). */
  fail(match: RegExp, status: number, times?: number): void;
  /** Answer every blob GET with a full 200, whatever its Range. */
  ignoreRange(on: boolean): void;
  /** Redirect blob GETs (307) to the storage server. */
  redirectBlobs(on: boolean): void;
  reset(): void;
  stop(): Promise<void>;
}

interface Faults {
  corrupt: Set<string>;
  drops: Map<string, { afterBytes: number; left: number }>;
  stalls: Map<string, number>;
  failures: Array<{ match: RegExp; status: number; left: number }>;
  ignoreRange: boolean;
  redirect: boolean;
}

const BLOB_PATH = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/;
const MANIFEST_DIGEST_PATH = /^\/v2\/(.+)\/manifests\/(sha256:[a-f0-9]{64})$/;

function fetchUpstream(upstream: string, path: string, headers: http.IncomingHttpHeaders): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const h = { ...headers, host: new URL(upstream).host };
    delete h.range;
    delete h.authorization;
    http.get(new URL(path, upstream), { headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

export async function startFaultyRegistry(upstream: string): Promise<FaultyRegistry> {
  const faults: Faults = { corrupt: new Set(), drops: new Map(), stalls: new Map(), failures: [], ignoreRange: false, redirect: false };
  const requests: RecordedRequest[] = [];
  const stalled = new Set<http.ServerResponse>();
  let storageHost = '';

  /** Serves bytes of a blob fetched whole from upstream, applying the faults set for its digest. */
  const serveBytes = async (req: http.IncomingMessage, res: http.ServerResponse, upstreamPath: string, digest: string): Promise<void> => {
    const up = await fetchUpstream(upstream, upstreamPath, req.headers);
    if (up.status !== 200) {
      res.writeHead(up.status, up.headers).end(up.body);
      return;
    }
    let body = up.body;
    if (faults.corrupt.has(digest)) body = Buffer.from(body.map((b) => b ^ 0xff));
    const type = up.headers['content-type'] ?? 'application/octet-stream';
    const common = { 'content-type': type, 'docker-content-digest': digest };
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let status = 200;
    let start = 0;
    const headers: http.OutgoingHttpHeaders = { ...common, 'accept-ranges': 'bytes' };
    if (range && !faults.ignoreRange) {
      start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    }
    const part = body.subarray(start);
    headers['content-length'] = part.length;
    if (req.method === 'HEAD') {
      res.writeHead(status, headers).end();
      return;
    }
    const drop = faults.drops.get(digest);
    const stall = faults.stalls.get(digest);
    if (drop && drop.left > 0) {
      drop.left--;
      res.writeHead(status, headers);
      res.write(part.subarray(0, drop.afterBytes), () => res.socket?.destroy());
      return;
    }
    if (stall !== undefined) {
      stalled.add(res);
      res.writeHead(status, headers);
      res.write(part.subarray(0, stall));
      return;
    }
    res.writeHead(status, headers).end(part);
  };

  const record = (req: http.IncomingMessage, server: string): void => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', range: req.headers.range, authorization: !!req.headers.authorization, server });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    record(req, 'registry');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const failure = faults.failures.find((f) => f.left > 0 && f.match.test(path));
    if (failure) {
      failure.left--;
      const code = failure.status === 404 ? 'MANIFEST_UNKNOWN' : failure.status === 403 ? 'DENIED' : 'UNKNOWN';
      sendError(res, failure.status, code, `injected ${failure.status}`);
      return;
    }
    const blob = BLOB_PATH.exec(path);
    const manifest = MANIFEST_DIGEST_PATH.exec(path);
    if (blob && faults.redirect && req.method === 'GET') {
      res.writeHead(307, { location: `http://${storageHost}/storage/${blob[1]}/${blob[2]}?X-Amz-Signature=secret` }).end();
      return;
    }
    const digest = blob?.[2] ?? manifest?.[2];
    const faulted = digest !== undefined && (faults.corrupt.has(digest) || faults.drops.has(digest) || faults.stalls.has(digest) || (blob && faults.ignoreRange));
    if (digest && faulted && (req.method === 'GET' || req.method === 'HEAD')) return serveBytes(req, res, path, digest);
    proxyRequest(upstream, req, res);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const storage = http.createServer((req, res) => {
    record(req, 'storage');
    const m = /^\/storage\/(.+)\/(sha256:[a-f0-9]{64})$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!m) return sendError(res, 404, 'NOT_FOUND', 'no such object');
    serveBytes(req, res, `/v2/${m[1]}/blobs/${m[2]}`, m[2]).catch(() => res.destroy());
  });
  await Promise.all([server, storage].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  storageHost = `127.0.0.1:${(storage.address() as AddressInfo).port}`;

  const reset = (): void => {
    faults.corrupt.clear();
    faults.drops.clear();
    faults.stalls.clear();
    faults.failures = [];
    faults.ignoreRange = false;
    faults.redirect = false;
    requests.length = 0;
    for (const r of stalled) r.destroy();
    stalled.clear();
  };
  return {
    host,
    url: `http://${host}`,
    storageHost,
    requests,
    corrupt: (digest) => { faults.corrupt.add(digest); },
    dropBlob: (digest, afterBytes, times) => { faults.drops.set(digest, { afterBytes, left: times }); },
    stallBlob: (digest, afterBytes) => { faults.stalls.set(digest, afterBytes); },
    fail: (match, status, times = Number.POSITIVE_INFINITY) => { faults.failures.push({ match, status, left: times }); },
    ignoreRange: (on) => { faults.ignoreRange = on; },
    redirectBlobs: (on) => { faults.redirect = on; },
    reset,
    stop: async () => {
      reset();
      await Promise.all([server, storage].map((s) => new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      })));
    },
  };
}
