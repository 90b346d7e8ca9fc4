// Registry authentication: WWW-Authenticate challenges, Docker's Bearer token flow (anonymous, Basic credentials,
// or an identity/refresh token), Basic auth, a token cache per host and scope, and the rule for which token
// realms may be contacted (no plain HTTP off loopback unless the user allowed it).
import { type RegistryHost, isInsecure, isLoopbackHost } from './hosts';
import type { Credentials, CredentialsProvider, RegistryLogger } from './credentials';
import { type AuthFailure, InsecureTokenRealmError, RegistryAuthError, RegistryError, RegistryHttpError } from './errors';
import { type HttpResponse, type Transport, readBody, readRegistryError } from './transport';

export interface Challenge {
  /** Lower-cased scheme: `bearer`, `basic`, ... */
  scheme: string;
  params: Record<string, string>;
}

/** Parses a WWW-Authenticate value, which may hold several challenges: `Bearer realm="...",scope="a,b", Basic realm=x`. */
export function parseAuthenticate(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipWs = (): void => {
    while (i < s.length && /[\s,]/.test(s[i])) i++;
  };
  const token = (): string => {
    const m = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(s.slice(i));
    if (!m) return '';
    i += m[0].length;
    return m[0];
  };
  let current: Challenge | undefined;
  while (i < s.length) {
    skipWs();
    const word = token();
    if (!word) {
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && s[j] === ' ') j++;
    if (s[j] === '=' && current) {
      i = j + 1;
      while (i < s.length && s[i] === ' ') i++;
      current.params[word.toLowerCase()] = s[i] === '"' ? quoted() : bare();
    } else if (s[j] === '=' && !current) {
      i = j + 1; // a parameter without a scheme: ignore it
      if (s[i] === '"') quoted();
      else bare();
    } else {
      current = { scheme: word.toLowerCase(), params: {} };
      out.push(current);
      // token68 form (`Basic abc==`) carries no parameters we use.
    }
  }
  return out;

  /** Unquoted values: lenient (servers send unquoted URLs), up to the next comma or space. */
  function bare(): string {
    const m = /^[^\s,]*/.exec(s.slice(i)) as RegExpExecArray;
    i += m[0].length;
    return m[0];
  }

  function quoted(): string {
    let v = '';
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      v += s[i++];
    }
    i++;
    return v;
  }
}

/**
 * Parses a Bearer realm and refuses one that would carry credentials or tokens in clear text. The realm may be on
 * another host (Docker Hub's is), but over plain HTTP only on loopback, for a host in `insecureRegistries`, or on
 * the registry's own endpoint when the user already reaches that over HTTP (hosts.toml `server = "http://..."`).
 */
export function tokenRealmUrl(realm: string | undefined, registry: RegistryHost, insecureRegistries: readonly string[] | undefined): URL {
  let url: URL;
  try {
    url = new URL(realm ?? '');
  } catch {
    throw new RegistryHttpError(registry.host, 401, undefined, 'invalid token realm in WWW-Authenticate');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol !== 'http:') {
    throw new RegistryHttpError(registry.host, 401, undefined, `token realm scheme ${url.protocol} is not http(s)`);
  }
  const plainAllowed = isLoopbackHost(url.host) || isInsecure(url.host, insecureRegistries)
    || (registry.scheme === 'http' && url.host === registry.host);
  if (!plainAllowed) throw new InsecureTokenRealmError(`${url.protocol}//${url.host}${url.pathname}`, url.host, registry.host);
  return url;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

interface HostAuthState {
  scheme: 'bearer' | 'basic';
  realm?: string;
  service?: string;
}

export interface AuthContext {
  host: RegistryHost;
  /** Repository path, for the default scope `repository:<path>:pull` and for messages. */
  repository: string;
  /** Actions asked on the repository (default `pull`; a push asks `pull,push`). */
  actions?: string;
  /** More scopes to ask for, e.g. a cross-repository mount's `repository:<source>:pull`. */
  scopes?: readonly string[];
  signal?: AbortSignal;
}

const TOKEN_RESPONSE_LIMIT = 1024 * 1024;
/** The distribution spec's default lifetime when the token server does not say. */
const DEFAULT_TOKEN_SECONDS = 60;

/**
 * Holds what each host asked for (learnt from its first 401) so later requests authenticate up front,
 * and caches tokens per host, service and scope until shortly before they expire.
 */
export class Authorizer {
  private readonly state = new Map<string, HostAuthState>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly transport: Transport,
    private readonly credentials: CredentialsProvider | undefined,
    private readonly logger: RegistryLogger | undefined,
    private readonly userAgent: string,
    /** containerd.insecureRegistries: hosts whose token realms may be plain HTTP. */
    private readonly insecureRegistries: readonly string[] = [],
  ) {}

  /** The Authorization header for a request, when the host is known to want one; undefined otherwise. */
  async header(ctx: AuthContext): Promise<string | undefined> {
    const st = this.state.get(ctx.host.host);
    if (!st) return undefined;
    return this.headerFor(ctx, st, []);
  }

  /**
   * Handles a 401: learns the challenge and returns the header to retry with.
   * Throws RegistryAuthError when there is nothing to retry with.
   */
  async challenge(ctx: AuthContext, res: HttpResponse): Promise<string> {
    const challenges = parseAuthenticate(res.headers['www-authenticate'] === undefined ? '' : String(res.headers['www-authenticate']));
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params['realm']);
    const basic = challenges.find((c) => c.scheme === 'basic');
    let st: HostAuthState;
    if (bearer) st = { scheme: 'bearer', realm: bearer.params['realm'], service: bearer.params['service'] };
    else if (basic) st = { scheme: 'basic' };
    else {
      throw new RegistryAuthError(ctx.host.host, 'required', res.status, ctx.repository, {
        detail: 'the registry sent no usable WWW-Authenticate challenge',
      });
    }
    this.state.set(ctx.host.host, st);
    const extraScopes = bearer?.params['scope'] ? bearer.params['scope'].split(' ').filter(Boolean) : [];
    // A token that was just rejected must not be served from the cache again.
    this.forget(ctx, st, extraScopes);
    return this.headerFor(ctx, st, extraScopes);
  }

  /**
   * Why a request still got 401 after authenticating: without credentials the user should log in;
   * Basic credentials were refused outright; a Bearer token was issued but does not grant the repository.
   */
  async failureReason(host: RegistryHost): Promise<AuthFailure> {
    if ((await this.credentials?.(host.host)) === undefined) return 'required';
    return this.state.get(host.host)?.scheme === 'basic' ? 'rejected' : 'denied';
  }

  private scopes(ctx: AuthContext, extra: string[]): string[] {
    return [...new Set([`repository:${ctx.repository}:${ctx.actions ?? 'pull'}`, ...(ctx.scopes ?? []), ...extra])].sort();
  }

  private cacheKey(ctx: AuthContext, st: HostAuthState, scopes: string[]): string {
    return `${ctx.host.host}\n${st.realm ?? ''}\n${st.service ?? ''}\n${scopes.join(' ')}`;
  }

  private forget(ctx: AuthContext, st: HostAuthState, extra: string[]): void {
    this.tokens.delete(this.cacheKey(ctx, st, this.scopes(ctx, extra)));
  }

  private async headerFor(ctx: AuthContext, st: HostAuthState, extra: string[]): Promise<string> {
    const creds = await this.credentials?.(ctx.host.host);
    if (st.scheme === 'basic') {
      if (!creds || !('username' in creds)) {
        throw new RegistryAuthError(ctx.host.host, 'required', 401, ctx.repository);
      }
      return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    const scopes = this.scopes(ctx, extra);
    const key = this.cacheKey(ctx, st, scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetchToken(ctx, st, scopes, creds).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  private async fetchToken(ctx: AuthContext, st: HostAuthState, scopes: string[], creds: Credentials | undefined): Promise<string> {
    // Before any connection: a refused realm is never contacted, with or without credentials.
    const realm = tokenRealmUrl(st.realm, ctx.host, this.insecureRegistries);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json' };
    let res: HttpResponse;
    const how = !creds ? 'anonymous' : 'identityToken' in creds ? 'identity token' : 'basic credentials';
    this.logger?.debug(`registry auth: fetching token from ${realm.host} for ${scopes.join(' ')} (${how})`);
    // The registry's CAs and client certificates are for its own endpoint only, not a token server elsewhere.
    const base = { url: realm, signal: ctx.signal, tls: realm.host === ctx.host.host ? ctx.host.tls : undefined };
    if (creds && 'identityToken' in creds) {
      // OAuth2 refresh-token grant, as Docker does with the identity token `docker login` stored.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'containerd-explorer' });
      if (st.service) form.set('service', st.service);
      form.set('scope', scopes.join(' '));
      headers['content-type'] = 'application/x-www-form-urlencoded';
      res = await this.transport.request({ ...base, method: 'POST', headers, body: form.toString() });
    } else {
      const url = new URL(realm);
      if (st.service) url.searchParams.set('service', st.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (creds) headers['authorization'] = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      res = await this.transport.request({ ...base, url, method: 'GET', headers });
    }
    if (res.status === 401 || res.status === 403) {
      const err = await readRegistryError(res);
      throw new RegistryAuthError(ctx.host.host, creds ? 'rejected' : 'required', res.status, ctx.repository, {
        detail: err.message ? `token server ${realm.host}: ${err.message}` : undefined,
      });
    }
    if (res.status !== 200) {
      const err = await readRegistryError(res);
      throw new RegistryHttpError(realm.host, res.status, err.code, `token request failed${err.message ? `: ${err.message}` : ''}`);
    }
    return this.storeToken(ctx, st, scopes, res);
  }

  private async storeToken(ctx: AuthContext, st: HostAuthState, scopes: string[], res: HttpResponse): Promise<string> {
    let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      doc = JSON.parse((await readBody(res, TOKEN_RESPONSE_LIMIT, ctx.signal)).toString('utf8')) as typeof doc;
    } catch (e) {
      if (e instanceof RegistryError) throw e;
      throw new RegistryHttpError(res.url.host, res.status, undefined, 'token response is not JSON');
    }
    const token = typeof doc.access_token === 'string' && doc.access_token ? doc.access_token : doc.token;
    if (typeof token !== 'string' || !token) throw new RegistryHttpError(res.url.host, res.status, undefined, 'token response has no token');
    const seconds = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : DEFAULT_TOKEN_SECONDS;
    const issued = typeof doc.issued_at === 'string' ? Date.parse(doc.issued_at) : NaN;
    const start = Number.isFinite(issued) ? Math.min(issued, Date.now()) : Date.now();
    // Renew a little early so a token does not expire between the check and the request.
    this.tokens.set(this.cacheKey(ctx, st, scopes), { token, expiresAt: start + seconds * 1000 * 0.9 });
    return token;
  }
}
