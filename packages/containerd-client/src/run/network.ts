// The run layer's side of CNI networking: which network a create asks for, the spec naming the persistent netns,
// and the calls around a task's life (connect before start, disconnect on stop/delete/exit, removal with the
// container, the start-up sweep). The container's state-dir label is trusted only for a directory we marked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerdClient } from '../client';
import { FailedPreconditionError, NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import type { Spec } from '../oci/runtime-spec-types';
import { defaultNetworkEnv, type NetworkEnv } from '../network/config';
import {
  connectContainerNetwork, connectedState, disconnectContainerNetwork, disconnectOnExit, ensureContainerNetns, prepareContainerNetwork, recordTaskPid,
  removeContainerNetworkState, stateDirOf, sweepNetworkState,
} from '../network/container-network';
import { readNetworkLabels } from '../network/labels';
import type { PortMapping } from '../network/ports';
import { cachedCniAddresses } from '../network/usage';
import { NETWORK_STATE_LABEL } from '../network/state';
import type { Container } from '../types';

/** `none` and `host` as before; anything else is a CNI network name (`bridge`: the default network). */
export type NetworkMode = 'none' | 'host' | (string & Record<never, never>);

/** Where CNI configs, plugins and our state are (defaults: /etc/cni/net.d, /usr/lib/cni + /opt/cni/bin, /run/containerd-explorer/net). */
export interface CniOptions extends Partial<NetworkEnv> {
  /** host-local lease dir written into a default `bridge` network created now (tests). */
  ipamDataDir?: string;
}

export function isCniNetwork(mode: string | undefined): mode is string {
  return !!mode && mode !== 'none' && mode !== 'host';
}

export function networkEnvOf(cni?: CniOptions): NetworkEnv {
  const { ipamDataDir: _d, ...env } = cni ?? {};
  return defaultNetworkEnv(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)));
}

/** The spec joins the persistent network namespace at `netns` instead of a new one. */
export function withNetnsPath(spec: Spec, netns: string): Spec {
  const linux = (spec.linux ??= {});
  const others = (linux.namespaces ?? []).filter((n) => n.type !== 'network');
  linux.namespaces = [...others, { type: 'network', path: netns }];
  return spec;
}

async function containerOf(client: ContainerdClient, id: string, opts?: CallOptions): Promise<Container | undefined> {
  try { return await client.containers.get(id, opts); } catch (e) { if (e instanceof NotFoundError) return undefined; throw e; }
}

/**
 * The state dir of a container whose label names `<stateDir>/<namespace>/<id>` (the caller's state dir) that no
 * longer exists, made again from its nerdctl labels and the CNI config: /run is emptied by a reboot, the container
 * record is not. Any other label that is not ours is refused.
 */
async function restoreStateDir(client: ContainerdClient, container: Container, cni?: CniOptions): Promise<string | undefined> {
  const label = container.labels[NETWORK_STATE_LABEL];
  if (!label) return undefined;
  const env = networkEnvOf(cni);
  const expected = path.join(env.stateDir, client.namespace, container.id);
  if (label !== expected || fs.existsSync(label)) {
    throw new FailedPreconditionError(`cannot start "${container.id}": its network state ${label} is not one this client made for it (pass the state dir it was created with, or create the container again)`);
  }
  const { networks, ports, hostname } = readNetworkLabels(container.labels);
  if (networks.length !== 1) throw new FailedPreconditionError(`cannot start "${container.id}": its network state is gone and its labels name no single network: create it again`);
  await prepareContainerNetwork(env, { namespace: client.namespace, id: container.id, network: networks[0], ports, hostname });
  return expected;
}

/**
 * Before a task is created, for a container we connect to CNI: its state dir (made again when a reboot emptied it)
 * with the persistent netns the spec names mounted. Undefined for others.
 */
export async function networkBeforeTask(client: ContainerdClient, container: Container, cni?: CniOptions): Promise<string | undefined> {
  const dir = stateDirOf(container, client.namespace) ?? await restoreStateDir(client, container, cni);
  if (dir) await ensureContainerNetns(dir, client.namespace, container.id);
  return dir;
}

/** ADD on the container's netns (networkBeforeTask's dir): before its task starts, while or after it is created. */
export async function connectBeforeStart(client: ContainerdClient, dir: string, id: string): Promise<void> {
  await connectContainerNetwork(dir, client.namespace, id);
}

export async function afterStart(client: ContainerdClient, dir: string | undefined, id: string, pid: number): Promise<void> {
  if (dir) await recordTaskPid(dir, client.namespace, id, pid);
}

/** DEL when the task is stopped or deleted (nothing for containers without our network state). */
export async function disconnectContainer(client: ContainerdClient, id: string, container?: Container): Promise<void> {
  const c = container ?? await containerOf(client, id);
  const dir = c && stateDirOf(c, client.namespace);
  if (dir) await disconnectContainerNetwork(dir, client.namespace, id);
}

/**
 * For the session's /tasks/exit events: DEL when the container's task exited on its own. Returns whether it did.
 * Exec exits and events of an earlier task are ignored.
 */
export async function handleTaskExit(client: ContainerdClient, ev: { containerId: string; id: string; pid: number }): Promise<boolean> {
  const c = await containerOf(client, ev.containerId);
  const dir = c && stateDirOf(c, client.namespace);
  return dir ? disconnectOnExit(dir, client.namespace, ev) : false;
}

/** With the container's deletion: DEL, netns unmounted and removed, state dir removed. */
export async function removeContainerNetwork(client: ContainerdClient, container: Container): Promise<void> {
  const dir = stateDirOf(container, client.namespace);
  if (dir) await removeContainerNetworkState(dir, client.namespace, container.id);
}

/** Networks, addresses (by network) and ports of a container we connected; undefined for others. */
export function containerNetworkState(client: ContainerdClient, container: Container): ReturnType<typeof connectedState> {
  const dir = stateDirOf(container, client.namespace);
  return dir ? connectedState(dir, client.namespace, container.id) : undefined;
}

export interface ContainerNetworkInfo {
  /** CNI networks by name (nerdctl's `nerdctl/networks` label for nerdctl's containers). */
  networks: string[];
  /** Addresses by network while connected (ours: our cached ADD result; nerdctl's: libcni's result cache). */
  addresses: Record<string, string[]>;
  ports: PortMapping[];
  hostname?: string;
  /** Who connected it: this client, or nerdctl (or another libcni user) as its labels say. */
  origin: 'ours' | 'nerdctl';
}

/**
 * What the Containers view shows of a container's networking, for ours and for nerdctl's; undefined for containers
 * on no CNI network. `cniCacheDir` is libcni's (default /var/lib/cni).
 */
export function containerNetworkInfo(client: ContainerdClient, container: Container, cniCacheDir?: string): ContainerNetworkInfo | undefined {
  const labels = readNetworkLabels(container.labels);
  const ours = containerNetworkState(client, container);
  if (ours) return { networks: ours.networks, addresses: ours.addresses, ports: ours.ports, hostname: labels.hostname, origin: 'ours' };
  if (!labels.networks.length || labels.networks.every((n) => n === 'none' || n === 'host' || n.startsWith('container:'))) return undefined;
  return { ...labels, addresses: cachedCniAddresses(container.id, cniCacheDir), origin: 'nerdctl' };
}

/** Start-up sweep: state of containers that no longer exist (any namespace) is disconnected and removed. */
export async function sweepContainerNetworks(client: ContainerdClient, cni?: CniOptions): Promise<string[]> {
  const env = networkEnvOf(cni);
  return sweepNetworkState(env.stateDir, async (namespace, id) => !!(await containerOf(client.withNamespace(namespace), id)));
}
