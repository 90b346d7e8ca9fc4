// transferPush(): the push done by containerd itself (Transfer service, containerd 2.x), as `ctr images push`
// does there: ImageStore -> OCIRegistry, through the Transfer call the pull makes too (../transfer/call.ts: auth
// stream with credentials only for the image's own registry, progress stream, the client-side typed errors).
import type { ContainerdClient } from '../client';
import { CancelledError } from '../errors';
import { encodeAny } from '../grpc/convert';
import { isConfigMediaType, isLayerMediaType } from '../oci/media-types';
import { parseReference } from '../registry/reference';
import { IMAGE_STORE, OCI_REGISTRY, protoPlatform, withTransferCall } from '../transfer/call';
import type { RawTransferProgress } from '../transfer/progress-map';
import type { Image } from '../types';
import type { ClientPushOptions } from './push';
import { PushTracker } from './progress';

/** The daemon's per-blob push events, onto the client-side push's states. */
export function mapPushProgress(tracker: PushTracker, p: RawTransferProgress): void {
  const d = p.desc;
  if (!d?.digest || !d.media_type || !(isLayerMediaType(d.media_type) || isConfigMediaType(d.media_type))) return;
  tracker.add({ digest: d.digest, mediaType: d.media_type, size: Number(d.size ?? 0) });
  tracker.phase('uploading');
  const event = (p.event ?? '').toLowerCase();
  if (event === 'waiting') return;
  if (/exists/.test(event)) tracker.state(d.digest, 'exists');
  else if (/mount/.test(event)) tracker.state(d.digest, 'mounted');
  else if (/complete|uploaded|pushed|done/.test(event)) tracker.state(d.digest, 'uploaded');
  else if (p.progress !== undefined) {
    tracker.state(d.digest, 'uploading');
    tracker.offset(d.digest, Number(p.progress));
  }
}

export async function transferPush(client: ContainerdClient, reference: string, options: ClientPushOptions = {}): Promise<Image> {
  const ref = parseReference(reference);
  const name = ref.toString();
  const signal = options.signal;
  if (signal?.aborted) throw new CancelledError(`push of ${name} cancelled`);
  const tracker = new PushTracker(name, options.onProgress, options.progressIntervalMs);
  const { credentials, registryOptions } = options;
  try {
    return await withTransferCall(client, ref, { operation: 'push', signal, credentials, registryOptions, onProgress: (p) => mapPushProgress(tracker, p) }, async (call) => {
      // A missing local image fails here, with containerd's NotFoundError, as on the client path.
      const image = await client.images.get(options.image ?? name, { signal });
      const resolver = await call.openStreams();
      const source = { name: image.name, platforms: options.platform ? [protoPlatform(options.platform)] : [] };
      tracker.emit(true);
      await call.transfer(encodeAny(IMAGE_STORE, source), encodeAny(OCI_REGISTRY, { reference: name, resolver }));
      for (const b of tracker.progress.blobs) if (b.state === 'waiting' || b.state === 'uploading') tracker.state(b.digest, 'uploaded');
      tracker.phase('done');
      return image;
    });
  } finally {
    tracker.dispose();
  }
}
