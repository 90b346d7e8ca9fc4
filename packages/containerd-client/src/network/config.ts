// CNI network configs on disk: where they are (the conf dir, plus nerdctl's per-namespace subdir), how a `.conflist`
// or a single-plugin `.conf`/`.json` is read, and the domain type the views show (name, subnets, gateways, plugins,
// file). Files are read in name order and the first file naming a network wins, as libcni does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatSubnet, parseSubnet } from './cidr';
import { CniPluginsMissingError, UnknownNetworkError } from './errors';

/** Where the CNI configs and plugins are and where this client keeps per-container network state. */
export interface NetworkEnv {
  /** CNI config dir (default /etc/cni/net.d). */
  confDir: string;
  /** Plugin dirs, searched in order (default /usr/lib/cni then /opt/cni/bin). */
  binDirs: string[];
  /** Root of our per-container state (netns files, cached results, hosts files); default /run/containerd-explorer/net. */
  stateDir: string;
}

export const DEFAULT_CNI_CONF_DIR = '/etc/cni/net.d';
export const DEFAULT_CNI_BIN_DIRS: readonly string[] = ['/usr/lib/cni', '/opt/cni/bin'];
export const DEFAULT_NETWORK_STATE_DIR = '/run/containerd-explorer/net';

export function defaultNetworkEnv(over: Partial<NetworkEnv> = {}): NetworkEnv {
  return { confDir: DEFAULT_CNI_CONF_DIR, binDirs: [...DEFAULT_CNI_BIN_DIRS], stateDir: DEFAULT_NETWORK_STATE_DIR, ...over };
}

/** One plugin's config object: `type` plus whatever the plugin reads. */
export type PluginConf = Record<string, unknown> & { type: string };

/** A CNI network list as found on disk. */
export interface CniNetwork {
  name: string;
  cniVersion: string;
  plugins: PluginConf[];
  /** The file it came from. */
  file: string;
  /** IPv4/IPv6 subnets of host-local ranges (CIDR text). */
  subnets: string[];
  gateways: string[];
  /** The bridge interface of a `bridge` first plugin. */
  bridge?: string;
  /** nerdctl's network ID and labels, when nerdctl (or we) wrote it. */
  nerdctlId?: string;
  labels: Record<string, string>;
}

/** A config file that could not be read as a network, and why. */
export interface ConfigProblem { file: string; problem: string }

const EXTENSIONS = ['.conf', '.conflist', '.json'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** host-local ranges of a plugin's `ipam` (also the legacy single `subnet`). */
function ipamRanges(plugin: PluginConf): { subnet: string; gateway?: string }[] {
  const ipam = plugin.ipam;
  if (!isObject(ipam)) return [];
  const out: { subnet: string; gateway?: string }[] = [];
  if (Array.isArray(ipam.ranges)) {
    for (const set of ipam.ranges) {
      for (const r of Array.isArray(set) ? set : []) {
        if (isObject(r) && typeof r.subnet === 'string') out.push({ subnet: r.subnet, gateway: typeof r.gateway === 'string' ? r.gateway : undefined });
      }
    }
  }
  if (typeof ipam.subnet === 'string') out.push({ subnet: ipam.subnet, gateway: typeof ipam.gateway === 'string' ? ipam.gateway : undefined });
  return out;
}

/** Parses one config file's text: a list (`plugins`) or a single plugin conf. Throws Error with the reason. */
export function parseNetworkConfig(text: string, file: string): CniNetwork {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { throw new Error(`not JSON: ${(e as Error).message}`); }
  if (!isObject(raw)) throw new Error('not a JSON object');
  if (typeof raw.name !== 'string' || !raw.name) throw new Error('no "name"');
  const list = Array.isArray(raw.plugins) ? raw.plugins : typeof raw.type === 'string' ? [raw] : undefined;
  if (!list || list.length === 0) throw new Error('neither "plugins" nor a plugin "type"');
  const plugins: PluginConf[] = [];
  for (const p of list) {
    if (!isObject(p) || typeof p.type !== 'string' || !p.type || p.type.includes('/')) throw new Error('a plugin without a valid "type"');
    const { name: _n, cniVersion: _v, plugins: _p, ...rest } = p;
    plugins.push(rest as PluginConf);
  }
  const ranges = plugins.flatMap(ipamRanges);
  const labels: Record<string, string> = {};
  if (isObject(raw.nerdctlLabels)) for (const [k, v] of Object.entries(raw.nerdctlLabels)) if (typeof v === 'string') labels[k] = v;
  return {
    name: raw.name,
    cniVersion: typeof raw.cniVersion === 'string' ? raw.cniVersion : '0.4.0',
    plugins,
    file,
    subnets: ranges.map((r) => r.subnet),
    gateways: ranges.map((r) => r.gateway ?? defaultGateway(r.subnet)).filter((g): g is string => !!g),
    bridge: plugins[0].type === 'bridge' && typeof plugins[0].bridge === 'string' ? plugins[0].bridge : undefined,
    nerdctlId: typeof raw.nerdctlID === 'string' ? raw.nerdctlID : undefined,
    labels,
  };
}

/** host-local's default gateway: the subnet's first host. */
function defaultGateway(subnet: string): string | undefined {
  const net = parseSubnet(subnet);
  if (typeof net === 'string') return undefined;
  return formatSubnet({ base: net.base + 1, prefix: 32 }).replace(/\/32$/, '');
}

function configFiles(dir: string): string[] {
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return []; }
  return names.filter((n) => EXTENSIONS.includes(path.extname(n))).sort().map((n) => path.join(dir, n))
    .filter((f) => { try { return fs.statSync(f).isFile(); } catch { return false; } });
}

/** The conf dir's networks, then those of nerdctl's `<confDir>/<namespace>/` subdir; first file per name wins. */
export function readNetworks(confDir: string, namespace?: string): { networks: CniNetwork[]; problems: ConfigProblem[] } {
  const files = [...configFiles(confDir), ...(namespace && namespace !== 'default' ? configFiles(path.join(confDir, namespace)) : [])];
  const networks: CniNetwork[] = [];
  const problems: ConfigProblem[] = [];
  for (const file of files) {
    try {
      const n = parseNetworkConfig(fs.readFileSync(file, 'utf8'), file);
      if (networks.some((x) => x.name === n.name)) problems.push({ file, problem: `network "${n.name}" is already defined by an earlier file` });
      else networks.push(n);
    } catch (e) {
      problems.push({ file, problem: (e as Error).message });
    }
  }
  return { networks, problems };
}

/** The network named `name` (UnknownNetworkError otherwise). */
export function findNetwork(confDir: string, name: string, namespace?: string): CniNetwork {
  const { networks } = readNetworks(confDir, namespace);
  const found = networks.find((n) => n.name === name);
  if (!found) throw new UnknownNetworkError(name, confDir, networks.map((n) => n.name));
  return found;
}

/** The plugin binary `type` in the first bin dir that has it, or undefined. */
export function findPlugin(binDirs: readonly string[], type: string): string | undefined {
  for (const dir of binDirs) {
    const file = path.join(dir, type);
    try { fs.accessSync(file, fs.constants.X_OK); if (fs.statSync(file).isFile()) return file; } catch { /* next dir */ }
  }
  return undefined;
}

/** Throws CniPluginsMissingError naming every plugin of `network` (and its IPAM) that no bin dir holds. */
export function checkPlugins(binDirs: readonly string[], network: Pick<CniNetwork, 'plugins'>): void {
  const types = new Set<string>();
  for (const p of network.plugins) {
    types.add(p.type);
    if (isObject(p.ipam) && typeof p.ipam.type === 'string') types.add(p.ipam.type);
  }
  const missing = [...types].filter((t) => !findPlugin(binDirs, t));
  if (missing.length) throw new CniPluginsMissingError(missing, binDirs);
}
