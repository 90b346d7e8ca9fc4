// Registry credentials: supplied by the caller per host, or read from Docker's config.json `auths`.
// Credential helpers (credsStore/credHelpers) are not run: they are external programs.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_DOMAIN } from './reference';
import { DOCKER_HUB_HOST } from './hosts';

export type Credentials =
  | { username: string; password: string }
  /** An OAuth2 refresh token (what `docker login` stores as `identitytoken`). */
  | { identityToken: string };

/** Credentials for a registry host (`docker.io`, `ghcr.io`, `127.0.0.1:5000`), or undefined for anonymous access. */
export type CredentialsProvider = (host: string) => Credentials | undefined | Promise<Credentials | undefined>;

export interface RegistryLogger {
  debug(message: string): void;
}

/** Canonical key for a registry host: no scheme, no path, Docker Hub's aliases folded into `docker.io`. */
export function normalizeRegistryHost(key: string): string {
  let h = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  h = h.split('/')[0].toLowerCase();
  if (h === 'index.docker.io' || h === DOCKER_HUB_HOST || h === 'registry.hub.docker.com') return DEFAULT_DOMAIN;
  return h;
}

/** A provider over a fixed map; keys may be written as `https://host/`, `host:port` or Docker Hub aliases. */
export function staticCredentials(map: Record<string, Credentials>): CredentialsProvider {
  const byHost = new Map<string, Credentials>();
  for (const [k, v] of Object.entries(map)) byHost.set(normalizeRegistryHost(k), v);
  return (host) => byHost.get(normalizeRegistryHost(host));
}

/** Tries each provider in turn; the first that has credentials for the host wins. */
export function chainCredentials(...providers: CredentialsProvider[]): CredentialsProvider {
  return async (host) => {
    for (const p of providers) {
      const c = await p(host);
      if (c) return c;
    }
    return undefined;
  };
}

interface DockerConfigEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface DockerConfigFile {
  auths?: Record<string, DockerConfigEntry>;
  credsStore?: unknown;
  credHelpers?: Record<string, unknown>;
}

export interface DockerConfigOptions {
  /** The config.json to read; default `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
  path?: string;
  logger?: RegistryLogger;
}

export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json');
}

/** Parses config.json text into credentials keyed by normalised host. Entries it cannot use are skipped. */
export function parseDockerConfig(text: string, logger?: RegistryLogger): Map<string, Credentials> {
  const out = new Map<string, Credentials>();
  const doc = JSON.parse(text) as DockerConfigFile;
  if (typeof doc.credsStore === 'string' && doc.credsStore) {
    logger?.debug(`docker config: credsStore "${doc.credsStore}" is not supported; only "auths" entries are used`);
  }
  for (const host of Object.keys(doc.credHelpers ?? {})) {
    logger?.debug(`docker config: credHelpers entry for ${host} is not supported; only "auths" entries are used`);
  }
  for (const [key, entry] of Object.entries(doc.auths ?? {})) {
    const creds = entryCredentials(entry);
    if (creds) out.set(normalizeRegistryHost(key), creds);
    else logger?.debug(`docker config: no usable credentials for ${normalizeRegistryHost(key)}`);
  }
  return out;
}

function entryCredentials(e: DockerConfigEntry): Credentials | undefined {
  if (typeof e.identitytoken === 'string' && e.identitytoken) return { identityToken: e.identitytoken };
  if (typeof e.auth === 'string' && e.auth) {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
    return undefined;
  }
  if (typeof e.username === 'string' && typeof e.password === 'string' && e.username) {
    return { username: e.username, password: e.password };
  }
  return undefined;
}

/** Reads Docker's config.json; a missing file means no credentials. */
export async function readDockerConfig(options: DockerConfigOptions = {}): Promise<Map<string, Credentials>> {
  const file = options.path ?? defaultDockerConfigPath();
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      options.logger?.debug(`docker config: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    return new Map();
  }
  try {
    return parseDockerConfig(text, options.logger);
  } catch {
    options.logger?.debug(`docker config: ${file} is not valid JSON; ignored`);
    return new Map();
  }
}

/** A provider reading Docker's config.json on first use (re-read when the file changes). */
export function dockerConfigCredentials(options: DockerConfigOptions = {}): CredentialsProvider {
  let cached: { mtimeMs: number; map: Map<string, Credentials> } | undefined;
  const file = options.path ?? defaultDockerConfigPath();
  return async (host) => {
    const mtimeMs = await fs.stat(file).then((s) => s.mtimeMs, () => -1);
    if (!cached || cached.mtimeMs !== mtimeMs) cached = { mtimeMs, map: await readDockerConfig({ ...options, path: file }) };
    return cached.map.get(normalizeRegistryHost(host));
  };
}
