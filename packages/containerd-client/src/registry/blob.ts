// Blob download as a byte stream: Range requests to start at an offset, transparent resume after a dropped
// connection (up to the retry budget), and verification of size, and digest when the stream starts at 0.
import { Readable } from 'node:stream';
import type { Descriptor } from '../oci/image-types';
import type { RegistryHost } from './hosts';
import type { ParsedReference } from './reference';
import { ContentVerifier } from './digest';
import { RegistryAbortError, RegistryError, RegistryHttpError, RegistryNotFoundError } from './errors';
import { type Requester, isRetryableNetworkError, statusError } from './requester';
import { type HttpResponse, discard, headerValue, mapNetworkError } from './transport';

export interface BlobOpenResult {
  res: HttpResponse;
  host: RegistryHost;
  /** Bytes of the body to drop before the wanted offset (a server that ignored Range). */
  skip: number;
}

/** Opens `blobs/<digest>` at `offset` on the first host that has it. */
export async function openBlob(
  requester: Requester,
  hosts: RegistryHost[],
  ref: ParsedReference,
  desc: Descriptor,
  offset: number,
  signal?: AbortSignal,
): Promise<BlobOpenResult> {
  let notFound = false;
  let firstErr: unknown;
  for (const host of hosts) {
    try {
      return await openOn(requester, host, ref, desc, offset, signal);
    } catch (err) {
      if (err instanceof RegistryAbortError) throw err;
      if (err instanceof RegistryNotFoundError) notFound = true;
      else firstErr ??= err;
    }
  }
  if (firstErr !== undefined) throw firstErr;
  throw new RegistryNotFoundError(`${ref.name}@${desc.digest}`, 'blob', notFound ? hosts[hosts.length - 1]?.host : undefined);
}

async function openOn(
  requester: Requester,
  host: RegistryHost,
  ref: ParsedReference,
  desc: Descriptor,
  offset: number,
  signal?: AbortSignal,
): Promise<BlobOpenResult> {
  const headers: Record<string, string> = { accept: '*/*' };
  if (offset > 0) headers['range'] = `bytes=${offset}-`;
  const res = await requester.send(host, ref, { method: 'GET', suffix: `blobs/${desc.digest}`, headers, signal });
  if (res.status === 404) {
    discard(res);
    throw new RegistryNotFoundError(`${ref.name}@${desc.digest}`, 'blob', host.host);
  }
  if (res.status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(headerValue(res.headers, 'content-range') ?? '');
    if (!range || Number(range[1]) !== offset) {
      discard(res);
      throw new RegistryHttpError(host.host, 206, undefined, `unexpected Content-Range ${JSON.stringify(headerValue(res.headers, 'content-range'))} for offset ${offset}`);
    }
    return { res, host, skip: 0 };
  }
  if (res.status === 200) {
    const len = headerValue(res.headers, 'content-length');
    if (len !== undefined && desc.size >= 0 && Number(len) !== desc.size) {
      discard(res);
      throw new RegistryHttpError(host.host, 200, undefined, `blob ${desc.digest} is ${len} bytes, descriptor says ${desc.size}`);
    }
    return { res, host, skip: offset };
  }
  if (res.status === 416 && offset >= desc.size) {
    discard(res);
    return { res: emptyResponse(res), host, skip: 0 };
  }
  throw await statusError(res, host.host);
}

function emptyResponse(res: HttpResponse): HttpResponse {
  return { ...res, status: 206, body: Readable.from([]) };
}

export interface BlobStreamOptions {
  requester: Requester;
  ref: ParsedReference;
  desc: Descriptor;
  offset: number;
  /** Resumes allowed after the connection drops mid-body. */
  resumes: number;
  /** Hash the bytes and check the digest (default true; the size is always checked). */
  verifyDigest?: boolean;
  signal?: AbortSignal;
}

/** The blob's bytes from `offset` as a Readable; errors are RegistryErrors (DigestMismatchError at the end). */
export function blobStream(first: BlobOpenResult, o: BlobStreamOptions): Readable {
  const verifier = new ContentVerifier(`blob ${o.ref.name}@${o.desc.digest}`, { digest: o.desc.digest, size: o.desc.size }, o.offset, o.verifyDigest !== false);
  async function* generate(): AsyncGenerator<Buffer> {
    let current = first;
    let resumesLeft = o.resumes;
    try {
      for (;;) {
        let skip = current.skip;
        try {
          for await (const raw of current.res.body) {
            let chunk = raw as Buffer;
            if (skip > 0) {
              const drop = Math.min(skip, chunk.length);
              skip -= drop;
              chunk = chunk.subarray(drop);
              if (chunk.length === 0) continue;
            }
            verifier.update(chunk);
            yield chunk;
          }
          if (verifier.received < o.desc.size && resumesLeft > 0 && !o.signal?.aborted) {
            // A body that ended early without an error (server closed cleanly): same treatment as a reset.
            throw mapNetworkError(Object.assign(new Error('premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }), current.host.host);
          }
          verifier.finish();
          return;
        } catch (err) {
          const mapped = err instanceof RegistryError ? err : mapNetworkError(err, current.host.host, o.signal);
          if (resumesLeft <= 0 || !isRetryableNetworkError(mapped) || o.signal?.aborted) throw mapped;
          resumesLeft--;
          current.res.body.destroy();
          const why = `blob ${o.desc.digest} dropped at byte ${verifier.received} (${mapped.message})`;
          await o.requester.backoff(o.resumes - resumesLeft - 1, o.signal, why);
          current = await openOn(o.requester, current.host, o.ref, o.desc, verifier.received, o.signal);
        }
      }
    } finally {
      // Consumer stopped early, or an error: release the connection.
      if (!current.res.body.readableEnded) current.res.body.destroy();
    }
  }
  const stream = Readable.from(generate(), { objectMode: false });
  if (o.signal) {
    const signal = o.signal;
    // A paused consumer would otherwise only see the abort on its next read.
    const onAbort = (): void => {
      stream.destroy(new RegistryAbortError({ cause: signal.reason }));
    };
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener('abort', onAbort, { once: true });
      stream.once('close', () => signal.removeEventListener('abort', onAbort));
    }
  }
  return stream;
}
