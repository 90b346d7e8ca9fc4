// A container's CNI networking across its life: prepared at create (network resolved, default `bridge` written on
// first use, plugins and ports checked, state dir, persistent netns, hosts and resolv.conf), connected before each
// task start (ADD while the task is created, asking host-local for the previous address so a restart keeps it),
// disconnected when the task stops, is deleted or exits on its own (DEL in reverse with the cached result), removed
// with the container (netns unmounted, state dir gone), and swept at start-up for containers that are gone. Every
// failure undoes its own part.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors';
import { addNetwork, delNetwork, resultAddresses, serialized, takesPortMappings, type NetworkList } from './cni-exec';
import { checkPlugins, findNetwork, type NetworkEnv } from './config';
import { IptablesMissingError } from './errors';
import { settleAll } from '../settle';
import { hostResolvConf, hostsFileText, resolvConfText, writeInPlace } from './files';
import { nerdctlNetworkLabels } from './labels';
import { DEFAULT_NETWORK, ensureDefaultNetwork } from './manage';
import { createNetns, isNetnsMounted, removeNetns } from './netns';
import { checkHostPorts, parsePortSpecs, type PortMapping } from './ports';
import { isStateDir, listStateDirs, makeStateDir, NETWORK_STATE_LABEL, readState, stateFiles, writeState, type NetworkState } from './state';

export interface PrepareNetworkOptions {
  namespace: string;
  id: string;
  /** A CNI network name (`bridge` is the default network, written when missing). */
  network: string;
  ports?: readonly (string | PortMapping)[];
  hostname?: string;
  /** host-local lease dir for a default network written now (tests); nerdctl's file has none. */
  ipamDataDir?: string;
  /** An iptablesNat() read the caller started early, for the host-port check (see checkHostPorts). */
  natTable?: Promise<string | undefined>;
}

export interface PreparedNetwork {
  dir: string;
  netns: string;
  hosts: string;
  resolvConf: string;
  hostname?: string;
  ports: PortMapping[];
  /** nerdctl's labels plus ours naming the state dir. */
  labels: Record<string, string>;
  /** Removes everything prepare made (for a create that fails later). */
  undo(): Promise<void>;
}

/** A network checked and its state's paths and labels known; `make()` creates them (state dir, netns, files). */
export interface PlannedNetwork extends PreparedNetwork {
  /** Runs once (a second call returns the first's promise); on failure what it made is removed again. `undo()` waits for it. */
  make(): Promise<void>;
}

const HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** Why `name` cannot be a hostname (one DNS label), or undefined. */
export function hostnameProblem(name: string): string | undefined {
  return HOSTNAME.test(name) ? undefined : `hostname "${name}" is not valid: use up to 63 letters, digits and "-", not starting or ending with "-"`;
}

/** Plugins that run iptables: portmap and firewall always, bridge and ptp for ipMasq. */
function iptablesUser(list: NetworkList): string | undefined {
  return list.plugins.find((p) => p.type === 'portmap' || p.type === 'firewall' || ((p.type === 'bridge' || p.type === 'ptp') && p.ipMasq === true))?.type;
}

function inPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').filter(Boolean).some((d) => { try { fs.accessSync(path.join(d, command), fs.constants.X_OK); return true; } catch { return false; } });
}

function hasPortmap(list: NetworkList): boolean {
  return list.plugins.some(takesPortMappings);
}

/** Everything before the container record exists (see the file comment). Typed errors; nothing left on failure. */
export async function prepareContainerNetwork(env: NetworkEnv, opts: PrepareNetworkOptions): Promise<PreparedNetwork> {
  const plan = await planContainerNetwork(env, opts);
  await plan.make();
  return plan;
}

/**
 * prepareContainerNetwork in two steps, so the caller can do other work (the snapshot) while `make()` runs: the
 * checks and what the spec and labels need first, with nothing made yet.
 */
export async function planContainerNetwork(env: NetworkEnv, opts: PrepareNetworkOptions): Promise<PlannedNetwork> {
  const ports = parsePortSpecs(opts.ports ?? []);
  if (opts.hostname) { const p = hostnameProblem(opts.hostname); if (p) throw new InvalidArgumentError(p); }
  const network = opts.network === DEFAULT_NETWORK
    ? await ensureDefaultNetwork(env.confDir, env.binDirs, opts.ipamDataDir)
    : findNetwork(env.confDir, opts.network, opts.namespace);
  checkPlugins(env.binDirs, network);
  const list: NetworkList = { name: network.name, cniVersion: network.cniVersion, plugins: network.plugins };
  const needsIptables = iptablesUser(list);
  if (needsIptables && !inPath('iptables')) throw new IptablesMissingError(needsIptables);
  if (ports.length && !hasPortmap(list)) throw new InvalidArgumentError(`network "${network.name}" has no portmap plugin: it cannot publish ports`);
  await checkHostPorts(ports, opts.natTable);
  const hostname = opts.hostname ?? (HOSTNAME.test(opts.id) ? opts.id : undefined);
  const dir = path.join(env.stateDir, opts.namespace, opts.id);
  const files = stateFiles(dir);
  let madeDir = false;
  let making: Promise<void> | undefined;
  const remove = async (): Promise<void> => {
    if (!madeDir) return; // a directory make() did not make is not ours to touch
    await removeNetns(files.netns).catch(() => undefined);
    if (isStateDir(dir, opts.namespace, opts.id)) await fs.promises.rm(dir, { recursive: true, force: true });
    madeDir = false;
  };
  const makeOnce = async (): Promise<void> => {
    // Left by a container of that id deleted without us (the caller checked that none exists now): swept first.
    if (isStateDir(dir, opts.namespace, opts.id)) await removeContainerNetworkState(dir, opts.namespace, opts.id);
    await makeStateDir(env.stateDir, opts.namespace, opts.id);
    madeDir = true;
    const state: NetworkState = { version: 1, namespace: opts.namespace, id: opts.id, networks: [{ list, ifName: 'eth0' }], binDirs: [...env.binDirs], ports, hostname };
    // Separate files: made at once, and all settled before any undo.
    await settleAll([
      createNetns(files.netns),
      writeInPlace(files.hosts, hostsFileText(hostname, [])),
      writeInPlace(files.resolvConf, resolvConfText(hostResolvConf())),
      writeState(dir, state),
    ]).catch(async (e: unknown) => {
      await remove();
      throw e;
    });
  };
  const undo = async (): Promise<void> => {
    await making?.catch(() => undefined);
    await remove();
  };
  const make = (): Promise<void> => (making ??= makeOnce());
  const labels = { ...nerdctlNetworkLabels({ networks: [network.name], ports, hostname }), [NETWORK_STATE_LABEL]: dir };
  return { dir, netns: files.netns, hosts: files.hosts, resolvConf: files.resolvConf, hostname, ports, labels, make, undo };
}

/** The state directory a container's label names, when it is one we made for it. */
export function stateDirOf(container: { id: string; labels: Readonly<Record<string, string>> }, namespace: string): string | undefined {
  const dir = container.labels[NETWORK_STATE_LABEL];
  return dir && isStateDir(dir, namespace, container.id) ? dir : undefined;
}

function lockKey(list: NetworkList): string { return `cni:${list.name}`; }

async function disconnect(dir: string, state: NetworkState): Promise<void> {
  if (!state.results) return;
  const netns = stateFiles(dir).netns;
  const mounted = isNetnsMounted(netns);
  let first: unknown;
  for (const net of [...state.networks].reverse()) {
    const cached = state.results[net.list.name];
    await delNetwork(net.list, { containerId: state.id, netns: mounted ? netns : '', ifName: net.ifName, binDirs: state.binDirs, portMappings: state.ports }, cached, lockKey(net.list))
      .catch((e) => { first ??= e; });
  }
  delete state.results;
  delete state.taskPid;
  await writeState(dir, state);
  if (first) throw first;
}

/**
 * The container's persistent netns, mounted again when it is gone (a reboot): the task's spec names it, so it must
 * exist before the task is created.
 */
export function ensureContainerNetns(dir: string, namespace: string, id: string): Promise<void> {
  return serialized(`container:${dir}`, async () => {
    if (!readState(dir, namespace, id)) throw new InvalidArgumentError(`${dir} is not the network state of container "${id}"`);
    const { netns } = stateFiles(dir);
    if (!isNetnsMounted(netns)) await createNetns(netns);
  });
}

/**
 * ADD on every network of the container, before its task starts; results cached in the state dir, hosts file
 * rewritten with the addresses. A connection left from a task that died unseen is taken down first. The host-port
 * check runs alongside the plugins that publish no ports (bridge): portmap runs only once it passed.
 */
export function connectContainerNetwork(dir: string, namespace: string, id: string): Promise<Record<string, string[]>> {
  return serialized(`container:${dir}`, async () => {
    const state = readState(dir, namespace, id);
    if (!state) throw new InvalidArgumentError(`${dir} is not the network state of container "${id}"`);
    await disconnect(dir, state);
    const files = stateFiles(dir);
    if (!isNetnsMounted(files.netns)) await createNetns(files.netns);
    const portsFree = checkHostPorts(state.ports); // awaited by addNetwork before portmap, and below
    const portsProblem = portsFree.then(() => undefined, (e: unknown) => e);
    const results: NonNullable<NetworkState['results']> = {};
    try {
      for (const net of state.networks) {
        const att = { containerId: id, netns: files.netns, ifName: net.ifName, binDirs: state.binDirs, portMappings: state.ports };
        const previous = state.lastAddresses?.[net.list.name]?.find((a) => !a.includes(':'));
        let result;
        try {
          result = await addNetwork(net.list, { ...att, args: previous ? { IP: previous } : undefined }, lockKey(net.list), portsFree);
        } catch (e) {
          if (!previous || e === await portsProblem) throw e;
          result = await addNetwork(net.list, att, lockKey(net.list), portsFree); // the old address went to someone else
        }
        results[net.list.name] = result;
      }
      await portsFree;
    } catch (e) {
      await disconnect(dir, { ...state, results }).catch(() => undefined);
      throw (await portsProblem) ?? e; // a port in use is what to fix first, as when the check ran before any plugin
    }
    state.results = results;
    state.lastAddresses = Object.fromEntries(Object.entries(results).map(([n, r]) => [n, resultAddresses(r)]));
    await writeState(dir, state);
    await writeInPlace(files.hosts, hostsFileText(state.hostname, Object.values(state.lastAddresses).flat()));
    return state.lastAddresses;
  });
}

/** DEL with the cached results (nothing when not connected): on stop, task delete and a task's own exit. */
export function disconnectContainerNetwork(dir: string, namespace: string, id: string): Promise<void> {
  return serialized(`container:${dir}`, async () => {
    const state = readState(dir, namespace, id);
    if (state) await disconnect(dir, state);
  });
}

/** Records the pid of the task started on the current connection (see handleTaskExit). */
export function recordTaskPid(dir: string, namespace: string, id: string, pid: number): Promise<void> {
  return serialized(`container:${dir}`, async () => {
    const state = readState(dir, namespace, id);
    if (state?.results) await writeState(dir, { ...state, taskPid: pid });
  });
}

/**
 * A task exited on its own (containerd's /tasks/exit event): DEL when it is the init process of the task started on
 * the current connection. Exec exits and late events of an earlier task are ignored.
 */
export function disconnectOnExit(dir: string, namespace: string, ev: { containerId: string; id: string; pid: number }): Promise<boolean> {
  return serialized(`container:${dir}`, async () => {
    const state = readState(dir, namespace, ev.containerId);
    if (!state?.results || (ev.id && ev.id !== ev.containerId) || state.taskPid !== ev.pid) return false;
    await disconnect(dir, state);
    return true;
  });
}

/** Disconnects, unmounts the netns and removes the state dir: when the container is deleted. */
export function removeContainerNetworkState(dir: string, namespace: string, id: string): Promise<void> {
  return serialized(`container:${dir}`, async () => {
    const state = readState(dir, namespace, id);
    if (state) await disconnect(dir, state).catch(() => undefined);
    if (!isStateDir(dir, namespace, id)) return;
    await removeNetns(stateFiles(dir).netns);
    await fs.promises.rm(dir, { recursive: true, force: true });
  });
}

/** What the views show of a container we connected: networks, addresses by network, ports. */
export function connectedState(dir: string, namespace: string, id: string): { networks: string[]; addresses: Record<string, string[]>; ports: PortMapping[]; connected: boolean } | undefined {
  const state = readState(dir, namespace, id);
  if (!state) return undefined;
  const addresses = Object.fromEntries(Object.entries(state.results ?? {}).map(([n, r]) => [n, resultAddresses(r)]));
  return { networks: state.networks.map((n) => n.list.name), addresses, ports: state.ports, connected: !!state.results, };
}

/**
 * Start-up sweep: for every state dir under `stateDir` whose container `exists` says is gone, DEL and remove it.
 * Returns the `namespace/id` pairs swept.
 */
export async function sweepNetworkState(stateDir: string, exists: (namespace: string, id: string) => Promise<boolean>): Promise<string[]> {
  const swept: string[] = [];
  for (const { namespace, id, dir } of listStateDirs(stateDir)) {
    if (await exists(namespace, id)) continue;
    await removeContainerNetworkState(dir, namespace, id);
    swept.push(`${namespace}/${id}`);
  }
  return swept;
}
