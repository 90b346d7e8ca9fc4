// Maps containerd's Transfer failures to the typed errors the client-side pull throws, so callers handle both
// paths alike. containerd returns its Go error chain as the gRPC message (e.g. `failed to resolve image: ...:
// 401 Unauthorized`); the registry's own words are not kept in our messages (they may carry token URLs).
import { ContainerdError, NotFoundError, ResourceExhaustedError, fromGrpcError } from '../errors';
import {
  DigestMismatchError, RegistryAuthError, RegistryError, RegistryHttpError, RegistryNotFoundError, RegistryUnreachableError,
} from '../registry/errors';

export interface TransferErrorContext {
  /** The normalised reference, e.g. `127.0.0.1:5000/app:v1`. */
  reference: string;
  /** Registry host of the reference. */
  domain: string;
  /** Repository path, e.g. `library/redis`. */
  repository: string;
  /** Whether the caller's credentials were handed to the daemon when it asked. */
  credentialsGiven: boolean;
  /** What was transferred, for messages (default `pull`). */
  operation?: 'pull' | 'push';
}

/** Go's net errors in words -> the errno-style codes RegistryUnreachableError describes. */
const NET_ERRORS: Array<[RegExp, string]> = [
  [/connect: connection refused/, 'ECONNREFUSED'],
  [/no such host|server misbehaving/, 'ENOTFOUND'],
  [/connection reset by peer/, 'ECONNRESET'],
  // Go's HTTP client when the registry hung up mid-request (seen on a push whose registry went away).
  [/failed to do request: .*: (unexpected )?EOF$/, 'ECONNRESET'],
  [/i\/o timeout|Client\.Timeout exceeded|TLS handshake timeout/, 'ETIMEDOUT'],
  [/no route to host/, 'EHOSTUNREACH'],
  [/network is unreachable/, 'ENETUNREACH'],
  [/server gave HTTP response to HTTPS client/, 'EPROTO'],
  [/x509: |tls: failed to verify certificate/, 'CERT_NOT_TRUSTED'],
];

export function explainTransferError(e: unknown, ctx: TransferErrorContext): unknown {
  if (e instanceof RegistryError) return e; // ours already (e.g. the platform check)
  const mapped: ContainerdError = fromGrpcError(e, `${ctx.operation ?? 'pull'} of ${ctx.reference}`);
  const msg = mapped.message;
  const cause = { cause: mapped };

  const status = /\b(401 Unauthorized|403 Forbidden)\b/.exec(msg)?.[1];
  if (status?.startsWith('403')) return new RegistryAuthError(ctx.domain, 'denied', 403, ctx.repository, cause);
  if (status) {
    // A refused token request, or a 401 after the daemon was given credentials: they were wrong.
    const rejected = /failed to fetch (oauth|anonymous) token/.test(msg) || ctx.credentialsGiven;
    return new RegistryAuthError(ctx.domain, rejected ? 'rejected' : 'required', 401, ctx.repository, cause);
  }
  for (const [re, code] of NET_ERRORS) {
    if (re.test(msg)) return new RegistryUnreachableError(ctx.domain, code, cause);
  }
  if (mapped instanceof NotFoundError && /failed to resolve (image|reference)/.test(msg)) {
    return Object.assign(new RegistryNotFoundError(ctx.reference, 'manifest', ctx.domain), cause);
  }
  const digests = /unexpected commit digest (sha256:[0-9a-f]{64}), expected (sha256:[0-9a-f]{64})/.exec(msg);
  if (digests) {
    return new DigestMismatchError(`blob ${ctx.domain}/${ctx.repository}@${digests[2]}`, { digest: digests[2], size: 0 }, { digest: digests[1], size: 0 });
  }
  if (/no space left on device/i.test(msg)) {
    return new ResourceExhaustedError(`containerd's content store is full (no space left on device): free space under containerd's root and pull again. ${msg}`, cause);
  }
  const http = /unexpected status from \w+ request to \S+: (\d{3})/.exec(msg);
  if (http) return new RegistryHttpError(ctx.domain, Number(http[1]), undefined, 'through containerd\'s Transfer service');
  return mapped;
}
