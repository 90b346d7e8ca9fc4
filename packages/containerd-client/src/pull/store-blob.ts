// Moving one blob from the registry into containerd's content store, resumably: a stable ingest ref per digest
// (containerd's own naming, so ctr and we resume each other's ingests), STAT to learn the ingest's offset,
// a Range request from there, and containerd verifying digest and size at commit.
import type { ContainerdClient } from '../client';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError, UnavailableError } from '../errors';
import type { Descriptor } from '../oci/image-types';
import { isConfigMediaType, isIndexMediaType, isLayerMediaType, isManifestMediaType } from '../oci/media-types';
import { DigestMismatchError } from '../registry/errors';
import type { RegistryClient } from '../registry/client';
import type { ParsedReference } from '../registry/reference';
import { sleep } from '../registry/requester';
import type { ProgressTracker } from './progress';

/** Bytes per Content.Write message: registry chunks (16-64 KiB) are gathered to this size first. */
export const PULL_WRITE_CHUNK = 1 << 20;
/** A partly gathered message is sent anyway after this long without data: a slow download still shows (and keeps). */
const GATHER_IDLE_MS = 200;
/** How long to wait for another writer (another pull of the same layer) to release an ingest. */
const LOCKED_WAIT_MS = 10 * 60_000;

/** containerd's remotes.MakeRefKey: `layer-sha256:…`, `manifest-…`, `index-…`, `config-…`. */
export function ingestRef(desc: Pick<Descriptor, 'mediaType' | 'digest'>): string {
  const mt = desc.mediaType;
  const kind = isManifestMediaType(mt) ? 'manifest' : isIndexMediaType(mt) ? 'index' : isLayerMediaType(mt) ? 'layer' : isConfigMediaType(mt) ? 'config' : 'unknown';
  return `${kind}-${desc.digest}`;
}

export interface StoreContext {
  /** Client whose calls carry the pull's lease. */
  leased: ContainerdClient;
  /** Same namespace without the lease: ingests written through it outlive the lease (resumable after a failure). */
  unleased: ContainerdClient;
  registry: RegistryClient;
  ref: ParsedReference;
  /** `containerd.io/distribution.source.<host>=<repo>`, put on every blob. */
  sourceLabels: Record<string, string>;
  tracker: ProgressTracker;
  signal: AbortSignal;
}

async function exists(client: ContainerdClient, digest: string, signal: AbortSignal): Promise<boolean> {
  try {
    await client.content.info(digest, { signal });
    return true;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
}

const IDLE = Symbol('idle');

/**
 * Resolves with IDLE once `lastData()` is GATHER_IDLE_MS in the past. One timer per group of chunks, re-armed
 * only when it fires early: a timer set and cleared for every 16-64 KiB chunk cost measurable CPU on a fast pull.
 */
function idleAfter(lastData: () => number): { idle: Promise<typeof IDLE>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<typeof IDLE>((resolve) => {
    const check = (): void => {
      const quiet = performance.now() - lastData();
      if (quiet >= GATHER_IDLE_MS) resolve(IDLE);
      else timer = setTimeout(check, GATHER_IDLE_MS - quiet);
    };
    timer = setTimeout(check, GATHER_IDLE_MS);
  });
  return { idle, cancel: () => clearTimeout(timer) };
}

/**
 * Gathers a stream's chunks into groups of ~`size` bytes, each sent as one Content.Write message (the chunks
 * themselves, not copied), counting what arrives; a partial group is sent early when the source goes quiet
 * for GATHER_IDLE_MS. The next chunk is read while the previous group is being written.
 */
async function* gather(source: AsyncIterable<Buffer>, size: number, count: (n: number) => void): AsyncGenerator<Buffer[]> {
  const it = source[Symbol.asyncIterator]();
  let parts: Buffer[] = [];
  let held = 0;
  let lastAt = 0;
  let idle: ReturnType<typeof idleAfter> | undefined;
  const flush = (): Buffer[] => {
    const out = parts;
    parts = [];
    held = 0;
    idle?.cancel();
    idle = undefined;
    return out;
  };
  let pending = it.next();
  try {
    for (;;) {
      let r: IteratorResult<Buffer> | typeof IDLE;
      if (held > 0) {
        idle ??= idleAfter(() => lastAt);
        r = await Promise.race([pending, idle.idle]);
        if (r === IDLE) { yield flush(); continue; }
      } else {
        r = await pending;
      }
      if (r.done) break;
      pending = it.next();
      count(r.value.length);
      parts.push(r.value);
      held += r.value.length;
      lastAt = performance.now();
      if (held >= size) yield flush();
    }
    if (held > 0) yield flush();
  } finally {
    idle?.cancel();
    // Stopped early (an error downstream): release the source; a read still in flight must not go unhandled.
    pending.catch(() => undefined);
    await it.return?.();
  }
}

/** containerd's "unexpected commit digest sha256:…, expected sha256:…" (or size) as a DigestMismatchError. */
function commitMismatch(ctx: StoreContext, desc: Descriptor, e: unknown): DigestMismatchError {
  const msg = e instanceof Error ? e.message : String(e);
  const digest = /unexpected commit digest (\S+?),/.exec(msg)?.[1];
  const size = Number(/unexpected commit size (\d+)/.exec(msg)?.[1] ?? desc.size);
  return new DigestMismatchError(`blob ${ctx.ref.name}@${desc.digest}`, { digest: desc.digest, size: desc.size }, { digest, size });
}

const isLocked = (e: unknown): boolean => e instanceof UnavailableError && /locked/i.test(e.message);
/** containerd's answer when committed bytes do not hash to the expected digest (or size). */
const isCommitMismatch = (e: unknown): boolean =>
  (e instanceof FailedPreconditionError || e instanceof InvalidArgumentError) && /digest|size/i.test(e.message);

/**
 * Stores a layer (or any large blob) streamed from the registry. Skips it when present (adding our labels).
 * The blob's digest is put in the lease first, so once committed GC cannot take it before the image exists.
 */
export async function storeStreamedBlob(ctx: StoreContext, desc: Descriptor): Promise<void> {
  const { tracker, signal } = ctx;
  if (await exists(ctx.leased, desc.digest, signal)) {
    await ctx.leased.content.updateLabels(desc.digest, ctx.sourceLabels, { signal });
    tracker.state(desc.digest, 'exists');
    return;
  }
  const ref = ingestRef(desc);
  const deadline = Date.now() + LOCKED_WAIT_MS;
  let restarted = false;
  for (let attempt = 0; ; attempt++) {
    let sourceError: unknown;
    let startedAt = 0;
    try {
      await ctx.unleased.content.write(async function* (offset) {
        startedAt = offset;
        // The whole blob already: an earlier pull's complete ingest, or content another namespace has (containerd
        // shares it): nothing to download, the commit just makes it ours.
        if (offset >= desc.size) return;
        if (offset > 0) tracker.resumed(desc.digest, offset);
        tracker.state(desc.digest, 'downloading');
        try {
          // containerd checks digest and size at commit; hashing here too would only cost CPU.
          const stream = await ctx.registry.fetchBlob(ctx.ref, desc, { offset, signal, verifyDigest: false });
          yield* gather(stream, PULL_WRITE_CHUNK, (n) => tracker.downloaded(n));
        } catch (e) {
          sourceError = e;
          throw e;
        }
      }, {
        ref, expected: { digest: desc.digest, size: desc.size }, labels: ctx.sourceLabels, signal, timeoutMs: 0,
        onProgress: (offset) => tracker.offset(desc.digest, offset),
      });
      tracker.state(desc.digest, startedAt >= desc.size ? 'exists' : 'downloaded');
      return;
    } catch (raw) {
      const e = sourceError ?? raw;
      if (e instanceof AlreadyExistsError) {
        // Another pull committed it meanwhile.
        await ctx.leased.content.updateLabels(desc.digest, ctx.sourceLabels, { signal });
        tracker.state(desc.digest, 'exists');
        return;
      }
      if (isLocked(e) && Date.now() < deadline && !signal.aborted) {
        // Another writer (a concurrent pull, or ctr) holds this ingest: wait for it to finish or give up.
        await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)), signal);
        if (await exists(ctx.leased, desc.digest, signal)) {
          tracker.state(desc.digest, 'exists');
          return;
        }
        continue;
      }
      if (e instanceof DigestMismatchError || isCommitMismatch(e)) {
        // The ingest holds bad bytes: drop it, so the next attempt does not resume onto them.
        await ctx.unleased.content.abort(ref).catch(() => undefined);
        tracker.resumed(desc.digest, 0);
        // Bytes from an earlier attempt may be what was wrong: start over once from scratch.
        if (startedAt > 0 && !restarted && !signal.aborted) {
          restarted = true;
          continue;
        }
        if (e instanceof DigestMismatchError) throw e;
        throw commitMismatch(ctx, desc, e);
      }
      throw e;
    }
  }
}

/** Stores a small blob already in memory (manifest, index, config) under the lease, with its labels. */
export async function storeSmallBlob(ctx: StoreContext, desc: Descriptor, bytes: Buffer, labels: Record<string, string>): Promise<void> {
  const all = { ...ctx.sourceLabels, ...labels };
  try {
    await ctx.leased.content.write(async function* (offset) { yield bytes.subarray(offset); }, {
      ref: `${ingestRef(desc)}-${Date.now().toString(36)}`, expected: { digest: desc.digest, size: desc.size }, labels: all, signal: ctx.signal,
    });
  } catch (e) {
    if (!(e instanceof AlreadyExistsError)) throw e;
    await ctx.leased.content.updateLabels(desc.digest, all, { signal: ctx.signal });
  }
}
