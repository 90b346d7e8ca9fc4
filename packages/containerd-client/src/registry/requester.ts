// One registry request against one endpoint: URL building (API root, mirror `ns=`), host headers,
// authentication (proactive once a host's challenge is known, one retry after a 401), and retries of
// idempotent requests on 5xx answers and dropped connections.
import type { RegistryHost } from './hosts';
import type { ParsedReference } from './reference';
import type { RegistryLogger } from './credentials';
import type { Authorizer } from './auth';
import { RegistryAbortError, RegistryAuthError, RegistryHttpError, RegistryUnreachableError } from './errors';
import { type HttpResponse, type Transport, discard, readRegistryError } from './transport';

export interface RequestSettings {
  userAgent: string;
  /** Extra attempts after a 5xx answer or a dropped connection. */
  retries: number;
  /** First back-off delay, doubled on each retry. */
  retryDelayMs: number;
  logger?: RegistryLogger;
}

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below the repository: `manifests/<tag|digest>` or `blobs/<digest>`. */
  suffix: string;
  /** Instead of `suffix`: an upload session's URL as the registry gave it (same origin as the host). */
  url?: URL;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Token scope actions (default `pull`; a push asks `pull,push`). */
  actions?: string;
  /** Extra token scopes, e.g. `repository:<source>:pull` for a cross-repository mount. */
  scopes?: string[];
  /** Whether 5xx answers and dropped connections may be retried (default: GET, HEAD and PUT only). */
  idempotent?: boolean;
  signal?: AbortSignal;
}

const RETRY_STATUSES = new Set([500, 502, 503, 504]);
const RETRY_NET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

export function isRetryableNetworkError(err: unknown): boolean {
  return err instanceof RegistryUnreachableError && err.syscallCode !== undefined && RETRY_NET_CODES.has(err.syscallCode);
}

export class Requester {
  constructor(
    private readonly transport: Transport,
    private readonly authorizer: Authorizer,
    private readonly settings: RequestSettings,
  ) {}

  url(host: RegistryHost, ref: ParsedReference, suffix: string): URL {
    const url = new URL(`${host.scheme}://${host.host}${host.path}/${ref.path}/${suffix}`);
    if (host.mirror) url.searchParams.set('ns', ref.domain);
    return url;
  }

  /**
   * Sends the request and returns any non-auth answer (the caller interprets 404 and others).
   * Throws RegistryAuthError for 401/403, RegistryUnreachableError, RegistryAbortError.
   */
  async send(host: RegistryHost, ref: ParsedReference, req: RegistryRequest): Promise<HttpResponse> {
    const ctx = { host, repository: ref.path, signal: req.signal, actions: req.actions, scopes: req.scopes };
    const retries = req.idempotent ?? ['GET', 'HEAD', 'PUT'].includes(req.method) ? this.settings.retries : 0;
    let authorization = await this.authorizer.header(ctx);
    let challenged = false;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string | string[]> = { ...host.headers, 'user-agent': this.settings.userAgent, ...req.headers };
      if (authorization) headers['authorization'] = authorization;
      let res: HttpResponse;
      try {
        res = await this.transport.request({ method: req.method, url: req.url ?? this.url(host, ref, req.suffix), headers, body: req.body, signal: req.signal, tls: host.tls });
      } catch (err) {
        if (attempt < retries && isRetryableNetworkError(err)) {
          await this.backoff(attempt, req.signal, `${req.method} ${host.host}: ${(err as Error).message}`);
          continue;
        }
        throw err;
      }
      if (res.status === 401) {
        if (!challenged) {
          challenged = true;
          authorization = await this.authorizer.challenge(ctx, res);
          discard(res);
          attempt--; // an auth round trip is not a retry
          continue;
        }
        const err = await readRegistryError(res);
        const reason = await this.authorizer.failureReason(host);
        throw new RegistryAuthError(host.host, reason, 401, ref.path, {
          detail: reason === 'required' ? 'the repository may not exist, or may need credentials' : err.message,
        });
      }
      if (res.status === 403) {
        const err = await readRegistryError(res);
        throw new RegistryAuthError(host.host, 'denied', 403, ref.path, { detail: err.message });
      }
      if (RETRY_STATUSES.has(res.status) && attempt < retries) {
        discard(res);
        await this.backoff(attempt, req.signal, `${req.method} ${host.host} answered ${res.status}`);
        continue;
      }
      return res;
    }
  }

  async backoff(attempt: number, signal: AbortSignal | undefined, why: string): Promise<void> {
    const ms = this.settings.retryDelayMs * 2 ** attempt;
    this.settings.logger?.debug(`registry: ${why}; retrying in ${ms} ms`);
    await sleep(ms, signal);
  }
}

/** An error for an unexpected status, with the registry's error code and message when the body has them. */
export async function statusError(res: HttpResponse, host: string): Promise<RegistryHttpError> {
  const err = await readRegistryError(res);
  return new RegistryHttpError(host, res.status, err.code, err.message);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RegistryAbortError({ cause: signal.reason }));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new RegistryAbortError({ cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
