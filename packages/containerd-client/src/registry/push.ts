// RegistryPusher: the registry half of a push (OCI distribution API): does the registry have a blob (HEAD),
// cross-repository mounts, blob uploads (POST, then one PUT, or PATCH chunks and a closing PUT) and manifest
// PUTs, all with the `pull,push` token scope. Never talks to containerd; the caller supplies the bytes.
import type { Descriptor } from '../oci/image-types';
import { Authorizer } from './auth';
import type { RegistryClientOptions } from './client';
import { RegistryAbortError, RegistryConfigError, RegistryHttpError } from './errors';
import { type RegistryHost, resolveHosts } from './hosts';
import type { ParsedReference } from './reference';
import { Requester, statusError } from './requester';
import { type HttpResponse, Transport, discard, headerValue, sameOrigin } from './transport';

export interface UploadOptions {
  signal?: AbortSignal;
  /** Blobs up to this size go in one PUT; larger ones in PATCH chunks of this size (default 8 MiB). */
  chunkSize?: number;
  /** Bytes the registry has acknowledged so far. */
  onProgress?: (offset: number) => void;
}

/** The blob's bytes from the start, in any chunk sizes. */
export type BlobBytes = () => AsyncIterable<Buffer>;

export const DEFAULT_PUSH_CHUNK = 8 * 1024 * 1024;
const PUSH = 'pull,push';
/** Repository names as the distribution spec allows them (a hostile label must not steer a mount elsewhere). */
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function isRepositoryName(name: string): boolean {
  return name.length <= 255 && REPOSITORY_NAME.test(name);
}

export class RegistryPusher {
  private readonly transport: Transport;
  private readonly requester: Requester;
  private hostsPromise: Promise<RegistryHost> | undefined;

  constructor(private readonly ref: ParsedReference, private readonly options: RegistryClientOptions = {}) {
    this.transport = new Transport(options.idleTimeoutMs);
    const userAgent = options.userAgent ?? 'containerd-explorer/0.1';
    const authorizer = new Authorizer(this.transport, options.credentials, options.logger, userAgent, options.insecureRegistries);
    this.requester = new Requester(this.transport, authorizer, {
      userAgent, retries: options.retries ?? 3, retryDelayMs: options.retryDelayMs ?? 250, logger: options.logger,
    });
  }

  /** The endpoint pushes go to: the first host that may push (mirrors normally may not). */
  host(): Promise<RegistryHost> {
    this.hostsPromise ??= resolveHosts(this.ref.domain, this.options).then((all) => {
      const host = all.find((h) => h.capabilities.includes('push'));
      if (!host) throw new RegistryConfigError(`no host configured for ${this.ref.domain} can push (check hosts.toml)`);
      return host;
    });
    return this.hostsPromise;
  }

  /** Whether the registry already holds the blob in this repository. */
  async hasBlob(desc: Descriptor, signal?: AbortSignal): Promise<boolean> {
    const host = await this.host();
    const res = await this.requester.send(host, this.ref, { method: 'HEAD', suffix: `blobs/${desc.digest}`, actions: PUSH, signal });
    discard(res);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await statusError(res, host.host);
  }

  /**
   * Asks the registry to mount the blob from another of its repositories (no bytes sent). Returns false when it
   * would not (it then opened an ordinary upload, which is cancelled here).
   */
  async mountBlob(desc: Descriptor, from: string, signal?: AbortSignal): Promise<boolean> {
    if (!isRepositoryName(from) || from === this.ref.path) return false;
    const host = await this.host();
    const query = new URLSearchParams({ mount: desc.digest, from });
    const res = await this.requester.send(host, this.ref, {
      method: 'POST', suffix: `blobs/uploads/?${query}`, actions: PUSH, scopes: [`repository:${from}:pull`], idempotent: true, signal,
    });
    discard(res);
    if (res.status === 201) return true;
    if (res.status === 202) {
      const location = this.location(host, res);
      await this.cancelUpload(host, location);
      return false;
    }
    throw await statusError(res, host.host);
  }

  /** Uploads a blob: one PUT when small, else PATCH chunks. An unfinished upload is cancelled (DELETE). */
  async uploadBlob(desc: Descriptor, bytes: BlobBytes, opts: UploadOptions = {}): Promise<void> {
    const host = await this.host();
    const chunkSize = Math.max(1, opts.chunkSize ?? DEFAULT_PUSH_CHUNK);
    const started = await this.requester.send(host, this.ref, { method: 'POST', suffix: 'blobs/uploads/', actions: PUSH, idempotent: true, signal: opts.signal });
    discard(started);
    if (started.status !== 202) throw await statusError(started, host.host);
    let location = this.location(host, started);
    let finished = false;
    try {
      if (desc.size <= chunkSize) {
        const body = await collect(bytes(), desc.size, opts.signal);
        await this.finish(host, location, desc, body, opts.signal);
      } else {
        let offset = 0;
        for await (const chunk of chunks(bytes(), chunkSize, opts.signal)) {
          const res = await this.requester.send(host, this.ref, {
            method: 'PATCH', suffix: '', url: location, body: chunk, actions: PUSH, signal: opts.signal,
            headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${offset + chunk.length - 1}` },
          });
          discard(res);
          if (res.status !== 202) throw await statusError(res, host.host);
          location = this.location(host, res);
          offset += chunk.length;
          opts.onProgress?.(offset);
        }
        await this.finish(host, location, desc, Buffer.alloc(0), opts.signal);
      }
      finished = true;
      opts.onProgress?.(desc.size);
    } finally {
      if (!finished) await this.cancelUpload(host, location);
    }
  }

  /** PUTs a manifest or index under a tag or its digest. */
  async putManifest(object: string, desc: Descriptor, bytes: Buffer, signal?: AbortSignal): Promise<void> {
    const host = await this.host();
    const res = await this.requester.send(host, this.ref, {
      method: 'PUT', suffix: `manifests/${object}`, body: bytes, actions: PUSH, headers: { 'content-type': desc.mediaType }, signal,
    });
    discard(res);
    if (res.status !== 201 && res.status !== 200) throw await statusError(res, host.host);
    const digest = headerValue(res.headers, 'docker-content-digest');
    if (digest && digest !== desc.digest) {
      throw new RegistryHttpError(host.host, res.status, undefined, `stored manifest ${object} as ${digest}, expected ${desc.digest}`);
    }
  }

  close(): void {
    this.transport.close();
  }

  private async finish(host: RegistryHost, location: URL, desc: Descriptor, body: Buffer, signal?: AbortSignal): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', desc.digest);
    const res = await this.requester.send(host, this.ref, {
      method: 'PUT', suffix: '', url, body, actions: PUSH, idempotent: false, signal,
      headers: { 'content-type': 'application/octet-stream' },
    });
    discard(res);
    if (res.status !== 201 && res.status !== 204) throw await statusError(res, host.host);
  }

  /** The upload session's URL from Location; only on the registry's own origin (it gets our credentials). */
  private location(host: RegistryHost, res: HttpResponse): URL {
    const raw = headerValue(res.headers, 'location');
    if (!raw) throw new RegistryHttpError(host.host, res.status, undefined, 'upload answer has no Location');
    const url = new URL(raw, res.url);
    if (!sameOrigin(url, new URL(`${host.scheme}://${host.host}/`))) {
      throw new RegistryHttpError(host.host, res.status, undefined, `upload location is on another origin (${url.protocol}//${url.host}); refusing to send credentials there`);
    }
    return url;
  }

  /** Best effort, after a failure or cancel: the registry drops the partial upload. */
  private async cancelUpload(host: RegistryHost, location: URL): Promise<void> {
    const res = await this.requester.send(host, this.ref, { method: 'DELETE', suffix: '', url: location, actions: PUSH, idempotent: false })
      .catch(() => undefined);
    if (res) discard(res);
  }
}

async function collect(src: AsyncIterable<Buffer>, size: number, signal?: AbortSignal): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const b of src) {
    if (signal?.aborted) throw new RegistryAbortError({ cause: signal.reason });
    parts.push(b);
    total += b.length;
  }
  if (total !== size) throw new RangeError(`blob source gave ${total} bytes, the descriptor says ${size}`);
  return Buffer.concat(parts, total);
}

/** Regroups a byte stream into chunks of exactly `size` bytes (the last may be shorter). */
async function* chunks(src: AsyncIterable<Buffer>, size: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (let b of src) {
    if (signal?.aborted) throw new RegistryAbortError({ cause: signal.reason });
    while (held + b.length >= size) {
      const take = size - held;
      parts.push(b.subarray(0, take));
      yield Buffer.concat(parts, size);
      b = b.subarray(take);
      parts = [];
      held = 0;
    }
    if (b.length) { parts.push(b); held += b.length; }
  }
  if (held) yield Buffer.concat(parts, held);
}
