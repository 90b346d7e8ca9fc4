// Typed registry errors. Messages name the host and the reference, never credentials, tokens or signed URLs.

export type RegistryErrorCode =
  | 'InvalidReference'
  | 'Auth'
  | 'NotFound'
  | 'Unreachable'
  | 'DigestMismatch'
  | 'NoMatchingPlatform'
  | 'Http'
  | 'Config'
  | 'Aborted';

export class RegistryError extends Error {
  readonly code: RegistryErrorCode = 'Http';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
  }
}

export class InvalidReferenceError extends RegistryError {
  override readonly code = 'InvalidReference';
  constructor(readonly reference: string, readonly reason: string) {
    super(`invalid reference ${JSON.stringify(reference)}: ${reason}`);
  }
}

/**
 * Why authentication failed: `required` (no credentials for the host), `rejected` (the credentials were refused),
 * `denied` (authenticated, but the registry refuses this repository or action).
 */
export type AuthFailure = 'required' | 'rejected' | 'denied';

export class RegistryAuthError extends RegistryError {
  override readonly code = 'Auth';
  constructor(
    readonly host: string,
    readonly reason: AuthFailure,
    readonly status: number,
    readonly repository?: string,
    options?: { cause?: unknown; detail?: string },
  ) {
    super(authMessage(host, reason, status, repository, options?.detail), options);
  }
}

function authMessage(host: string, reason: AuthFailure, status: number, repo?: string, detail?: string): string {
  const head = `${status} ${status === 403 ? 'Forbidden' : 'Unauthorized'} from ${host}`;
  const tail = detail ? ` (${detail})` : '';
  switch (reason) {
    case 'required':
      return `${head}: log in with \`nerdctl login ${host}\` (or \`docker login ${host}\`) first${tail}`;
    case 'rejected':
      return `${head}: the credentials for ${host} were rejected${tail}`;
    case 'denied':
      return `${head}: access to ${repo ?? 'the repository'} was denied${tail}`;
  }
}

export class RegistryNotFoundError extends RegistryError {
  override readonly code = 'NotFound';
  constructor(
    readonly reference: string,
    readonly what: 'manifest' | 'blob' | 'repository',
    readonly host?: string,
    detail?: string,
  ) {
    super(`${what} not found: ${reference}${host ? ` on ${host}` : ''}${detail ? ` (${detail})` : ''}`);
  }
}

export class RegistryUnreachableError extends RegistryError {
  override readonly code = 'Unreachable';
  constructor(readonly host: string, readonly syscallCode: string | undefined, options?: { cause?: unknown }) {
    super(`cannot reach registry ${host}: ${describeNetCode(syscallCode)}`, options);
  }
}

function describeNetCode(code: string | undefined): string {
  switch (code) {
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'host name not found (DNS)';
    case 'ECONNREFUSED': return 'connection refused';
    case 'ECONNRESET': return 'connection reset';
    case 'ETIMEDOUT': case 'ESOCKETTIMEDOUT': return 'timed out';
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'no route to host';
    default:
      if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code)) {
        return `TLS certificate not accepted (${code}); add its CA to the host's hosts.toml ("ca = ...")`;
      }
      if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') return 'TLS handshake failed (is it a plain HTTP registry?)';
      return code ?? 'network error';
  }
}

/** Content did not match its descriptor: wrong digest, or wrong size. */
export class DigestMismatchError extends RegistryError {
  override readonly code = 'DigestMismatch';
  constructor(
    readonly what: string,
    readonly expected: { digest: string; size: number },
    readonly actual: { digest?: string; size: number },
  ) {
    super(actual.digest !== undefined && actual.size === expected.size
      ? `digest mismatch for ${what}: expected ${expected.digest}, got ${actual.digest}`
      : `size mismatch for ${what} (${expected.digest}): expected ${expected.size} bytes, got ${actual.size}`);
  }
}

export class NoMatchingPlatformError extends RegistryError {
  override readonly code = 'NoMatchingPlatform';
  constructor(readonly wanted: string, readonly available: string[], reference?: string) {
    super(`no manifest for platform ${wanted}${reference ? ` in ${reference}` : ''}; available: ${available.join(', ') || 'none'}`);
  }
}

/** Any other unexpected HTTP status. `registryCode` is the first OCI error code from the body, e.g. TOOMANYREQUESTS. */
export class RegistryHttpError extends RegistryError {
  override readonly code = 'Http';
  constructor(readonly host: string, readonly status: number, readonly registryCode?: string, detail?: string) {
    super(`registry ${host} answered ${status}${registryCode ? ` ${registryCode}` : ''}${detail ? `: ${detail}` : ''}`);
  }
}

/** Bad hosts.toml, unreadable CA file, and the like. */
export class RegistryConfigError extends RegistryError {
  override readonly code = 'Config';
}

/**
 * A registry asked for a token from a plain-HTTP realm on a host not allowed plain HTTP: the user's credentials
 * and the token would cross the network in clear text. `realm` is shown without its query.
 */
export class InsecureTokenRealmError extends RegistryConfigError {
  constructor(readonly realm: string, readonly realmHost: string, readonly registry: string) {
    super(`refusing to fetch a token for ${registry} from ${realm} over plain HTTP (credentials and tokens would travel in clear text): `
      + `the registry should announce an https:// token realm, or add "${realmHost}" to the containerd.insecureRegistries setting if that network is trusted`);
  }
}

export class RegistryAbortError extends RegistryError {
  override readonly code = 'Aborted';
  constructor(options?: { cause?: unknown }) {
    super('registry operation aborted', options);
    // The conventional name, so generic `err.name === 'AbortError'` checks keep working.
    this.name = 'AbortError';
  }
}
