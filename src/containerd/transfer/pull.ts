// transferPull(): the pull done by containerd itself (Transfer service, containerd 2.x), as `ctr images pull`
// does there: OCIRegistry -> ImageStore with platforms and unpack, progress and registry credentials over
// Streaming streams. Credentials go to the daemon only on its request, only for the image's own registry.
import type { ContainerdClient } from '../client';
import { CancelledError, NotFoundError } from '../errors';
import { encodeAny } from '../grpc/convert';
import { readJson } from '../images/blobs';
import { isIndexMediaType } from '../oci/media-types';
import { selectManifest } from '../registry/platform';
import { hostPlatform } from '../registry/platform';
import { DEFAULT_CERTS_DIR, isInsecure, isLoopbackHost } from '../registry/hosts';
import { normalizeRegistryHost, type Credentials, type CredentialsProvider } from '../registry/credentials';
import type { InsecureTokenRealmError } from '../registry/errors';
import { parseReference } from '../registry/reference';
import type { Index, Platform } from '../oci/image-types';
import type { Image } from '../types';
import type { PullOptions } from '../pull/pull';
import { decideAuth } from './auth-policy';
import { explainTransferError } from './errors';
import { TransferProgressMapper, type RawTransferProgress } from './progress-map';
import { TRANSFER_SERVICE, TransferStream, newStreamId, serviceRpc } from './streams';

const OCI_REGISTRY = 'containerd.types.transfer.OCIRegistry';
const IMAGE_STORE = 'containerd.types.transfer.ImageStore';
const AUTH_REQUEST = 'containerd.types.transfer.AuthRequest';
const AUTH_RESPONSE = 'containerd.types.transfer.AuthResponse';
const PROGRESS = 'containerd.types.transfer.Progress';

/** What happened on the auth stream, for telling "log in" from "credentials rejected" afterwards. */
export interface AuthLog { asked: number; answered: number; refusal?: InsecureTokenRealmError }

function protoPlatform(p: Platform): Record<string, unknown> {
  return { os: p.os, architecture: p.architecture, variant: p.variant ?? '' };
}

function authResponse(c: Credentials | undefined): Record<string, unknown> {
  if (!c) return { authType: 'NONE' };
  if ('identityToken' in c) return { authType: 'REFRESH', secret: c.identityToken };
  return { authType: 'CREDENTIALS', username: c.username, secret: c.password };
}

/** Answers every AuthRequest (one response each, as the daemon waits for it) until the stream ends. */
export async function serveAuth(stream: TransferStream, domain: string, provider: CredentialsProvider | undefined, insecure: readonly string[] | undefined, log: AuthLog): Promise<void> {
  for (let m = await stream.next(); m; m = await stream.next()) {
    if (m.type !== AUTH_REQUEST) continue;
    log.asked++;
    const www = Array.isArray(m.value.wwwauthenticate) ? m.value.wwwauthenticate.map(String) : [];
    const decision = decideAuth({ host: String(m.value.host ?? ''), wwwauthenticate: www }, domain, insecure);
    let creds: Credentials | undefined;
    if (decision.answer && provider) creds = await Promise.resolve(provider(normalizeRegistryHost(domain))).catch(() => undefined);
    else if (!decision.answer && decision.refusal) log.refusal ??= decision.refusal;
    if (creds) log.answered++;
    stream.send(AUTH_RESPONSE, authResponse(creds));
  }
}

async function readProgress(stream: TransferStream, mapper: TransferProgressMapper): Promise<void> {
  for (let m = await stream.next(); m; m = await stream.next()) {
    if (m.type === PROGRESS) mapper.handle(m.value as RawTransferProgress);
  }
}

/** Pulls `reference` through containerd's Transfer service and returns the image record. */
export async function transferPull(client: ContainerdClient, reference: string, options: PullOptions = {}): Promise<Image> {
  const ref = parseReference(reference);
  const name = ref.toString();
  const signal = options.signal;
  if (signal?.aborted) throw new CancelledError(`pull of ${name} cancelled`);
  const unpack = options.unpack !== false;
  const mapper = new TransferProgressMapper(name, options.onProgress, options.progressIntervalMs, unpack);
  const ackTimeout = client.connection.unaryTimeoutMs || 30_000;
  const streams: TransferStream[] = [];
  const authLog: AuthLog = { asked: 0, answered: 0 };
  const credentials = options.credentials ?? options.registryOptions?.credentials;
  const insecure = options.registryOptions?.insecureRegistries;
  try {
    const previous = await client.images.get(name, { signal }).catch((e: unknown) => {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    });
    const auth = await TransferStream.open(client, newStreamId('auth'), signal, ackTimeout);
    streams.push(auth);
    const progress = await TransferStream.open(client, newStreamId('progress'), signal, ackTimeout);
    streams.push(progress);
    const side = [serveAuth(auth, ref.domain, credentials, insecure, authLog), readProgress(progress, mapper)];
    side.forEach((p) => p.catch(() => undefined)); // a failed side stream shows as the Transfer call's error

    const platform = options.platform === undefined ? hostPlatform() : options.platform;
    const unpackPlatform = platform === 'all' ? hostPlatform() : platform;
    const source = {
      reference: name,
      resolver: {
        auth_stream: auth.id,
        host_dir: options.registryOptions?.certsDir ?? DEFAULT_CERTS_DIR,
        // Plain HTTP only where the client-side pull would use it too.
        default_scheme: isLoopbackHost(ref.domain) || isInsecure(ref.domain, insecure) ? 'http' : '',
      },
    };
    const destination = {
      name,
      platforms: platform === 'all' ? [] : [protoPlatform(platform)],
      unpacks: unpack ? [{ platform: protoPlatform(unpackPlatform), snapshotter: client.snapshotter }] : [],
    };
    mapper.start();
    await serviceRpc(client, TRANSFER_SERVICE).unary('Transfer', {
      source: encodeAny(OCI_REGISTRY, source),
      destination: encodeAny(IMAGE_STORE, destination),
      options: { progress_stream: progress.id },
    }, { signal, timeoutMs: 0 }, `transfer pull of ${name}`);
    // The daemon closes the progress stream when the transfer ends: its last messages come first.
    await Promise.race([side[1], new Promise((r) => setTimeout(r, 2000).unref())]);
    const image = await client.images.get(name);
    if (platform !== 'all') await checkPlatform(client, image, platform, previous);
    mapper.done();
    return image;
  } catch (e) {
    if (signal?.aborted) throw new CancelledError(`pull of ${name} cancelled`, { cause: e });
    // Credentials held back from a plain-HTTP token realm explain the failure better than the daemon's 401.
    if (authLog.refusal) throw authLog.refusal;
    throw explainTransferError(e, { reference: name, domain: ref.domain, repository: ref.path, credentialsGiven: authLog.answered > 0 });
  } finally {
    for (const s of streams) s.close();
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
