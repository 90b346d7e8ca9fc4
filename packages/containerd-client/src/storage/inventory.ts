// A namespace's storage as containerd's garbage collector sees it: images, containers, tasks, leases (with their
// resources), content and snapshots, plus what each image's documents reference. `reachable()` replays the
// collector's mark phase (metadata/gc.go) over the labels, so prune and disk usage can say what a removal frees.
import type { ContainerdClient } from '../client';
import type { CallOptions } from '../call-options';
import { GC_EXPIRE_LABEL } from '../services/leases';
import type { Container, ContentInfo, Image, Lease, LeaseResource, SnapshotInfo, TaskProcess } from '../types';
import { walkImage, type WalkedImage } from './image-walk';

export const GC_ROOT_LABEL = 'containerd.io/gc.root';
const GC_REF_CONTENT = 'containerd.io/gc.ref.content';
const GC_REF_SNAPSHOT = 'containerd.io/gc.ref.snapshot.';

export interface LeaseWithResources extends Lease { resources: LeaseResource[]; expiresAt?: Date }

export interface SnapshotRecord extends SnapshotInfo { snapshotter: string }

export interface Inventory {
  namespace: string;
  images: Image[];
  containers: Container[];
  /** Init tasks by container id. */
  tasks: Map<string, TaskProcess>;
  leases: LeaseWithResources[];
  content: Map<string, ContentInfo>;
  /** By node id `<snapshotter>/<key>`. */
  snapshots: Map<string, SnapshotRecord>;
  walked: Map<string, WalkedImage>;
  takenAt: Date;
}

/** Node ids of the reachability graph. */
export const contentNode = (digest: string): string => `content:${digest}`;
export const snapshotNode = (snapshotter: string, key: string): string => `snapshot:${snapshotter}/${key}`;

/** Parses a lease's gc.expire (RFC 3339); undefined when absent or unparsable. */
export function leaseExpiry(lease: Lease): Date | undefined {
  const t = Date.parse(lease.labels[GC_EXPIRE_LABEL] ?? '');
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** Snapshots of the client's snapshotter and of every snapshotter a container names, by `<snapshotter>/<key>`. */
export async function listSnapshotRecords(client: ContainerdClient, containers: readonly Container[], opts: CallOptions = {}): Promise<Map<string, SnapshotRecord>> {
  const out = new Map<string, SnapshotRecord>();
  for (const sn of new Set([client.snapshotter, ...containers.map((c) => c.snapshotter).filter(Boolean)])) {
    // A snapshotter that is not loaded lists nothing rather than failing the whole inventory.
    for (const s of await client.withSnapshotter(sn).snapshots.listAll([], opts).catch(() => [])) out.set(`${sn}/${s.name}`, { ...s, snapshotter: sn });
  }
  return out;
}

/** Reads everything at once (snapshots for the client's snapshotter and every snapshotter a container names). */
export async function takeInventory(client: ContainerdClient, opts: CallOptions = {}): Promise<Inventory> {
  const [images, containers, taskList, leaseList] = await Promise.all([
    client.images.list([], opts), client.containers.list([], { ...opts, spec: false }), client.tasks.list('', opts), client.leases.list([], opts),
  ]);
  const leases = await Promise.all(leaseList.map(async (l): Promise<LeaseWithResources> => {
    const resources = await client.leases.listResources(l.id, opts).catch(() => []);
    const expiresAt = leaseExpiry(l);
    return { ...l, resources, ...(expiresAt ? { expiresAt } : {}) };
  }));
  const content = new Map<string, ContentInfo>();
  for await (const info of client.content.list([], opts)) content.set(info.digest, info);
  const snapshots = await listSnapshotRecords(client, containers, opts);
  const present = new Set(content.keys());
  const walked = new Map<string, WalkedImage>();
  for (const img of images) walked.set(img.name, await walkImage(client, img, present, opts));
  const tasks = new Map(taskList.filter((t) => !t.id).map((t) => [t.containerId, t]));
  return { namespace: client.namespace, images, containers, tasks, leases, content, snapshots, walked, takenAt: new Date() };
}

/** What is left out of the roots when asking "what if these went". */
export interface Removal { containers?: ReadonlySet<string>; images?: ReadonlySet<string>; leases?: ReadonlySet<string> }

function labelRefs(labels: Record<string, string>, defaultSnapshotter?: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (k === GC_REF_CONTENT || k.startsWith(`${GC_REF_CONTENT}.`) || k.startsWith(`${GC_REF_CONTENT}/`)) out.push(contentNode(v));
    else if (k.startsWith(GC_REF_SNAPSHOT)) {
      const sn = k.slice(GC_REF_SNAPSHOT.length).split('/')[0];
      if (sn) out.push(snapshotNode(sn, v));
    } else if (k === 'containerd.io/gc.ref.snapshot' && defaultSnapshotter) {
      out.push(snapshotNode(defaultSnapshotter, v));
    }
  }
  return out;
}

/** The collector's roots, minus `removal`: images, containers, unexpired leases' resources, gc.root-labelled objects. */
export function roots(inv: Inventory, removal: Removal = {}, now = new Date()): string[] {
  const out: string[] = [];
  for (const img of inv.images) if (!removal.images?.has(img.name)) out.push(contentNode(img.target.digest));
  for (const c of inv.containers) {
    if (removal.containers?.has(c.id)) continue;
    if (c.snapshotKey) out.push(snapshotNode(c.snapshotter, c.snapshotKey));
    out.push(...labelRefs(c.labels, c.snapshotter));
  }
  for (const l of inv.leases) {
    if (removal.leases?.has(l.id)) continue;
    if (l.expiresAt && l.expiresAt.getTime() < now.getTime()) continue;
    for (const r of l.resources) {
      if (r.type === 'content') out.push(contentNode(r.id));
      else if (r.type.startsWith('snapshots/')) out.push(snapshotNode(r.type.slice('snapshots/'.length), r.id));
    }
  }
  for (const info of inv.content.values()) if (info.labels[GC_ROOT_LABEL] !== undefined) out.push(contentNode(info.digest));
  for (const [id, s] of inv.snapshots) if (s.labels[GC_ROOT_LABEL] !== undefined) out.push(`snapshot:${id}`);
  return out;
}

/** Everything the collector would keep: the closure of the roots over labels and snapshot parents. */
export function reachable(inv: Inventory, removal: Removal = {}, now = new Date()): Set<string> {
  const seen = new Set<string>();
  const stack = roots(inv, removal, now);
  while (stack.length) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    if (id.startsWith('content:')) {
      const info = inv.content.get(id.slice('content:'.length));
      if (info) stack.push(...labelRefs(info.labels));
    } else {
      const s = inv.snapshots.get(id.slice('snapshot:'.length));
      if (!s) continue;
      if (s.parent) stack.push(snapshotNode(s.snapshotter, s.parent));
      stack.push(...labelRefs(s.labels, s.snapshotter));
    }
  }
  return seen;
}

/** Nodes that exist now and the collector would remove (not reachable). */
export function unreachable(inv: Inventory, kept: ReadonlySet<string>): { content: string[]; snapshots: string[] } {
  const content = [...inv.content.keys()].filter((d) => !kept.has(contentNode(d)));
  const snapshots = [...inv.snapshots.keys()].filter((id) => !kept.has(`snapshot:${id}`));
  return { content, snapshots };
}

/**
 * Whether a container uses an image: by name, or by a snapshot prepared right on the image's top layer (under another
 * name, or renamed since). A layer lower in the chain does not count: a base image whose only layer is the bottom of
 * another image's chain is not used by that image's containers. `parentOf` gives a snapshot's parent.
 */
export function containerUsesImage(c: Container, imageName: string, topChainIds: ReadonlySet<string>, parentOf: (snapshotter: string, key: string) => string | undefined): boolean {
  if (c.image === imageName) return true;
  const parent = c.snapshotKey ? parentOf(c.snapshotter, c.snapshotKey) : undefined;
  return !!parent && topChainIds.has(parent);
}

/** Containers (kept ones only) that use an image (containerUsesImage). */
export function imageUsers(inv: Inventory, imageName: string, removedContainers: ReadonlySet<string> = new Set()): string[] {
  const tops = inv.walked.get(imageName)?.topChainIds ?? new Set<string>();
  const parentOf = (sn: string, key: string): string | undefined => inv.snapshots.get(`${sn}/${key}`)?.parent;
  return inv.containers.filter((c) => !removedContainers.has(c.id) && containerUsesImage(c, imageName, tops, parentOf)).map((c) => c.id);
}

/** The snapshot and its ancestors, nearest first. */
export function chainOf(inv: Inventory, snapshotter: string, key: string): string[] {
  const out: string[] = [];
  let cur: string | undefined = key;
  while (cur && out.length < 512) {
    out.push(cur);
    cur = inv.snapshots.get(`${snapshotter}/${cur}`)?.parent || undefined;
  }
  return out;
}
