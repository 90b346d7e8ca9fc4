// Disk usage per namespace and for the whole daemon, as plain data the UI renders: images (host platform and all
// platforms present, bytes shared with other images vs unique), containers' writable layers, content store and
// snapshot totals, and what a default prune would reclaim.
import type { ContainerdClient } from '../client';
import type { CallOptions } from '../call-options';
import { taskState } from '../task-state';
import { imageUsers, snapshotNode, takeInventory, type Inventory } from './inventory';
import { measureSnapshots } from './listings';
import { containerNaming } from './naming';
import { planPruneOf, type PruneKind, type PruneOptions } from './prune-plan';

export interface ImageDiskUsage {
  name: string;
  /** Blobs present for the host's platform (index, manifest, config, layers). */
  hostBytes: number;
  /** Every blob of the image present in the store, all platforms. */
  contentBytes: number;
  /** Snapshots its layers unpacked to (Snapshots.Usage of each chain ID present). */
  unpackedBytes: number;
  /** Of contentBytes + unpackedBytes: what other images of the namespace reference too (by digest / chain ID). */
  sharedBytes: number;
  /** What only this image references: freed if it alone went. */
  uniqueBytes: number;
  /** Containers using it. */
  containers: string[];
}

export interface ContainerDiskUsage {
  id: string;
  displayName: string;
  snapshotter: string;
  snapshotKey: string;
  /** Snapshots.Usage of its active snapshot: what it wrote on top of the image. */
  writableBytes: number;
  inodes: number;
  running: boolean;
}

export interface NamespaceDiskUsage {
  namespace: string;
  images: ImageDiskUsage[];
  /** Union over the namespace's images (shared blobs once): host platform, all platforms, unpacked. */
  imagesHostBytes: number;
  imagesContentBytes: number;
  imagesUnpackedBytes: number;
  containers: ContainerDiskUsage[];
  containersWritableBytes: number;
  /** Content.List: every blob the namespace holds, referenced by an image or not. */
  contentBytes: number;
  blobs: number;
  /** Snapshots.Usage summed over every snapshot of the namespace. */
  snapshotsBytes: number;
  snapshots: number;
  /** What planPrune with the given options would free, in total and by kind. */
  reclaimableBytes: number;
  reclaimableByKind: Partial<Record<PruneKind, number>>;
  managedByKubelet: boolean;
  takenAt: Date;
}

export interface DaemonDiskUsage {
  namespaces: NamespaceDiskUsage[];
  /** Blobs once per digest: containerd's store keeps one file per blob whichever namespaces hold it. */
  contentBytes: number;
  blobs: number;
  /** Snapshots are per namespace on disk (the same layer unpacked in two namespaces is there twice). */
  snapshotsBytes: number;
  /** Sum of the namespaces' reclaimable bytes; a blob several namespaces hold counts in none of them. */
  reclaimableBytes: number;
  takenAt: Date;
}

function sum(xs: Iterable<number>): number { let n = 0; for (const x of xs) n += x; return n; }

/** The report for one namespace (the client's). */
export async function namespaceDiskUsage(client: ContainerdClient, options: PruneOptions = {}): Promise<NamespaceDiskUsage> {
  const inv = await takeInventory(client, options);
  const usage = await measureSnapshots(client, inv, options);
  const plan = await planPruneOf(client, inv, options, usage);
  const size = (d: string): number => inv.content.get(d)?.size ?? 0;
  const snapUsage = (sn: string, key: string): number => usage.get(snapshotNode(sn, key).slice('snapshot:'.length))?.size ?? 0;

  // How many images reference each blob and each unpacked layer.
  const blobRefs = new Map<string, number>();
  const layerRefs = new Map<string, number>();
  for (const w of inv.walked.values()) {
    for (const d of w.blobs.keys()) if (inv.content.has(d)) blobRefs.set(d, (blobRefs.get(d) ?? 0) + 1);
    for (const c of w.chainIds) layerRefs.set(c, (layerRefs.get(c) ?? 0) + 1);
  }
  const sn = client.snapshotter;
  const images: ImageDiskUsage[] = inv.images.map((img) => {
    const w = inv.walked.get(img.name);
    const blobs = [...(w?.blobs.keys() ?? [])].filter((d) => inv.content.has(d));
    const layers = [...(w?.chainIds ?? [])].filter((c) => inv.snapshots.has(`${sn}/${c}`));
    const shared = sum(blobs.filter((d) => (blobRefs.get(d) ?? 0) > 1).map(size)) + sum(layers.filter((c) => (layerRefs.get(c) ?? 0) > 1).map((c) => snapUsage(sn, c)));
    const contentBytes = sum(blobs.map(size));
    const unpackedBytes = sum(layers.map((c) => snapUsage(sn, c)));
    return {
      name: img.name, hostBytes: sum([...(w?.hostDigests ?? [])].filter((d) => inv.content.has(d)).map(size)), contentBytes, unpackedBytes,
      sharedBytes: shared, uniqueBytes: contentBytes + unpackedBytes - shared, containers: imageUsers(inv, img.name),
    };
  }).sort((a, b) => b.contentBytes + b.unpackedBytes - (a.contentBytes + a.unpackedBytes) || a.name.localeCompare(b.name));

  const union = (pick: (name: string) => Iterable<string>): Set<string> => new Set(inv.images.flatMap((i) => [...pick(i.name)]));
  const hostUnion = union((n) => inv.walked.get(n)?.hostDigests ?? []);
  const allUnion = union((n) => inv.walked.get(n)?.blobs.keys() ?? []);
  const layerUnion = union((n) => inv.walked.get(n)?.chainIds ?? []);
  const containers = containerUsage(inv, usage);
  const byKind: Partial<Record<PruneKind, number>> = {};
  for (const item of plan.items) byKind[item.kind] = (byKind[item.kind] ?? 0) + item.bytes;
  return {
    namespace: client.namespace, images,
    imagesHostBytes: sum([...hostUnion].map(size)), imagesContentBytes: sum([...allUnion].map(size)),
    imagesUnpackedBytes: sum([...layerUnion].map((c) => snapUsage(sn, c))),
    containers, containersWritableBytes: sum(containers.map((c) => c.writableBytes)),
    contentBytes: sum([...inv.content.values()].map((c) => c.size)), blobs: inv.content.size,
    snapshotsBytes: sum([...usage.values()].map((u) => u.size)), snapshots: inv.snapshots.size,
    reclaimableBytes: plan.totalBytes, reclaimableByKind: byKind, managedByKubelet: plan.managedByKubelet, takenAt: inv.takenAt,
  };
}

function containerUsage(inv: Inventory, usage: ReadonlyMap<string, { size: number; inodes: number }>): ContainerDiskUsage[] {
  return inv.containers.map((c) => {
    const u = c.snapshotKey ? usage.get(`${c.snapshotter}/${c.snapshotKey}`) : undefined;
    return {
      id: c.id, displayName: containerNaming(c.id, c.labels).displayName, snapshotter: c.snapshotter, snapshotKey: c.snapshotKey,
      writableBytes: u?.size ?? 0, inodes: u?.inodes ?? 0, running: taskState(inv.tasks.get(c.id)).live,
    };
  }).sort((a, b) => b.writableBytes - a.writableBytes || a.id.localeCompare(b.id));
}

/** Every namespace's report, and daemon-wide totals (blobs counted once by digest). */
export async function daemonDiskUsage(client: ContainerdClient, options: PruneOptions = {}): Promise<DaemonDiskUsage> {
  const namespaces: NamespaceDiskUsage[] = [];
  const blobs = new Map<string, number>();
  for (const ns of await client.namespaces.list(options)) {
    const c = client.withNamespace(ns.name);
    namespaces.push(await namespaceDiskUsage(c, options));
    for await (const info of c.content.list([], options)) blobs.set(info.digest, info.size);
  }
  return {
    namespaces, contentBytes: sum(blobs.values()), blobs: blobs.size, snapshotsBytes: sum(namespaces.map((n) => n.snapshotsBytes)),
    reclaimableBytes: sum(namespaces.map((n) => n.reclaimableBytes)), takenAt: new Date(),
  };
}

/** Options for a report only (no prune side): re-exported for callers that want the same defaults. */
export type DiskUsageOptions = PruneOptions & CallOptions;
