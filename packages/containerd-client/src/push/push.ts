// The client-side push (what `ctr images push` does on containerd 1.6/1.7): blobs from containerd's content
// store to the registry (skipped when the registry has them, mounted across repositories of the same registry
// when a distribution.source label says where they came from, else uploaded), then manifests after their blobs,
// and the reference (tag) last, so a push that fails or is cancelled leaves no tag on a half-sent image.
import { setMaxListeners } from 'node:events';
import type { ContainerdClient } from '../client';
import { CancelledError, InvalidArgumentError } from '../errors';
import { LABEL_DISTRIBUTION_SOURCE } from '../images/gc-labels';
import type { Descriptor, Platform } from '../oci/image-types';
import type { RegistryClientOptions } from '../registry/client';
import type { CredentialsProvider } from '../registry/credentials';
import { splitHostPort } from '../registry/hosts';
import { type ParsedReference, parseReference } from '../registry/reference';
import { RegistryPusher } from '../registry/push';
import type { Image } from '../types';
import { planPush, type PlannedDocument } from './plan';
import { PushTracker, type PushProgressListener } from './progress';

export interface ClientPushOptions {
  /** The local image record to push (default: the reference itself). */
  image?: string;
  /** Push only this platform's manifest of a multi-platform image (default: the whole image). */
  platform?: Platform;
  onProgress?: PushProgressListener;
  /** Aborting stops uploads; the reference is never moved then (it is PUT last). */
  signal?: AbortSignal;
  credentials?: CredentialsProvider;
  /** hosts.toml directory, insecure registries, retries... (`credentials` above wins over theirs). */
  registryOptions?: RegistryClientOptions;
  /** Blobs uploaded at once (default 3, as containerd). */
  concurrency?: number;
  /** Blobs up to this size go in one request, larger ones in chunks of it (default 8 MiB). */
  chunkSize?: number;
  progressIntervalMs?: number;
}

export const DEFAULT_PUSH_CONCURRENCY = 3;

/**
 * The repositories a blob's `containerd.io/distribution.source.<host>` label names (comma-separated, as containerd
 * appends them). containerd keys it on the host without its port (so two registries on one host share a key: a
 * mount that fails just falls back to an upload); a key with the port is read too.
 */
export function mountSources(labels: Record<string, string>, domain: string): string[] {
  const keys = [...new Set([domain, splitHostPort(domain)[0]])].map((h) => `${LABEL_DISTRIBUTION_SOURCE}.${h}`);
  const repos = keys.flatMap((k) => (labels[k] ?? '').split(',')).map((s) => s.trim()).filter(Boolean);
  return [...new Set(repos)];
}

/** Pushes the image named `options.image ?? reference` to `reference` and returns the local image record. */
export async function clientPush(client: ContainerdClient, reference: string, options: ClientPushOptions = {}): Promise<Image> {
  const ref = parseReference(reference);
  const name = ref.toString();
  const outer = options.signal;
  const cancelled = (cause?: unknown): CancelledError => new CancelledError(`push of ${name} cancelled`, cause === undefined ? undefined : { cause });
  if (outer?.aborted) throw cancelled();
  const image = await client.images.get(options.image ?? name, { signal: outer });
  const tracker = new PushTracker(name, options.onProgress, options.progressIntervalMs);
  const pusher = new RegistryPusher(ref, { ...options.registryOptions, ...(options.credentials ? { credentials: options.credentials } : {}) });
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  tracker.emit(true);
  try {
    await run(controller.signal);
    return image;
  } catch (e) {
    throw outer?.aborted ? cancelled(e) : e;
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    controller.abort();
    tracker.dispose();
    pusher.close();
  }

  async function run(signal: AbortSignal): Promise<void> {
    const plan = await planPush(client, image.name, image.target, options.platform, signal);
    if (ref.digest && ref.digest !== plan.top.digest) {
      throw new InvalidArgumentError(`cannot push ${image.name} as ${name}: the reference names digest ${ref.digest}, the image is ${plan.top.digest}`);
    }
    for (const b of plan.blobs) tracker.add(b);
    tracker.setManifests(plan.documents.length);
    tracker.phase('uploading');
    // Each blob once, at most `concurrency` at a time; the first failure stops the rest.
    const limit = Math.max(1, options.concurrency ?? DEFAULT_PUSH_CONCURRENCY);
    const queue = [...plan.blobs];
    let failure: unknown;
    const worker = async (): Promise<void> => {
      for (let b = queue.shift(); b && failure === undefined; b = queue.shift()) {
        try {
          await sendBlob(b, signal);
        } catch (e) {
          failure ??= e;
          controller.abort();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
    if (failure !== undefined) throw failure;
    tracker.phase('manifests');
    await sendDocuments(plan.documents, plan.top, ref, signal);
    tracker.phase('done');
  }

  async function sendBlob(desc: Descriptor, signal: AbortSignal): Promise<void> {
    if (await pusher.hasBlob(desc, signal)) { tracker.state(desc.digest, 'exists'); return; }
    const info = await client.content.info(desc.digest, { signal });
    for (const from of mountSources(info.labels, ref.domain)) {
      if (await pusher.mountBlob(desc, from, signal)) { tracker.state(desc.digest, 'mounted'); return; }
    }
    tracker.state(desc.digest, 'uploading');
    await pusher.uploadBlob(desc, () => client.content.read(desc.digest, { signal }), {
      signal, chunkSize: options.chunkSize, onProgress: (offset) => tracker.offset(desc.digest, offset),
    });
    tracker.state(desc.digest, 'uploaded');
  }

  /** Manifests by digest, children first; the reference (tag) is PUT last, onto the top document. */
  async function sendDocuments(docs: PlannedDocument[], top: Descriptor, target: ParsedReference, signal: AbortSignal): Promise<void> {
    for (const d of docs) {
      const isTop = d.descriptor.digest === top.digest && d === docs[docs.length - 1];
      const object = isTop ? target.tag ?? d.descriptor.digest : d.descriptor.digest;
      await pusher.putManifest(object, d.descriptor, d.bytes, signal);
      tracker.manifestDone();
    }
  }
}
