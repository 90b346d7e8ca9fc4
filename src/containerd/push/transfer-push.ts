// transferPush(): the push done by containerd itself (Transfer service, containerd 2.x), as `ctr images push`
// does there: ImageStore -> OCIRegistry, with the pull's auth stream (credentials only for the image's own
// registry, only on the daemon's request) and progress stream, and the client-side push's typed errors.
import type { ContainerdClient } from '../client';
import { CancelledError } from '../errors';
import { encodeAny } from '../grpc/convert';
import { isConfigMediaType, isLayerMediaType } from '../oci/media-types';
import type { Platform } from '../oci/image-types';
import { DEFAULT_CERTS_DIR, isInsecure, isLoopbackHost } from '../registry/hosts';
import { parseReference } from '../registry/reference';
import { explainTransferError } from '../transfer/errors';
import { type AuthLog, serveAuth } from '../transfer/pull';
import { TRANSFER_SERVICE, TransferStream, newStreamId, serviceRpc } from '../transfer/streams';
import type { Image } from '../types';
import type { ClientPushOptions } from './push';
import { PushTracker } from './progress';

const OCI_REGISTRY = 'containerd.types.transfer.OCIRegistry';
const IMAGE_STORE = 'containerd.types.transfer.ImageStore';
const PROGRESS = 'containerd.types.transfer.Progress';

interface RawProgress { event?: string; progress?: number | string; desc?: { media_type?: string; digest?: string; size?: number | string } | null }

/** The daemon's per-blob push events, onto the client-side push's states. */
export function mapPushProgress(tracker: PushTracker, p: RawProgress): void {
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

function protoPlatform(p: Platform): Record<string, unknown> {
  return { os: p.os, architecture: p.architecture, variant: p.variant ?? '' };
}

export async function transferPush(client: ContainerdClient, reference: string, options: ClientPushOptions = {}): Promise<Image> {
  const ref = parseReference(reference);
  const name = ref.toString();
  const signal = options.signal;
  if (signal?.aborted) throw new CancelledError(`push of ${name} cancelled`);
  const tracker = new PushTracker(name, options.onProgress, options.progressIntervalMs);
  const ackTimeout = client.connection.unaryTimeoutMs || 30_000;
  const streams: TransferStream[] = [];
  const authLog: AuthLog = { asked: 0, answered: 0 };
  const credentials = options.credentials ?? options.registryOptions?.credentials;
  const insecure = options.registryOptions?.insecureRegistries;
  try {
    // A missing local image fails here, with containerd's NotFoundError, as on the client path.
    const image = await client.images.get(options.image ?? name, { signal });
    const auth = await TransferStream.open(client, newStreamId('auth'), signal, ackTimeout);
    streams.push(auth);
    const progress = await TransferStream.open(client, newStreamId('progress'), signal, ackTimeout);
    streams.push(progress);
    const readProgress = async (): Promise<void> => {
      for (let m = await progress.next(); m; m = await progress.next()) {
        if (m.type === PROGRESS) mapPushProgress(tracker, m.value as RawProgress);
      }
    };
    const side = [serveAuth(auth, ref.domain, credentials, insecure, authLog), readProgress()];
    side.forEach((p) => p.catch(() => undefined)); // a failed side stream shows as the Transfer call's error
    const source = { name: image.name, platforms: options.platform ? [protoPlatform(options.platform)] : [] };
    const destination = {
      reference: name,
      resolver: {
        auth_stream: auth.id,
        host_dir: options.registryOptions?.certsDir ?? DEFAULT_CERTS_DIR,
        // Plain HTTP only where the client-side push would use it too.
        default_scheme: isLoopbackHost(ref.domain) || isInsecure(ref.domain, insecure) ? 'http' : '',
      },
    };
    tracker.emit(true);
    await serviceRpc(client, TRANSFER_SERVICE).unary('Transfer', {
      source: encodeAny(IMAGE_STORE, source),
      destination: encodeAny(OCI_REGISTRY, destination),
      options: { progress_stream: progress.id },
    }, { signal, timeoutMs: 0 }, `transfer push of ${name}`);
    await Promise.race([side[1], new Promise((r) => setTimeout(r, 2000).unref())]);
    for (const b of tracker.progress.blobs) if (b.state === 'waiting' || b.state === 'uploading') tracker.state(b.digest, 'uploaded');
    tracker.phase('done');
    return image;
  } catch (e) {
    if (signal?.aborted) throw new CancelledError(`push of ${name} cancelled`, { cause: e });
    if (authLog.refusal) throw authLog.refusal;
    throw explainTransferError(e, { reference: name, domain: ref.domain, repository: ref.path, credentialsGiven: authLog.answered > 0, operation: 'push' });
  } finally {
    for (const s of streams) s.close();
    tracker.dispose();
  }
}
