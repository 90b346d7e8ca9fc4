// A Docker-style token auth front for a test registry, on 127.0.0.1: registry requests without a valid Bearer
// token get 401 + `WWW-Authenticate: Bearer realm=".../token",service="test",scope="repository:<repo>:pull"`;
// /token issues tokens for Basic credentials, a refresh token (POST, as for identity tokens), or anonymously
// for repositories under a public prefix; requests with a valid token are proxied to the registry.
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenServerOptions {
  /** The registry to front, e.g. `http://127.0.0.1:5000`. */
  upstream: string;
  /** user -> password accepted on /token. */
  users?: Record<string, string>;
  /** refresh token -> user, accepted by POST /token grant_type=refresh_token. */
  refreshTokens?: Record<string, string>;
  /** Repositories starting with this prefix can be pulled without credentials. */
  publicPrefix?: string;
  tokenTtlSeconds?: number;
}

export interface TokenServer {
  readonly host: string;
  readonly url: string;
  readonly stats: { tokenRequests: number; tokensIssued: number; proxied: number; challenged: number };
  /** The scopes each /token request asked for (GET query or POST form), in arrival order. */
  readonly scopeRequests: string[][];
  stop(): Promise<void>;
}

const SERVICE = 'test';

/** Forwards a request to `upstream` and streams the answer back (headers and status untouched). */
export function proxyRequest(upstream: string, req: http.IncomingMessage, res: http.ServerResponse, path = req.url ?? '/'): void {
  const target = new URL(path, upstream);
  // distribution builds upload Locations from X-Forwarded-Host: pushes then come back through this front.
  const headers = { ...req.headers, host: target.host, 'x-forwarded-host': req.headers.host ?? target.host };
  delete headers.authorization;
  const up = http.request(target, { method: req.method, headers }, (ures) => {
    res.writeHead(ures.statusCode ?? 502, ures.headers);
    ures.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}

export function sendError(res: http.ServerResponse, status: number, code: string, message: string, headers: http.OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify({ errors: [{ code, message }] });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** The repository of a /v2/<repo>/(manifests|blobs|tags)/... path. */
export function repositoryOf(path: string): string | undefined {
  return /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(path)?.[1];
}

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const tokens = new Map<string, { repos: Set<string>; pushRepos: Set<string>; expires: number }>();
  const stats = { tokenRequests: 0, tokensIssued: 0, proxied: 0, challenged: 0 };
  const scopeRequests: string[][] = [];
  let realm = '';

  const issue = (res: http.ServerResponse, scopes: string[], user: string | undefined): void => {
    const repos = new Set<string>();
    const pushRepos = new Set<string>();
    for (const s of scopes) {
      const [type, name, actions] = s.split(':');
      const allowed = user !== undefined || (opts.publicPrefix !== undefined && name?.startsWith(opts.publicPrefix));
      if (type === 'repository' && actions?.split(',').includes('pull') && allowed) repos.add(name);
      // Pushing takes credentials, never the public prefix.
      if (type === 'repository' && actions?.split(',').includes('push') && user !== undefined) pushRepos.add(name);
    }
    const token = randomBytes(16).toString('hex');
    const ttl = opts.tokenTtlSeconds ?? 300;
    tokens.set(token, { repos, pushRepos, expires: Date.now() + ttl * 1000 });
    stats.tokensIssued++;
    const body = JSON.stringify({ token, access_token: token, expires_in: ttl, issued_at: new Date().toISOString() });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  };

  const handleToken = (req: http.IncomingMessage, res: http.ServerResponse, url: URL): void => {
    stats.tokenRequests++;
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        scopeRequests.push((form.get('scope') ?? '').split(' ').filter(Boolean));
        const user = opts.refreshTokens?.[form.get('refresh_token') ?? ''];
        if (form.get('grant_type') !== 'refresh_token' || user === undefined) {
          sendError(res, 401, 'UNAUTHORIZED', 'invalid refresh token');
          return;
        }
        issue(res, (form.get('scope') ?? '').split(' ').filter(Boolean), user);
      });
      return;
    }
    scopeRequests.push(url.searchParams.getAll('scope'));
    const auth = req.headers.authorization;
    let user: string | undefined;
    if (auth) {
      const decoded = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString();
      const i = decoded.indexOf(':');
      const [name, password] = [decoded.slice(0, i), decoded.slice(i + 1)];
      if (!auth.startsWith('Basic ') || i < 0 || opts.users?.[name] !== password) {
        sendError(res, 401, 'UNAUTHORIZED', 'authentication failed');
        return;
      }
      user = name;
    }
    issue(res, url.searchParams.getAll('scope'), user);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') return handleToken(req, res, url);
    const repo = repositoryOf(url.pathname);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const grant = token ? tokens.get(token) : undefined;
    // Writes (uploads, mounts, manifest PUTs) need a token with push on the repository, as distribution's.
    const write = req.method !== 'GET' && req.method !== 'HEAD';
    const ok = grant !== undefined && grant.expires > Date.now() && (repo === undefined || (write ? grant.pushRepos : grant.repos).has(repo));
    if (!ok) {
      stats.challenged++;
      const scope = repo ? `,scope="repository:${repo}:${write ? 'pull,push' : 'pull'}"` : '';
      sendError(res, 401, 'UNAUTHORIZED', 'authentication required', {
        'www-authenticate': `Bearer realm="${realm}",service="${SERVICE}"${scope}`,
      });
      return;
    }
    stats.proxied++;
    proxyRequest(opts.upstream, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  realm = `http://${host}/token`;
  return {
    host,
    url: `http://${host}`,
    stats,
    scopeRequests,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
