// HTTP(S) for registry traffic over node:http/https: per-host TLS (extra CAs, client certificates, skip_verify),
// manual redirects (blobs are redirected to storage; Authorization must not follow to another origin),
// AbortSignal, idle timeouts, and network errors mapped to RegistryUnreachableError.
// node:https rather than fetch: no extra dependency, and VS Code's proxy support patches these modules.
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { Readable } from 'node:stream';
import type { TlsSettings } from './hosts';
import { RegistryAbortError, RegistryError, RegistryHttpError, RegistryUnreachableError } from './errors';

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string | string[]>;
  /** Held in memory so a request can be sent again (after a 401 challenge or a 307 redirect). */
  body?: string | Buffer;
  signal?: AbortSignal;
  /** TLS settings of the registry host (also used for the hosts it redirects to, as containerd does). */
  tls?: TlsSettings;
  maxRedirects?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Final URL after redirects. */
  url: URL;
  body: Readable;
}

const MAX_REDIRECTS = 10;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** Header names whose values must never travel to another origin or into a message (Go's client strips the first and the cookies too). */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'cookie2'];

export class Transport {
  private readonly agents = new Map<TlsSettings, https.Agent>();
  private readonly defaultHttps = new https.Agent({ keepAlive: true });
  private readonly httpAgent = new http.Agent({ keepAlive: true });

  constructor(private readonly idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS) {}

  /** Sends the request, following redirects. Any status is returned; only network failures throw. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let headers = { ...(req.headers ?? {}) };
    let method = req.method;
    let body = req.body;
    const max = req.maxRedirects ?? MAX_REDIRECTS;
    for (let hop = 0; ; hop++) {
      const res = await this.once(method, url, headers, body, req);
      const location = res.headers.location;
      if (![301, 302, 303, 307, 308].includes(res.status) || !location || hop >= max) return res;
      res.body.resume();
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new RegistryHttpError(url.host, res.status, undefined, `redirect to unsupported scheme ${next.protocol}`);
      }
      // Against the first request's origin, at every hop: a change of scheme (https -> http on the same host would
      // send them in clear text), host or port drops the credentials for good.
      if (!sameOrigin(next, req.url)) headers = withoutSecrets(headers);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  /** Frees pooled sockets; in-flight requests continue. */
  close(): void {
    this.defaultHttps.destroy();
    this.httpAgent.destroy();
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }

  private agentFor(url: URL, settings: TlsSettings | undefined): http.Agent {
    if (url.protocol === 'http:') return this.httpAgent;
    if (!settings || (settings.ca.length === 0 && settings.clientCerts.length === 0 && !settings.skipVerify)) {
      return this.defaultHttps;
    }
    let agent = this.agents.get(settings);
    if (!agent) {
      // Node's `ca` replaces the bundled roots; containerd adds hosts.toml CAs to the system pool, so add ours.
      const ca = settings.ca.length > 0 ? [...tls.rootCertificates, ...settings.ca.map((b) => b.toString('utf8'))] : undefined;
      const first = settings.clientCerts[0];
      agent = new https.Agent({
        keepAlive: true,
        ca,
        cert: first?.cert,
        key: first?.key,
        rejectUnauthorized: !settings.skipVerify,
      });
      this.agents.set(settings, agent);
    }
    return agent;
  }

  private once(
    method: string,
    url: URL,
    headers: Record<string, string | string[]>,
    body: string | Buffer | undefined,
    req: HttpRequest,
  ): Promise<HttpResponse> {
    const signal = req.signal;
    if (signal?.aborted) return Promise.reject(new RegistryAbortError({ cause: signal.reason }));
    const mod = url.protocol === 'http:' ? http : https;
    return new Promise<HttpResponse>((resolve, reject) => {
      const h: Record<string, string | string[]> = { ...headers };
      if (body !== undefined) h['content-length'] = String(Buffer.byteLength(body));
      const creq = mod.request(url, { method, headers: h, agent: this.agentFor(url, req.tls), signal });
      creq.setTimeout(this.idleTimeoutMs, () => {
        creq.destroy(Object.assign(new Error('idle timeout'), { code: 'ETIMEDOUT' }));
      });
      creq.on('error', (err) => reject(mapNetworkError(err, url.host, signal)));
      creq.on('response', (res) => {
        // Errors while reading the body surface on the stream, mapped like request errors.
        const wrapped = res as Readable;
        // Keeps an unread body's late error from crashing the process; readers still see it through iteration.
        res.on('error', () => undefined);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, url, body: wrapped });
      });
      creq.end(body);
    });
  }
}

/** Same scheme, host and port (default ports made explicit, so `https://h` and `https://h:443` match). */
export function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.hostname.toLowerCase() === b.hostname.toLowerCase() && effectivePort(a) === effectivePort(b);
}

function effectivePort(u: URL): string {
  return u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
}

function withoutSecrets(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (!SECRET_HEADERS.includes(k.toLowerCase())) out[k] = v;
  return out;
}

/** Turns a socket/TLS/abort error into a RegistryError naming the host (never the URL: it may be signed). */
export function mapNetworkError(err: unknown, host: string, signal?: AbortSignal): RegistryError {
  if (err instanceof RegistryError) return err;
  const e = err as NodeJS.ErrnoException;
  if (signal?.aborted || e?.name === 'AbortError' || e?.code === 'ABORT_ERR') return new RegistryAbortError({ cause: err });
  return new RegistryUnreachableError(host, e?.code, { cause: err });
}

/** Reads a whole body, failing once it exceeds `limit` bytes (manifests and error documents are small). */
export async function readBody(res: HttpResponse, limit: number, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body) {
      const b = chunk as Buffer;
      total += b.length;
      if (total > limit) {
        res.body.destroy();
        throw new RegistryHttpError(res.url.host, res.status, undefined, `response larger than ${limit} bytes`);
      }
      chunks.push(b);
    }
  } catch (err) {
    throw mapNetworkError(err, res.url.host, signal);
  }
  return Buffer.concat(chunks);
}

/** Drains and discards a body so the socket can be reused. */
export function discard(res: HttpResponse): void {
  res.body.resume();
}

/** The first OCI distribution error in a body: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"..."}]}`. */
export async function readRegistryError(res: HttpResponse): Promise<{ code?: string; message?: string }> {
  try {
    const text = (await readBody(res, 64 * 1024)).toString('utf8');
    const doc = JSON.parse(text) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    const first = doc.errors?.[0];
    return {
      code: typeof first?.code === 'string' ? first.code : undefined,
      message: typeof first?.message === 'string' ? first.message : undefined,
    };
  } catch {
    return {};
  }
}

export function headerValue(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Every value of a header that may repeat (WWW-Authenticate). */
export function headerValues(headers: http.IncomingHttpHeaders, name: string): string[] {
  const v = headers[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
