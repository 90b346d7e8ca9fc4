// Which of the daemon's credential requests get the caller's credentials: only those for the image's own
// registry, and (when containerd passes the registry's WWW-Authenticate, as newer versions do) never for a
// plain-HTTP token realm that the client-side pull would refuse too (InsecureTokenRealmError).
import { parseAuthenticate } from '../registry/auth';
import { normalizeRegistryHost } from '../registry/credentials';
import { InsecureTokenRealmError } from '../registry/errors';
import { isInsecure, isLoopbackHost } from '../registry/hosts';

export interface AuthRequestFields { host: string; wwwauthenticate: readonly string[] }

export type AuthDecision =
  | { answer: true }
  /** Answer NONE; `refusal` is what to report if the pull then fails for want of credentials. */
  | { answer: false; refusal?: InsecureTokenRealmError };

export function decideAuth(req: AuthRequestFields, domain: string, insecureRegistries?: readonly string[]): AuthDecision {
  // A redirect target or mirror on another host gets nothing: credentials stay on their registry.
  if (normalizeRegistryHost(req.host) !== normalizeRegistryHost(domain)) return { answer: false };
  const registryPlain = isLoopbackHost(domain) || isInsecure(domain, insecureRegistries);
  for (const header of req.wwwauthenticate) {
    for (const challenge of parseAuthenticate(header)) {
      if (challenge.scheme !== 'bearer' || !challenge.params.realm) continue;
      let url: URL;
      try {
        url = new URL(challenge.params.realm);
      } catch {
        return { answer: false };
      }
      if (url.protocol === 'https:') continue;
      const plainAllowed = url.protocol === 'http:'
        && (isLoopbackHost(url.host) || isInsecure(url.host, insecureRegistries) || (registryPlain && url.host === req.host));
      if (!plainAllowed) return { answer: false, refusal: new InsecureTokenRealmError(`${url.protocol}//${url.host}${url.pathname}`, url.host, domain) };
    }
  }
  return { answer: true };
}
