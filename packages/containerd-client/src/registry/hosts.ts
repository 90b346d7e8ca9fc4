// Which endpoints serve a registry domain, and how to talk to them: containerd's certs.d/<host>/hosts.toml
// (mirrors, CAs, client certificates, skip_verify, headers), Docker's certs.d layout, and the defaults
// (docker.io -> registry-1.docker.io; plain HTTP for loopback and explicitly insecure registries only).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isIP } from 'node:net';
import { parseToml, TomlError, type TomlTable, type TomlValue } from './toml';
import { RegistryConfigError } from './errors';
import { DEFAULT_DOMAIN } from './reference';

export const DEFAULT_CERTS_DIR = '/etc/containerd/certs.d';
export const DOCKER_HUB_HOST = 'registry-1.docker.io';

export type HostCapability = 'pull' | 'resolve' | 'push';
const ALL_CAPABILITIES: readonly HostCapability[] = ['pull', 'resolve', 'push'];

/** One host entry as written in hosts.toml, file paths made absolute but not read yet. */
export interface HostConfig {
  /** Empty when the file names no `server`: the default endpoint for the domain is used. */
  scheme: 'http' | 'https' | '';
  host: string;
  path: string;
  capabilities: HostCapability[];
  caFiles: string[];
  /** [certificate file, key file]; an empty key file means the key is in the certificate file. */
  clientPairs: Array<[string, string]>;
  skipVerify?: boolean;
  headers: Record<string, string[]>;
}

export interface TlsSettings {
  /** Extra CA certificates (PEM), added to Node's bundled roots. */
  ca: Buffer[];
  clientCerts: Array<{ cert: Buffer; key: Buffer }>;
  skipVerify: boolean;
}

/** An endpoint to send registry requests to, in the order they should be tried. */
export interface RegistryHost {
  scheme: 'http' | 'https';
  /** host[:port] to connect to. */
  host: string;
  /** API root, normally `/v2`. */
  path: string;
  capabilities: HostCapability[];
  tls: TlsSettings;
  headers: Record<string, string[]>;
  /** A mirror of another registry: requests carry `?ns=<domain>` as containerd sends them. */
  mirror: boolean;
}

export interface HostsOptions {
  /** Directory holding `<host>/hosts.toml` (default /etc/containerd/certs.d). */
  certsDir?: string;
  /** Registries reached over plain HTTP although not on loopback: `host` or `host:port`. */
  insecureRegistries?: readonly string[];
}

/** True for localhost, 127.0.0.0/8 and ::1, with or without a port. */
export function isLoopbackHost(hostPort: string): boolean {
  const host = splitHostPort(hostPort)[0].toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

export function splitHostPort(hostPort: string): [string, string | undefined] {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (v6) return [v6[1], v6[2]];
  const i = hostPort.lastIndexOf(':');
  if (i > 0 && hostPort.indexOf(':') === i) return [hostPort.slice(0, i), hostPort.slice(i + 1)];
  return [hostPort, undefined];
}

/** True when `domain` (host or host:port) is listed in insecureRegistries, as `host`, `host:port` or a URL. */
export function isInsecure(domain: string, insecure: readonly string[] | undefined): boolean {
  if (!insecure) return false;
  const [name] = splitHostPort(domain);
  return insecure.some((entry) => {
    const e = entry.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    return e === domain || e === name;
  });
}

/** Directories containerd looks in for a host, in order: `host_port_` form, `host:port`, `_default`. */
export function hostDirCandidates(certsDir: string, host: string): string[] {
  const out: string[] = [];
  const i = host.lastIndexOf(':');
  if (i > 0) out.push(path.join(certsDir, `${host.slice(0, i)}_${host.slice(i + 1)}_`));
  out.push(path.join(certsDir, host), path.join(certsDir, '_default'));
  return out;
}

/** The endpoints for `domain`, mirrors first, with TLS material loaded. */
export async function resolveHosts(domain: string, options: HostsOptions = {}): Promise<RegistryHost[]> {
  const certsDir = options.certsDir ?? DEFAULT_CERTS_DIR;
  let configs: HostConfig[] | undefined;
  for (const dir of hostDirCandidates(certsDir, domain)) {
    if (await isDirectory(dir)) {
      configs = await loadHostDir(dir);
      break;
    }
  }
  configs ??= [emptyHostConfig()];
  const last = configs[configs.length - 1];
  if (last && last.host === '') fillDefaultHost(last, domain, options.insecureRegistries);
  return Promise.all(configs.map((c) => loadHost(c, domain)));
}

function emptyHostConfig(): HostConfig {
  return { scheme: '', host: '', path: '', capabilities: [...ALL_CAPABILITIES], caFiles: [], clientPairs: [], headers: {} };
}

function fillDefaultHost(c: HostConfig, domain: string, insecure: readonly string[] | undefined): void {
  if (domain === DEFAULT_DOMAIN) {
    c.scheme = 'https';
    c.host = DOCKER_HUB_HOST;
  } else {
    c.host = domain;
    c.scheme = isLoopbackHost(domain) || isInsecure(domain, insecure) ? 'http' : 'https';
  }
  c.path = '/v2';
  c.capabilities = [...ALL_CAPABILITIES];
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function loadHostDir(dir: string): Promise<HostConfig[]> {
  let text = '';
  try {
    text = await fs.readFile(path.join(dir, 'hosts.toml'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new RegistryConfigError(`cannot read ${path.join(dir, 'hosts.toml')}: ${(e as Error).message}`, { cause: e });
    }
  }
  if (text.trim() === '') return loadCertFiles(dir);
  return parseHostsToml(text, dir, path.join(dir, 'hosts.toml'));
}

/** Docker's certs.d layout: *.crt are CAs, *.cert with a matching *.key are client key pairs. */
async function loadCertFiles(dir: string): Promise<HostConfig[]> {
  const c = emptyHostConfig();
  const names = (await fs.readdir(dir).catch(() => [] as string[])).sort();
  for (const n of names) {
    if (n.endsWith('.crt')) c.caFiles.push(path.join(dir, n));
    if (n.endsWith('.cert')) {
      const key = path.join(dir, `${n.slice(0, -5)}.key`);
      c.clientPairs.push([path.join(dir, n), names.includes(path.basename(key)) ? key : '']);
    }
  }
  return [c];
}

/** Parses hosts.toml text: `[host."..."]` entries in file order, then the root `server` (or the default). */
export function parseHostsToml(text: string, baseDir: string, fileName = 'hosts.toml'): HostConfig[] {
  let doc: TomlTable;
  try {
    doc = parseToml(text);
  } catch (e) {
    throw new RegistryConfigError(`${fileName}: ${e instanceof TomlError ? e.message : String(e)}`, { cause: e });
  }
  const bad = (msg: string): never => {
    throw new RegistryConfigError(`${fileName}: ${msg}`);
  };
  const out: HostConfig[] = [];
  const hostTables = doc['host'];
  if (hostTables !== undefined) {
    if (!isTable(hostTables)) bad('"host" must be a table of [host."<url>"] sections');
    for (const [url, cfg] of Object.entries(hostTables as TomlTable)) {
      if (!isTable(cfg)) bad(`[host.${JSON.stringify(url)}] must be a table`);
      out.push(parseHostEntry(url, cfg as TomlTable, baseDir, bad));
    }
  }
  const server = doc['server'];
  if (server !== undefined && typeof server !== 'string') bad('"server" must be a string');
  out.push(parseHostEntry((server as string | undefined) ?? '', doc, baseDir, bad));
  return out;
}

function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseHostEntry(server: string, t: TomlTable, baseDir: string, bad: (m: string) => never): HostConfig {
  const c = emptyHostConfig();
  if (server !== '') {
    const withScheme = /^https?:\/\//.test(server) ? server : `https://${server}`;
    let u: URL;
    try {
      u = new URL(withScheme);
    } catch {
      return bad(`invalid server URL ${JSON.stringify(server)}`);
    }
    c.scheme = u.protocol === 'http:' ? 'http' : 'https';
    c.host = u.host;
    const override = t['override_path'] === true;
    let p = u.pathname === '/' ? '' : path.posix.normalize(u.pathname).replace(/\/+$/, '');
    if (!override && !p.endsWith('/v2')) p += '/v2';
    c.path = p;
  }
  const caps = t['capabilities'];
  if (caps !== undefined) {
    const list = stringList(caps, 'capabilities', bad);
    if (list.length > 0) {
      c.capabilities = list.map((x) => {
        const v = x.toLowerCase();
        if (v !== 'pull' && v !== 'resolve' && v !== 'push') bad(`unknown capability ${JSON.stringify(x)}`);
        return v as HostCapability;
      });
    }
  }
  const abs = (p: string): string => (path.isAbsolute(p) ? p : path.join(baseDir, p));
  if (t['ca'] !== undefined) c.caFiles = stringList(t['ca'], 'ca', bad).map(abs);
  const client = t['client'];
  if (client !== undefined) {
    const items = Array.isArray(client) ? client : [client];
    for (const item of items) {
      if (typeof item === 'string') c.clientPairs.push([abs(item), '']);
      else if (Array.isArray(item) && item.length === 2 && item.every((x) => typeof x === 'string')) {
        c.clientPairs.push([abs(item[0] as string), abs(item[1] as string)]);
      } else bad('"client" must be a path, a list of paths or a list of [cert, key] pairs');
    }
  }
  const skip = t['skip_verify'];
  if (skip !== undefined) {
    if (typeof skip !== 'boolean') bad('"skip_verify" must be true or false');
    c.skipVerify = skip as boolean;
  }
  const header = t['header'];
  if (header !== undefined) {
    if (!isTable(header)) bad('"header" must be a table');
    for (const [k, v] of Object.entries(header as TomlTable)) c.headers[k] = stringList(v, `header ${k}`, bad);
  }
  return c;
}

function stringList(v: TomlValue, what: string, bad: (m: string) => never): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return bad(`"${what}" must be a string or a list of strings`);
}

async function loadHost(c: HostConfig, domain: string): Promise<RegistryHost> {
  const read = async (file: string, what: string): Promise<Buffer> => {
    try {
      return await fs.readFile(file);
    } catch (e) {
      throw new RegistryConfigError(`cannot read ${what} ${file} for ${c.host}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
    }
  };
  const ca = await Promise.all(c.caFiles.map((f) => read(f, 'CA certificate')));
  const clientCerts = await Promise.all(c.clientPairs.map(async ([certFile, keyFile]) => {
    const cert = await read(certFile, 'client certificate');
    return { cert, key: keyFile ? await read(keyFile, 'client key') : cert };
  }));
  // containerd skips verification for its own loopback default; plain HTTP makes it moot anyway.
  const skipVerify = c.skipVerify ?? false;
  const mirror = c.host !== domain && !(domain === DEFAULT_DOMAIN && c.host === DOCKER_HUB_HOST);
  return {
    scheme: c.scheme === 'http' ? 'http' : 'https',
    host: c.host,
    path: c.path,
    capabilities: c.capabilities,
    tls: { ca, clientCerts, skipVerify },
    headers: c.headers,
    mirror,
  };
}
