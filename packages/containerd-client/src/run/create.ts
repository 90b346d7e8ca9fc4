// Create Container: every check first (id, snapshot name, image unpacked, user, bind mounts; the daemon reads that
// do not depend on each other at once), then the snapshot prepared on the image's chain ID under the chosen name
// (alongside the network state, for a CNI network) and the container record, under a lease so the GC cannot take
// the snapshot in between. A failure leaves nothing behind.
import * as path from 'node:path';
import type { ContainerdClient } from '../client';
import { chainId } from '../digest';
import { AlreadyExistsError, ContainerdError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import { identifierProblem } from '../identifiers';
import { resolveImage, type ResolvedImage } from '../images/resolve';
import { isUnpacked } from '../images/unpack';
import type { Platform } from '../oci/image-types';
import type { Spec } from '../oci/runtime-spec-types';
import { buildContainerSpec, NoCommandError, type BindMount, type HostFiles } from '../oci/spec';
import { GroupNotFoundError, InvalidUserError, resolveUser, UserNotFoundError } from '../oci/user';
import type { Container } from '../types';
import { containerdSocketPath, resolveBindMounts, type ResolvedBindMount } from './bind-mounts';
import { snapshotNameProblem } from './command-line';
import { readUserFiles, type UserFile } from './image-files';
import { prepareLogDirUndoable } from './log-files';
import { planContainerNetwork, type PlannedNetwork } from '../network/container-network';
import { iptablesNat, type PortMapping } from '../network/ports';
import { settleAll } from '../settle';
import { isCniNetwork, networkEnvOf, withNetnsPath, type CniOptions, type NetworkMode } from './network';

/** Our labels on containers we create (plus containerd's own stop-signal label, as ctr sets it). */
export const RunLabels = {
  createdBy: 'containerd-explorer/created-by',
  /** Where a detached task's stdout+stderr go (file path); Start and Show Logs use it. */
  logPath: 'containerd-explorer/log-path',
  /** containerd's label for the image's StopSignal (containerd.WithImageStopSignal). */
  stopSignal: 'io.containerd.image.config.stop-signal',
} as const;

export const DEFAULT_RUNTIME = 'io.containerd.runc.v2';

export interface CreateContainerOptions extends CallOptions {
  id: string;
  /** Image name in the client's namespace. */
  image: string;
  /** Snapshot key of the container's writable layer; default `<id>-snapshot`. */
  snapshotName?: string;
  /** Replaces the image's Entrypoint + Cmd. */
  args?: string[];
  /** Merged over the image's Env by key. */
  env?: string[];
  cwd?: string;
  /** user, uid, user:group, uid:gid…, resolved against the image's /etc/passwd and /etc/group. */
  user?: string;
  tty?: boolean;
  /** `none` (default), `host`, or a CNI network (`bridge`: the default network, written on first use). */
  network?: NetworkMode;
  /** Published ports of a CNI network: `[hostIP:]hostPort:containerPort[/tcp|udp]` or mappings. */
  ports?: readonly (string | PortMapping)[];
  /** The container's hostname (own network namespace); default its id on a CNI network. */
  hostname?: string;
  /** CNI config/plugin/state dirs (see CniOptions). */
  cni?: CniOptions;
  mounts?: BindMount[];
  /** Allow a bind mount whose source resolves to the host's root `/`; without it createContainer throws HostRootMountError. */
  allowHostRoot?: boolean;
  /** Container labels; also the spec's annotations, as `ctr run --label` does. */
  labels?: Record<string, string>;
  runtime?: string;
  /** Encoded runtime options Any (e.g. runc's Options with `root`). */
  runtimeOptions?: { typeUrl: string; value: Uint8Array };
  /** Image platform to use; default the host's. */
  platform?: Platform;
  /** Recorded in a label: where Start sends a detached task's output. */
  logPath?: string;
  hostFiles?: HostFiles;
  /** linux.resources.cpu.shares; default 1024 as `ctr run` sets it (its --cpu-shares default), 0 leaves it unset. */
  cpuShares?: number;
}

export interface CreatedContainer {
  container: Container;
  snapshotKey: string;
  spec: Spec;
  image: ResolvedImage;
  /** The bind mounts with their sources resolved (the spec mounts `resolvedSource`) and a `warning` on sensitive ones. */
  mounts: ResolvedBindMount[];
}

async function exists(check: () => Promise<unknown>): Promise<boolean> {
  try { await check(); return true; } catch (e) { if (e instanceof NotFoundError) return false; throw e; }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** Why `entry` cannot be a process environment entry (`KEY=value`, or a bare `KEY` that removes the image's), or undefined. */
export function envEntryProblem(entry: string): string | undefined {
  const eq = entry.indexOf('=');
  const key = eq < 0 ? entry : entry.slice(0, eq);
  if (!key) return `environment entry ${JSON.stringify(entry)} has no variable name: use KEY=value`;
  if (CONTROL.test(key) || /\s/.test(key)) return `environment variable name ${JSON.stringify(key)} must not contain spaces or control characters`;
  if (entry.includes('\0')) return `environment entry ${JSON.stringify(entry)} contains a NUL character, which no process environment can hold`;
  return undefined;
}

/**
 * Checks that need no daemon: ids, paths, the shape of env, args and cwd, bind mount sources (resolved; the host's
 * root refused unless allowed). Throws InvalidArgumentError (HostRootMountError for `/`). `sensitive` adds host paths
 * to warn about, e.g. the client's socket.
 */
export function checkCreateOptions(opts: CreateContainerOptions, sensitive: readonly { path: string; what: string }[] = []): { snapshotKey: string; mounts: ResolvedBindMount[] } {
  const idProblem = identifierProblem(opts.id, 'container id');
  if (idProblem) throw new InvalidArgumentError(idProblem);
  const snapshotKey = opts.snapshotName ?? `${opts.id}-snapshot`;
  const snapProblem = snapshotNameProblem(snapshotKey);
  if (snapProblem) throw new InvalidArgumentError(snapProblem);
  if (opts.cwd && !path.posix.isAbsolute(opts.cwd)) throw new InvalidArgumentError(`working directory "${opts.cwd}" must be an absolute path`);
  if (opts.args && opts.args.length > 0 && !opts.args[0]) throw new InvalidArgumentError('the command must not start with an empty word');
  if (opts.args?.some((a) => a.includes('\0'))) throw new InvalidArgumentError('the command must not contain NUL characters');
  if (opts.cwd?.includes('\0')) throw new InvalidArgumentError('the working directory must not contain NUL characters');
  for (const e of opts.env ?? []) {
    const problem = envEntryProblem(e);
    if (problem) throw new InvalidArgumentError(problem);
  }
  const mounts = resolveBindMounts(opts.mounts ?? [], { allowHostRoot: opts.allowHostRoot, sensitive });
  return { snapshotKey, mounts };
}

/** Why `user` cannot run in an image with these /etc/passwd and /etc/group contents, or undefined. */
export function userProblem(user: string, passwd?: string, group?: string): string | undefined {
  try {
    resolveUser(user, passwd, group);
    return undefined;
  } catch (e) {
    if (e instanceof UserNotFoundError || e instanceof GroupNotFoundError || e instanceof InvalidUserError) return e.message;
    throw e;
  }
}

function specError(e: unknown, image: string): ContainerdError | undefined {
  if (e instanceof UserNotFoundError || e instanceof GroupNotFoundError || e instanceof InvalidUserError) {
    return new InvalidArgumentError(`${e.message} (image ${image})`, { cause: e });
  }
  if (e instanceof NoCommandError) return new InvalidArgumentError(`${e.message} (image ${image})`, { cause: e });
  return undefined;
}

async function refuseExisting(check: () => Promise<unknown>, error: () => Error): Promise<void> {
  if (await exists(check)) throw error();
}

/**
 * The image for a create: record, manifest and config, checked unpacked, and its /etc/passwd and /etc/group read
 * alongside, only as far as the spec needs them (no user asked for and none in the image: /etc/group alone, for
 * root's additional gids as ctr reads it).
 */
async function imageForCreate(client: ContainerdClient, opts: CreateContainerOptions): Promise<{ image: ResolvedImage; passwd?: string; group?: string }> {
  let record;
  try {
    record = await client.images.get(opts.image, opts);
  } catch (e) {
    if (e instanceof NotFoundError) throw new NotFoundError(`image "${opts.image}" not found in namespace ${client.namespace}`, { cause: e });
    throw e;
  }
  const image = await resolveImage(client, record.target, opts.platform, opts);
  const files: UserFile[] = opts.user || image.config.config?.User ? ['passwd', 'group'] : ['group'];
  const [unpacked, { passwd, group }] = await settleAll<[boolean, { passwd?: string; group?: string }]>([
    isUnpacked(client, image.config, opts),
    readUserFiles(client, image.manifest, opts, files),
  ]);
  if (!unpacked) {
    throw new FailedPreconditionError(`image "${opts.image}" is not unpacked for snapshotter ${client.snapshotter}: pull it again (or unpack it) before creating a container`);
  }
  return { image, passwd, group };
}

/** Creates the container; see the file comment. Errors are typed (InvalidArgument, AlreadyExists, NotFound, FailedPrecondition). */
export async function createContainer(client: ContainerdClient, opts: CreateContainerOptions): Promise<CreatedContainer> {
  const { snapshotKey, mounts } = checkCreateOptions(opts, [containerdSocketPath(client.address)]);
  const { id } = opts;
  // Started now so the exec overlaps the daemon reads below; only read (the check itself runs in its place).
  const natTable = isCniNetwork(opts.network) && opts.ports?.length ? iptablesNat() : undefined;
  // Independent reads at once; the first problem in this order is the one reported.
  const [, , { image, passwd, group }] = await settleAll<[void, void, Awaited<ReturnType<typeof imageForCreate>>]>([
    refuseExisting(() => client.containers.get(id, opts), () => new AlreadyExistsError(`a container named "${id}" already exists in namespace ${client.namespace}`)),
    refuseExisting(() => client.snapshots.stat(snapshotKey, opts), () => new AlreadyExistsError(`snapshot name "${snapshotKey}" is taken in namespace ${client.namespace} (snapshotter ${client.snapshotter}): choose another`)),
    imageForCreate(client, opts),
  ]);
  if (!isCniNetwork(opts.network) && opts.ports?.length) throw new InvalidArgumentError(`ports can only be published on a CNI network, not network "${opts.network ?? 'none'}"`);
  // Netns, hosts and resolv.conf in a state dir of ours (made in createWithNetwork); taken back when the create fails.
  const net: PlannedNetwork | undefined = isCniNetwork(opts.network)
    ? await planContainerNetwork(networkEnvOf(opts.cni), {
      namespace: client.namespace, id, network: opts.network, ports: opts.ports, hostname: opts.hostname, ipamDataDir: opts.cni?.ipamDataDir, natTable,
    })
    : undefined;
  try {
    return await createWithNetwork(client, opts, { id, snapshotKey, mounts, image, passwd, group, net });
  } catch (e) {
    await net?.undo();
    throw e;
  }
}

interface Prepared {
  id: string; snapshotKey: string; mounts: ResolvedBindMount[]; image: ResolvedImage;
  passwd?: string; group?: string; net?: PlannedNetwork;
}

async function createWithNetwork(client: ContainerdClient, opts: CreateContainerOptions, p: Prepared): Promise<CreatedContainer> {
  const { id, snapshotKey, mounts, image, passwd, group, net } = p;
  const hostname = net ? net.hostname : opts.hostname ?? opts.hostFiles?.hostname;
  const hostFiles: HostFiles | undefined = net
    ? { hosts: net.hosts, resolvConf: net.resolvConf, hostname }
    : hostname ? { ...opts.hostFiles, hostname } : opts.hostFiles;
  let spec: Spec;
  try {
    spec = buildContainerSpec({
      namespace: client.namespace, id, imageConfig: image.config, passwd, group,
      args: opts.args, env: opts.env, cwd: opts.cwd, user: opts.user, tty: opts.tty ?? false,
      hostNetwork: opts.network === 'host', hostFiles, labels: opts.labels,
      // The real paths: the spec shows what was checked, not a symlink that could point elsewhere later.
      mounts: mounts.map((m) => ({ source: m.resolvedSource, destination: m.destination, readonly: m.readonly })),
    });
  } catch (e) {
    throw specError(e, opts.image) ?? e;
  }
  if (net) withNetnsPath(spec, net.netns);
  // The network's state is made while the snapshot is prepared; awaited before the record names it.
  const made = net?.make();
  made?.catch(() => undefined);
  const shares = opts.cpuShares ?? 1024;
  if (shares > 0 && spec.linux) spec.linux.resources = { ...spec.linux.resources, cpu: { ...spec.linux.resources?.cpu, shares } };
  // Made (0700, marked as ours) and checked now, so Start can trust the label later without a log directory; taken
  // back below when the create fails, so bad input leaves no empty log folder (one that already existed stays).
  const log = opts.logPath ? await prepareLogDirUndoable(opts.logPath) : undefined;
  const labels: Record<string, string> = {
    ...opts.labels,
    ...net?.labels,
    [RunLabels.stopSignal]: image.config.config?.StopSignal || 'SIGTERM',
    [RunLabels.createdBy]: 'containerd-explorer',
    ...(log ? { [RunLabels.logPath]: log.file } : {}),
  };
  const parent = chainId(image.config.rootfs?.diff_ids ?? []);
  let container: Container;
  try {
    // The lease holds the new snapshot until the container record references it.
    container = await client.withTemporaryLease(async (leased) => {
      await leased.snapshots.prepare(snapshotKey, parent, {}, opts);
      try {
        await made;
        return await leased.containers.create({
          id, image: opts.image, labels, spec, snapshotKey, snapshotter: client.snapshotter,
          runtime: opts.runtime || DEFAULT_RUNTIME, runtimeOptions: opts.runtimeOptions,
        }, opts);
      } catch (e) {
        await client.snapshots.remove(snapshotKey).catch(() => undefined);
        if (e instanceof AlreadyExistsError) throw new AlreadyExistsError(`a container named "${id}" already exists in namespace ${client.namespace}`, { cause: e });
        throw e;
      }
    });
  } catch (e) {
    await log?.undo();
    throw e;
  }
  return { container, snapshotKey, spec, image, mounts };
}
