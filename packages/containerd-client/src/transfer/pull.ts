// transferPull(): the pull done by containerd itself (Transfer service, containerd 2.x), as `ctr images pull`
// does there: OCIRegistry -> ImageStore with platforms and unpack; the streams, credentials and error mapping
// are the Transfer call's (./call.ts), shared with the Transfer push.
import type { ContainerdClient } from '../client';
import { CancelledError, NotFoundError } from '../errors';
import { encodeAny } from '../grpc/convert';
import { readJson } from '../images/blobs';
import { isIndexMediaType } from '../oci/media-types';
import { selectManifest } from '../registry/platform';
import { hostPlatform } from '../registry/platform';
import { parseReference } from '../registry/reference';
import type { Index, Platform } from '../oci/image-types';
import type { Image } from '../types';
import type { PullOptions } from '../pull/pull';
import { settleAll } from '../settle';
import { IMAGE_STORE, OCI_REGISTRY, protoPlatform, withTransferCall } from './call';
import { TransferProgressMapper } from './progress-map';

/** Pulls `reference` through containerd's Transfer service and returns the image record. */
export async function transferPull(client: ContainerdClient, reference: string, options: PullOptions = {}): Promise<Image> {
  const ref = parseReference(reference);
  const name = ref.toString();
  const signal = options.signal;
  if (signal?.aborted) throw new CancelledError(`pull of ${name} cancelled`);
  const unpack = options.unpack !== false;
  const mapper = new TransferProgressMapper(name, options.onProgress, options.progressIntervalMs, unpack);
  const { credentials, registryOptions } = options;
  try {
    return await withTransferCall(client, ref, { operation: 'pull', signal, credentials, registryOptions, onProgress: (p) => mapper.handle(p) }, async (call) => {
      // The record as it was (put back when the platform check refuses) while the side streams open.
      const [previous, resolver] = await settleAll<[Image | undefined, Record<string, unknown>]>([
        client.images.get(name, { signal }).catch((e: unknown) => {
          if (e instanceof NotFoundError) return undefined;
          throw e;
        }),
        call.openStreams(),
      ]);
      const platform = options.platform === undefined ? hostPlatform() : options.platform;
      const unpackPlatform = platform === 'all' ? hostPlatform() : platform;
      const destination = {
        name,
        platforms: platform === 'all' ? [] : [protoPlatform(platform)],
        unpacks: unpack ? [{ platform: protoPlatform(unpackPlatform), snapshotter: client.snapshotter }] : [],
      };
      mapper.start();
      await call.transfer(encodeAny(OCI_REGISTRY, { reference: name, resolver }), encodeAny(IMAGE_STORE, destination));
      const image = await client.images.get(name);
      if (platform !== 'all') await checkPlatform(client, image, platform, previous);
      mapper.done();
      return image;
    });
  } finally {
    mapper.dispose();
  }
}

/**
 * containerd stores an index even when no entry matches the platform (nothing is fetched or unpacked then);
 * the client-side pull refuses it. Same here: NoMatchingPlatformError, and the record goes back to what it was.
 */
async function checkPlatform(client: ContainerdClient, image: Image, platform: Platform, previous: Image | undefined): Promise<void> {
  if (!isIndexMediaType(image.target.mediaType)) return; // a single manifest is taken whatever its platform, as ctr does
  const index = await readJson<Index>(client, image.target.digest);
  try {
    selectManifest(index, platform, image.name);
  } catch (e) {
    if (!previous) await client.images.delete(image.name, { sync: true }).catch(() => undefined);
    else if (previous.target.digest !== image.target.digest) await client.images.update(image.name, { target: previous.target }).catch(() => undefined);
    throw e;
  }
}
