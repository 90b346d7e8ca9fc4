// Image reference parsing and normalisation as Docker and nerdctl do it (distribution/reference grammar):
// `redis:alpine` -> docker.io/library/redis:alpine. ctr does no normalisation; users expect Docker's habits.
import { InvalidReferenceError } from './errors';
import { digestProblem } from './digest';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_MAX_LENGTH = 255;

// Grammar pieces, from github.com/distribution/reference (regexp.go), IPv6 hosts included.
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[[a-fA-F0-9:]+\\]';
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const DOMAIN_RE = new RegExp(`^${domainAndPort}$`);
const PATH_RE = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
const TAG_RE = new RegExp(`^${tagPattern}$`);
const DIGEST_RE = new RegExp(`^${digestPattern}$`);
const HEX64_RE = /^[a-f0-9]{64}$/;

export interface ParsedReference {
  /** Registry host as written in the reference, `docker.io` for Docker Hub; may carry a port. */
  readonly domain: string;
  /** Repository path inside the registry, e.g. `library/redis`. */
  readonly path: string;
  /** Tag; `latest` when the reference had neither a tag nor a digest. */
  readonly tag?: string;
  readonly digest?: string;
  /** `domain/path`, the repository name containerd and nerdctl store. */
  readonly name: string;
  /** Docker's short form for display: `redis:alpine`, `user/app:1`, `ghcr.io/org/app@sha256:...`. */
  readonly familiar: string;
  /** Familiar name without tag or digest: `redis`. */
  readonly familiarName: string;
  /** What the registry is asked for: the digest when there is one (it wins over the tag), else the tag. */
  readonly object: string;
  /** Fully normalised reference: `docker.io/library/redis:alpine`. */
  toString(): string;
}

export interface ParseReferenceOptions {
  /** Add `:latest` when there is neither a tag nor a digest (default true, as `docker pull` does). */
  defaultTag?: boolean;
}

/** Parses and normalises `input`; throws InvalidReferenceError with a message fit for the user. */
export function parseReference(input: string, options: ParseReferenceOptions = {}): ParsedReference {
  const fail = (reason: string): never => {
    throw new InvalidReferenceError(input, reason);
  };
  const s = input.trim();
  if (s === '') fail('reference is empty');
  if (HEX64_RE.test(s)) fail('cannot use a 64-character hexadecimal string as a repository name (is it an image ID?)');
  if (/\s/.test(s)) fail('references must not contain whitespace');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(s)) fail('references must not contain control characters');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) fail('a reference has no URL scheme: drop the "scheme://" prefix');

  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) fail(`invalid digest ${JSON.stringify(digest)}`);
    const problem = digestProblem(digest);
    if (problem) fail(problem);
  }

  // A colon after the last slash starts the tag; earlier colons belong to the host's port.
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag === '') fail('tag is empty');
    if (!TAG_RE.test(tag)) {
      fail(tag.length > 128
        ? 'tags must be at most 128 characters'
        : `invalid tag ${JSON.stringify(tag)}: tags may contain letters, digits, "_", "." and "-" and must not start with "." or "-"`);
    }
  }

  const [domain, path] = splitDomain(rest);
  if (!DOMAIN_RE.test(domain)) fail(`invalid registry host ${JSON.stringify(domain)}`);
  if (path === '') fail('repository name is empty');
  if (path !== path.toLowerCase()) fail('repository names must be lowercase');
  if (!PATH_RE.test(path)) {
    fail('repository names may contain lowercase letters, digits and single separators (".", "_", "__", "-") between "/"-separated components');
  }
  if (domain.length + 1 + path.length > NAME_MAX_LENGTH) fail(`repository names must be at most ${NAME_MAX_LENGTH} characters`);

  if (tag === undefined && digest === undefined && options.defaultTag !== false) tag = 'latest';
  return makeReference(domain, path, tag, digest);
}

/** Like parseReference, but returns undefined instead of throwing. */
export function tryParseReference(input: string, options?: ParseReferenceOptions): ParsedReference | undefined {
  try {
    return parseReference(input, options);
  } catch {
    return undefined;
  }
}

/** Docker's rule: the first component is a host only if it has a "." or ":" or is "localhost". */
function splitDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  let domain: string;
  let path: string;
  if (i === -1 || (!/[.:]/.test(name.slice(0, i)) && name.slice(0, i) !== 'localhost')) {
    domain = DEFAULT_DOMAIN;
    path = name;
  } else {
    domain = name.slice(0, i);
    path = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && path !== '' && !path.includes('/')) path = OFFICIAL_REPO_PREFIX + path;
  return [domain, path];
}

function makeReference(domain: string, path: string, tag: string | undefined, digest: string | undefined): ParsedReference {
  const name = `${domain}/${path}`;
  const suffix = (tag !== undefined ? `:${tag}` : '') + (digest !== undefined ? `@${digest}` : '');
  let familiarName = name;
  if (domain === DEFAULT_DOMAIN) {
    familiarName = path.startsWith(OFFICIAL_REPO_PREFIX) && path.split('/').length === 2
      ? path.slice(OFFICIAL_REPO_PREFIX.length)
      : path;
  }
  const full = name + suffix;
  return {
    domain,
    path,
    tag,
    digest,
    name,
    familiar: familiarName + suffix,
    familiarName,
    object: digest ?? tag ?? 'latest',
    toString: () => full,
  };
}

/** The same repository with another tag or digest (e.g. to name a platform manifest found in an index). */
export function withObject(ref: ParsedReference, object: { tag?: string; digest?: string }): ParsedReference {
  return makeReference(ref.domain, ref.path, object.tag, object.digest);
}
