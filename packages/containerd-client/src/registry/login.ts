// Checking registry credentials before storing them, as `docker login` does: GET /v2/ on the registry's own
// endpoint; on a Bearer challenge ask its token server for a token (no scope) with the credentials; on a
// Basic challenge retry /v2/ with them. Nothing is cached and nothing names the credentials.
import type { Credentials } from './credentials';
import { parseAuthenticate, tokenRealmUrl } from './auth';
import { RegistryAuthError, RegistryHttpError } from './errors';
import { type HostsOptions, resolveHosts } from './hosts';
import { parseReference } from './reference';
import { Transport, discard, headerValues, readRegistryError } from './transport';

export type LoginResult =
  /** The registry accepted the credentials. */
  | 'ok'
  /** The registry asks for no authentication at all (the credentials are stored anyway, for later). */
  | 'not-required';

function basic(c: Credentials): string | undefined {
  return 'username' in c ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : undefined;
}

/**
 * Verifies credentials for a registry host (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). Throws RegistryAuthError
 * ('rejected') when refused, RegistryUnreachableError when the registry cannot be reached.
 */
export async function verifyLogin(registry: string, credentials: Credentials, options: HostsOptions & { signal?: AbortSignal } = {}): Promise<LoginResult> {
  const domain = parseReference(`${registry}/probe`).domain;
  const hosts = await resolveHosts(domain, options);
  // The registry itself (hosts.toml's `server`, or the default endpoint), not a mirror.
  const host = hosts[hosts.length - 1];
  const transport = new Transport();
  try {
    const url = new URL(`${host.scheme}://${host.host}${host.path}/`);
    const base = { url, signal: options.signal, tls: host.tls, method: 'GET' as const };
    const ping = await transport.request({ ...base, headers: { 'user-agent': 'containerd-explorer/0.1' } });
    discard(ping);
    if (ping.status === 200) return 'not-required';
    if (ping.status !== 401) throw new RegistryHttpError(host.host, ping.status, undefined, 'unexpected answer to /v2/');
    const challenges = parseAuthenticate(headerValues(ping.headers, 'www-authenticate').join(', '));
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params['realm']);
    let res;
    if (bearer) {
      // The same realm rule as pulls: no credentials to a plain-HTTP realm the user has not allowed.
      const realm = tokenRealmUrl(bearer.params['realm'], host, options.insecureRegistries);
      if (bearer.params['service']) realm.searchParams.set('service', bearer.params['service']);
      const headers: Record<string, string> = { accept: 'application/json' };
      if ('identityToken' in credentials) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: 'containerd-explorer' });
        if (bearer.params['service']) form.set('service', bearer.params['service']);
        res = await transport.request({ ...base, url: realm, method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), tls: realm.host === host.host ? host.tls : undefined });
      } else {
        if ('username' in credentials) realm.searchParams.set('account', credentials.username);
        res = await transport.request({ ...base, url: realm, headers: { ...headers, authorization: basic(credentials) ?? '' }, tls: realm.host === host.host ? host.tls : undefined });
      }
    } else {
      const auth = basic(credentials);
      if (!auth) throw new RegistryAuthError(host.host, 'rejected', 401, undefined, { detail: 'this registry takes a user name and password, not a token' });
      res = await transport.request({ ...base, headers: { authorization: auth } });
    }
    if (res.status === 200) { discard(res); return 'ok'; }
    const err = await readRegistryError(res);
    if (res.status === 401 || res.status === 403) throw new RegistryAuthError(host.host, 'rejected', res.status, undefined, { detail: err.message });
    throw new RegistryHttpError(res.url.host, res.status, err.code, err.message ?? 'login failed');
  } finally {
    transport.close();
  }
}
