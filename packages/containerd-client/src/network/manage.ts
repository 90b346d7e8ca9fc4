// Create and remove CNI networks in nerdctl's format and naming, so nerdctl sees ours and we see its: a `bridge`
// list (bridge, portmap, firewall, tuning) with host-local IPAM, in `<confDir>/nerdctl-<name>.conflist` (the default
// namespace and the default network) or `<confDir>/<namespace>/nerdctl-<name>.conflist`. The default network
// `bridge` (nerdctl0, 10.4.0.0/24) is written on first use.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlreadyExistsError, InvalidArgumentError } from '../errors';
import { contains, firstHost, formatIpv4, formatSubnet, freeSubnet, hostRoutes, overlaps, parseIpv4, parseSubnet, type Ipv4Net } from './cidr';
import { checkPlugins, readNetworks, type CniNetwork, type PluginConf } from './config';
import { NetworkInUseError, SubnetOverlapError, UnknownNetworkError } from './errors';

export const DEFAULT_NETWORK = 'bridge';
export const DEFAULT_NETWORK_SUBNET = '10.4.0.0/24';
/** nerdctl's label on the default network it writes. */
export const DEFAULT_NETWORK_LABEL = 'nerdctl/default-network';
/** Network names that mean something else to nerdctl and to us. */
const RESERVED = ['none', 'host', 'container', 'default'];

export interface CreateNetworkOptions {
  name: string;
  /** IPv4 CIDR; default the first free /24 from 10.4.1.0 that overlaps no network and no host route. */
  subnet?: string;
  /** Default the subnet's first host. */
  gateway?: string;
  /** containerd namespace: nerdctl writes non-default namespaces' networks to a subdir of that name. */
  namespace?: string;
  /** host-local's lease dir; default host-local's own (/var/lib/cni/networks). Not part of nerdctl's format. */
  ipamDataDir?: string;
  labels?: Record<string, string>;
}

/** Why `name` cannot be a network name, or undefined. */
export function networkNameProblem(name: string): string | undefined {
  if (!name) return 'the network name must not be empty';
  if (RESERVED.includes(name)) return `"${name}" is reserved: choose another network name`;
  if (name.length > 64) return `network name "${name}" is longer than 64 characters`;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) return `network name "${name}" is not valid: use letters, digits, ".", "_" and "-", starting with a letter or digit`;
  return undefined;
}

/** nerdctl's network ID: sha256 of the name, hex. */
export function networkId(name: string): string { return createHash('sha256').update(name).digest('hex'); }

/** The file nerdctl would write the network to. */
export function networkFile(confDir: string, name: string, namespace?: string): string {
  if (name === DEFAULT_NETWORK || !namespace || namespace === 'default') return path.join(confDir, `nerdctl-${name}.conflist`);
  return path.join(confDir, namespace, `nerdctl-${name}.conflist`);
}

/** nerdctl's bridge list for a network, field for field (pkg/netutil generateCNIPlugins, cni_plugin_unix.go). */
export function nerdctlBridgePlugins(name: string, subnet: string, gateway: string, ipamDataDir?: string): PluginConf[] {
  return [
    {
      type: 'bridge',
      bridge: name === DEFAULT_NETWORK ? 'nerdctl0' : `br-${networkId(name).slice(0, 12)}`,
      isGateway: true,
      ipMasq: true,
      hairpinMode: true,
      ipam: {
        type: 'host-local',
        routes: [{ dst: '0.0.0.0/0' }],
        ...(ipamDataDir ? { dataDir: ipamDataDir } : {}),
        ranges: [[{ subnet, gateway }]],
      },
    },
    { type: 'portmap', capabilities: { portMappings: true } },
    { type: 'firewall', ingressPolicy: 'same-bridge' },
    { type: 'tuning' },
  ];
}

function subnetsOf(networks: CniNetwork[]): Ipv4Net[] {
  return networks.flatMap((n) => n.subnets).map(parseSubnet).filter((s): s is Ipv4Net => typeof s !== 'string');
}

/** Writes a new network (see the file comment). Typed errors: InvalidArgument, AlreadyExists, SubnetOverlap, CniPluginsMissing. */
export async function createNetwork(confDir: string, binDirs: readonly string[], opts: CreateNetworkOptions): Promise<CniNetwork> {
  const problem = opts.name === DEFAULT_NETWORK ? undefined : networkNameProblem(opts.name);
  if (problem) throw new InvalidArgumentError(problem);
  const { networks } = readNetworks(confDir, opts.namespace);
  if (networks.some((n) => n.name === opts.name)) throw new AlreadyExistsError(`network "${opts.name}" already exists in ${confDir}: choose another name`);
  const used = [...subnetsOf(networks), ...hostRoutes()];
  let subnet: Ipv4Net;
  if (opts.subnet) {
    const parsed = parseSubnet(opts.subnet);
    if (typeof parsed === 'string') throw new InvalidArgumentError(parsed);
    const clash = networks.find((n) => subnetsOf([n]).some((s) => overlaps(s, parsed)));
    if (clash) throw new SubnetOverlapError(`subnet ${opts.subnet} overlaps network "${clash.name}" (${clash.subnets.join(', ')}): choose another subnet, or leave it empty for a free one`);
    if (hostRoutes().some((r) => overlaps(r, parsed))) throw new SubnetOverlapError(`subnet ${opts.subnet} overlaps a route of this host: choose another subnet, or leave it empty for a free one`);
    subnet = parsed;
  } else {
    const free = freeSubnet(used);
    if (!free) throw new SubnetOverlapError('no free /24 subnet left in 10.4.1.0 - 10.255.255.0: give a subnet');
    subnet = free;
  }
  let gateway = firstHost(subnet);
  if (opts.gateway) {
    const gw = parseIpv4(opts.gateway);
    if (gw === undefined) throw new InvalidArgumentError(`gateway "${opts.gateway}" is not an IPv4 address`);
    if (!contains(subnet, gw) || gw === subnet.base) throw new InvalidArgumentError(`gateway ${opts.gateway} is not a host address of subnet ${formatSubnet(subnet)}`);
    gateway = gw;
  }
  const plugins = nerdctlBridgePlugins(opts.name, formatSubnet(subnet), formatIpv4(gateway), opts.ipamDataDir);
  checkPlugins(binDirs, { plugins });
  const labels = { ...opts.labels, ...(opts.name === DEFAULT_NETWORK ? { [DEFAULT_NETWORK_LABEL]: 'true' } : {}) };
  const doc = { cniVersion: '1.0.0', name: opts.name, nerdctlID: networkId(opts.name), ...(Object.keys(labels).length ? { nerdctlLabels: labels } : {}), plugins };
  const file = networkFile(confDir, opts.name, opts.namespace);
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  try {
    await fs.promises.writeFile(file, `${JSON.stringify(doc, null, 2)}\n`, { flag: 'wx', mode: 0o644 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new AlreadyExistsError(`${file} already exists: choose another network name`, { cause: e });
    throw e;
  }
  return readNetworks(confDir, opts.namespace).networks.find((n) => n.file === file) as CniNetwork;
}

const defaultCreation = new Map<string, Promise<CniNetwork>>();

/**
 * The default network `bridge`, written on first use when no network of that name (or with nerdctl's default label)
 * exists. Concurrent callers share one write; a file another process wrote meanwhile is taken as is.
 */
export async function ensureDefaultNetwork(confDir: string, binDirs: readonly string[], ipamDataDir?: string): Promise<CniNetwork> {
  const existing = (): CniNetwork | undefined => {
    const { networks } = readNetworks(confDir);
    return networks.find((n) => n.name === DEFAULT_NETWORK) ?? networks.find((n) => n.labels[DEFAULT_NETWORK_LABEL] === 'true');
  };
  const found = existing();
  if (found) return found;
  let pending = defaultCreation.get(confDir);
  if (!pending) {
    pending = createNetwork(confDir, binDirs, { name: DEFAULT_NETWORK, subnet: DEFAULT_NETWORK_SUBNET, ipamDataDir })
      .catch((e) => { const raced = existing(); if (raced) return raced; throw e; })
      .finally(() => defaultCreation.delete(confDir));
    defaultCreation.set(confDir, pending);
  }
  return pending;
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve) => execFile(file, args, { timeout: 10_000 }, () => resolve()));
}

/**
 * Removes the network's file (and, as nerdctl does, its bridge interface). `usedBy` are the containers attached to it
 * (see containersOnNetwork): a network in use is refused with NetworkInUseError.
 */
export async function removeNetwork(confDir: string, name: string, usedBy: readonly string[], namespace?: string): Promise<void> {
  const { networks } = readNetworks(confDir, namespace);
  const network = networks.find((n) => n.name === name);
  if (!network) throw new UnknownNetworkError(name, confDir, networks.map((n) => n.name));
  if (usedBy.length) throw new NetworkInUseError(name, [...usedBy]);
  await fs.promises.rm(network.file, { force: true });
  if (network.bridge) await run('ip', ['link', 'delete', network.bridge]);
}
