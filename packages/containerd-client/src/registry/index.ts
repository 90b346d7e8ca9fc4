// Registry client (OCI distribution API) for client-side pulls: references, hosts.toml, auth, manifests, blobs, platforms.
export {
  RegistryClient, MANIFEST_ACCEPT,
  type RegistryClientOptions, type RequestOptions, type FetchBlobOptions, type ResolveResult, type FetchedManifest,
} from './client';
export {
  parseReference, tryParseReference, withObject, DEFAULT_DOMAIN,
  type ParsedReference, type ParseReferenceOptions,
} from './reference';
export {
  resolveHosts, parseHostsToml, isLoopbackHost, hostDirCandidates, DEFAULT_CERTS_DIR, DOCKER_HUB_HOST,
  type RegistryHost, type HostConfig, type HostsOptions, type HostCapability, type TlsSettings,
} from './hosts';
export { parseToml, TomlError, type TomlTable, type TomlValue } from './toml';
export {
  staticCredentials, chainCredentials, dockerConfigCredentials, readDockerConfig, parseDockerConfig,
  defaultDockerConfigPath, normalizeRegistryHost,
  type Credentials, type CredentialsProvider, type RegistryLogger, type DockerConfigOptions,
} from './credentials';
export { parseAuthenticate, tokenRealmUrl, type Challenge } from './auth';
export {
  hostPlatform, normalizePlatform, parsePlatform, formatPlatform, platformMatcher, strictPlatformMatcher,
  defaultPlatformMatcher, allPlatforms, isAttestation, selectManifests, selectManifest, type PlatformMatcher,
} from './platform';
export { digestOf, isValidDigest, digestProblem, ContentVerifier } from './digest';
export {
  RegistryError, InvalidReferenceError, RegistryAuthError, RegistryNotFoundError, RegistryUnreachableError,
  DigestMismatchError, NoMatchingPlatformError, RegistryHttpError, RegistryConfigError, RegistryAbortError,
  InsecureTokenRealmError, type RegistryErrorCode, type AuthFailure,
} from './errors';
export { verifyLogin, type LoginResult } from './login';
export { RegistryPusher, isRepositoryName, DEFAULT_PUSH_CHUNK, type UploadOptions, type BlobBytes } from './push';
