// One Transfer call with its side streams, as the Transfer pull and push both make it: the auth stream
// (credentials only for the image's own registry, only on the daemon's request), the progress stream, the
// OCIRegistry resolver that names them, and the daemon's errors mapped to the client-side typed errors.
import type { ContainerdClient } from '../client';
import { CancelledError } from '../errors';
import type { RawAny } from '../grpc/convert';
import type { Platform } from '../oci/image-types';
import type { RegistryClientOptions } from '../registry/client';
import { normalizeRegistryHost, type Credentials, type CredentialsProvider } from '../registry/credentials';
import type { InsecureTokenRealmError } from '../registry/errors';
import { DEFAULT_CERTS_DIR, isInsecure, isLoopbackHost } from '../registry/hosts';
import type { ParsedReference } from '../registry/reference';
import { decideAuth } from './auth-policy';
import { explainTransferError } from './errors';
import type { RawTransferProgress } from './progress-map';
import { settleAll } from '../settle';
import { TRANSFER_SERVICE, TransferStream, newStreamId, serviceRpc } from './streams';

export const OCI_REGISTRY = 'containerd.types.transfer.OCIRegistry';
export const IMAGE_STORE = 'containerd.types.transfer.ImageStore';
const AUTH_REQUEST = 'containerd.types.transfer.AuthRequest';
const AUTH_RESPONSE = 'containerd.types.transfer.AuthResponse';
const PROGRESS = 'containerd.types.transfer.Progress';

/** What happened on the auth stream, for telling "log in" from "credentials rejected" afterwards. */
export interface AuthLog { asked: number; answered: number; refusal?: InsecureTokenRealmError }

export function protoPlatform(p: Platform): Record<string, unknown> {
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

async function readProgress(stream: TransferStream, onProgress: (p: RawTransferProgress) => void): Promise<void> {
  for (let m = await stream.next(); m; m = await stream.next()) {
    if (m.type === PROGRESS) onProgress(m.value as RawTransferProgress);
  }
}

export interface TransferCallOptions {
  /** What is transferred, for messages and error mapping. */
  operation: 'pull' | 'push';
  signal?: AbortSignal;
  credentials?: CredentialsProvider;
  /** Its certsDir, insecureRegistries and credentials (when `credentials` is not given) apply. */
  registryOptions?: RegistryClientOptions;
  /** Each Progress message of the daemon, as decoded. */
  onProgress: (p: RawTransferProgress) => void;
}

export interface TransferCall {
  /** Opens the auth and progress streams; returns the OCIRegistry resolver that names the auth stream. */
  openStreams(): Promise<Record<string, unknown>>;
  /** Runs Transfer(source -> destination), then waits (2 s at most) for the daemon's last progress messages. */
  transfer(source: RawAny, destination: RawAny): Promise<void>;
}

/**
 * Runs `body` with a TransferCall on `ref`'s registry. Whatever `body` throws comes out as the client-side
 * pull's or push's typed error (cancelled, a credential held back from a plain-HTTP realm, the registry's
 * refusal...); the streams are closed either way.
 */
export async function withTransferCall<T>(client: ContainerdClient, ref: ParsedReference, options: TransferCallOptions, body: (call: TransferCall) => Promise<T>): Promise<T> {
  const name = ref.toString();
  const { operation, signal } = options;
  const ackTimeout = client.connection.unaryTimeoutMs || 30_000;
  const streams: TransferStream[] = [];
  const authLog: AuthLog = { asked: 0, answered: 0 };
  const credentials = options.credentials ?? options.registryOptions?.credentials;
  const insecure = options.registryOptions?.insecureRegistries;
  let progressStream = '';
  let progressRead: Promise<void> = Promise.resolve();
  const call: TransferCall = {
    openStreams: async () => {
      // Both at once (one round trip, not two); whichever opened is closed below when the other fails.
      const [auth, progress] = await settleAll([newStreamId('auth'), newStreamId('progress')]
        .map((id) => TransferStream.open(client, id, signal, ackTimeout).then((s) => { streams.push(s); return s; })));
      progressStream = progress.id;
      const side = [serveAuth(auth, ref.domain, credentials, insecure, authLog), readProgress(progress, options.onProgress)];
      side.forEach((p) => p.catch(() => undefined)); // a failed side stream shows as the Transfer call's error
      progressRead = side[1];
      return {
        auth_stream: auth.id,
        host_dir: options.registryOptions?.certsDir ?? DEFAULT_CERTS_DIR,
        // Plain HTTP only where the client-side pull or push would use it too.
        default_scheme: isLoopbackHost(ref.domain) || isInsecure(ref.domain, insecure) ? 'http' : '',
      };
    },
    transfer: async (source, destination) => {
      await serviceRpc(client, TRANSFER_SERVICE).unary('Transfer', {
        source, destination, options: { progress_stream: progressStream },
      }, { signal, timeoutMs: 0 }, `transfer ${operation} of ${name}`);
      // The daemon closes the progress stream when the transfer ends: its last messages come first.
      await Promise.race([progressRead, new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
  try {
    return await body(call);
  } catch (e) {
    if (signal?.aborted) throw new CancelledError(`${operation} of ${name} cancelled`, { cause: e });
    // Credentials held back from a plain-HTTP token realm explain the failure better than the daemon's 401.
    if (authLog.refusal) throw authLog.refusal;
    throw explainTransferError(e, { reference: name, domain: ref.domain, repository: ref.path, credentialsGiven: authLog.answered > 0, operation });
  } finally {
    for (const s of streams) s.close();
  }
}
