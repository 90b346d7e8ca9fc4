// Prune, first half: the plan. What would go in a namespace (stopped containers, images no container uses, our
// stale leases, abandoned ingests, snapshots and content nothing references) and the bytes each frees, worked out
// by replaying containerd's collector over an inventory. Nothing is removed here; see prune-execute.ts.
import type { ContainerdClient } from '../client';
import type { CallOptions } from '../call-options';
import { taskState } from '../task-state';
import { LEASE_OWNER_LABEL, staleReason } from '../pull/pull-leases';
import { imageUsers, reachable, takeInventory, unreachable, type Inventory, type Removal } from './inventory';
import { measureSnapshots } from './listings';

export type PruneKind = 'container' | 'image' | 'lease' | 'ingest' | 'snapshot' | 'content';

export interface PruneItem {
  kind: PruneKind;
  /** Container id, image name, lease id, ingest ref, snapshot key or content digest. */
  id: string;
  /** For snapshots (and a container's snapshot): which snapshotter. */
  snapshotter?: string;
  /** Why it may go, in words. */
  reason: string;
  /**
   * Bytes this item frees on disk, counted in plan order: what becomes unreferenced once it and the items before
   * it are gone (an image's layers count under the image, not again under a later item). Blobs other namespaces
   * also hold stay on disk and count nowhere.
   */
  bytes: number;
  /** What the bytes are made of: blobs and snapshots the collector (or the prune itself) removes with this item. */
  frees: { content: string[]; snapshots: string[] };
  /** For an ingest: its last update, re-checked before it is aborted. */
  updatedAt?: Date;
  /** For an image: the target digest, re-checked before it is deleted (a re-tag in between skips it). */
  target?: string;
}

export interface PruneOptions extends CallOptions {
  /** Containers without a live task (default true). */
  containers?: boolean;
  /** Images no (remaining) container uses (default true). */
  images?: boolean;
  /** Our own leases (owner label) that expired or whose pull is gone (default true). */
  leases?: boolean;
  /** Ingests untouched for longer than ingestMaxAgeMs (default true). */
  ingests?: boolean;
  /** Snapshots and content nothing references now (default true). */
  orphans?: boolean;
  /** Default one hour: a pull stalls far less than that between writes. */
  ingestMaxAgeMs?: number;
  now?: Date;
}

export interface PrunePlan {
  namespace: string;
  createdAt: Date;
  options: Required<Pick<PruneOptions, 'containers' | 'images' | 'leases' | 'ingests' | 'orphans' | 'ingestMaxAgeMs'>>;
  /** `k8s.io`: the kubelet owns these containers and images and pulls again what it needs. */
  managedByKubelet: boolean;
  warnings: string[];
  /** In execution order: containers, images, leases, ingests, orphan snapshots (children first), orphan content. */
  items: PruneItem[];
  totalBytes: number;
  /** Images that stay because containers use them, with those containers. */
  imagesInUse: { name: string; containers: string[] }[];
}

export const DEFAULT_INGEST_MAX_AGE_MS = 3600_000;
export const KUBELET_NAMESPACE = 'k8s.io';

/** Digests held in other namespaces: deleting them here frees no disk (the store keeps one copy for all). */
async function digestsElsewhere(client: ContainerdClient, opts: CallOptions): Promise<Set<string>> {
  const out = new Set<string>();
  for (const ns of await client.namespaces.list(opts)) {
    if (ns.name === client.namespace) continue;
    for await (const info of client.withNamespace(ns.name).content.list([], opts)) out.add(info.digest);
  }
  return out;
}

type Usage = ReadonlyMap<string, { size: number; inodes: number }>;

export async function planPrune(client: ContainerdClient, options: PruneOptions = {}): Promise<PrunePlan> {
  return planPruneOf(client, await takeInventory(client, options), options);
}

/** planPrune over an inventory already taken (and snapshot usage already measured, if any), as disk usage has them. */
export async function planPruneOf(client: ContainerdClient, inv: Inventory, options: PruneOptions = {}, measured: Usage = new Map()): Promise<PrunePlan> {
  const opts: PrunePlan['options'] = {
    containers: options.containers ?? true, images: options.images ?? true, leases: options.leases ?? true,
    ingests: options.ingests ?? true, orphans: options.orphans ?? true, ingestMaxAgeMs: options.ingestMaxAgeMs ?? DEFAULT_INGEST_MAX_AGE_MS,
  };
  const now = options.now ?? new Date();
  // Snapshots.Usage of the given snapshots: from `measured` where there, else asked for now.
  const usageOf = async (ids: string[]): Promise<Usage> => {
    const out = new Map(measured);
    for (const [id, u] of await measureSnapshots(client, inv, options, ids.filter((id) => !measured.has(id)))) out.set(id, u);
    return out;
  };
  const elsewhere = await digestsElsewhere(client, options);
  const managedByKubelet = client.namespace === KUBELET_NAMESPACE;
  const warnings = managedByKubelet
    ? ['This is the k8s.io namespace: the kubelet manages its containers and images, pulls removed images again when a pod needs them, and runs its own image garbage collection.']
    : [];

  const removal = { containers: new Set<string>(), images: new Set<string>(), leases: new Set<string>() };
  const pending: Omit<PruneItem, 'bytes' | 'frees'>[] = [];
  if (opts.containers) {
    for (const c of inv.containers) {
      const task = inv.tasks.get(c.id);
      if (taskState(task).live) continue;
      removal.containers.add(c.id);
      pending.push({ kind: 'container', id: c.id, ...(c.snapshotKey ? { snapshotter: c.snapshotter } : {}), reason: task ? 'its task has stopped' : 'it has no task' });
    }
  }
  const imagesInUse: PrunePlan['imagesInUse'] = [];
  for (const img of inv.images) {
    const users = imageUsers(inv, img.name, removal.containers);
    if (users.length) { imagesInUse.push({ name: img.name, containers: users }); continue; }
    if (!opts.images) continue;
    removal.images.add(img.name);
    pending.push({ kind: 'image', id: img.name, reason: 'no container uses it', target: img.target.digest });
  }
  if (opts.leases) {
    for (const l of inv.leases) {
      if (l.labels[LEASE_OWNER_LABEL] === undefined) continue;
      const why = staleReason(l, now) ?? (l.expiresAt && l.expiresAt.getTime() < now.getTime() ? `it expired at ${l.expiresAt.toISOString()}` : undefined);
      if (!why) continue;
      removal.leases.add(l.id);
      pending.push({ kind: 'lease', id: l.id, reason: why });
    }
  }
  const items = await attributeBytes(inv, pending, elsewhere, now, usageOf);
  if (opts.ingests) {
    for (const s of await client.content.listStatuses([], options)) {
      const last = s.updatedAt ?? s.startedAt;
      if (!last || now.getTime() - last.getTime() < opts.ingestMaxAgeMs) continue;
      items.push({ kind: 'ingest', id: s.ref, reason: `no write since ${last.toISOString()}`, bytes: s.offset, frees: { content: [], snapshots: [] }, updatedAt: last });
    }
  }
  if (opts.orphans) items.push(...await orphanItems(inv, elsewhere, now, usageOf));
  return {
    namespace: client.namespace, createdAt: now, options: opts, managedByKubelet, warnings, items,
    totalBytes: items.reduce((n, i) => n + i.bytes, 0), imagesInUse,
  };
}

/** Plan-order marginal bytes: each item frees what is reachable before it and not after it. */
async function attributeBytes(inv: Inventory, pending: Omit<PruneItem, 'bytes' | 'frees'>[], elsewhere: ReadonlySet<string>, now: Date, usageOf: (ids: string[]) => Promise<Usage>): Promise<PruneItem[]> {
  const cur: Required<Removal> = { containers: new Set(), images: new Set(), leases: new Set() };
  let before = reachable(inv, cur, now);
  const steps: { item: Omit<PruneItem, 'bytes' | 'frees'>; content: string[]; snapshots: string[] }[] = [];
  for (const item of pending) {
    if (item.kind === 'container') (cur.containers as Set<string>).add(item.id);
    else if (item.kind === 'image') (cur.images as Set<string>).add(item.id);
    else (cur.leases as Set<string>).add(item.id);
    const after = reachable(inv, cur, now);
    const lost = [...before].filter((n) => !after.has(n));
    steps.push({
      item,
      content: lost.filter((n) => n.startsWith('content:') && inv.content.has(n.slice(8))).map((n) => n.slice(8)),
      snapshots: lost.filter((n) => n.startsWith('snapshot:') && inv.snapshots.has(n.slice(9))).map((n) => n.slice(9)),
    });
    before = after;
  }
  const usage = await usageOf(steps.flatMap((s) => s.snapshots));
  return steps.map(({ item, content, snapshots }) => ({
    ...item, frees: { content, snapshots },
    bytes: content.reduce((n, d) => n + (elsewhere.has(d) ? 0 : inv.content.get(d)?.size ?? 0), 0) + snapshots.reduce((n, id) => n + (usage.get(id)?.size ?? 0), 0),
  }));
}

/** Snapshots (children first) and content that nothing references now; the collector would take them at its next run. */
async function orphanItems(inv: Inventory, elsewhere: ReadonlySet<string>, now: Date, usageOf: (ids: string[]) => Promise<Usage>): Promise<PruneItem[]> {
  const lost = unreachable(inv, reachable(inv, {}, now));
  const usage = await usageOf(lost.snapshots);
  const depth = (id: string): number => {
    let d = 0;
    for (let s = inv.snapshots.get(id); s?.parent && d < 512; s = inv.snapshots.get(`${s.snapshotter}/${s.parent}`)) d++;
    return d;
  };
  const snaps = [...lost.snapshots].sort((a, b) => depth(b) - depth(a));
  const items: PruneItem[] = snaps.map((id) => {
    const s = inv.snapshots.get(id);
    return { kind: 'snapshot', id: s?.name ?? id, snapshotter: s?.snapshotter, reason: `no container, image or lease references this ${s?.kind ?? ''} snapshot`.replace('  ', ' '), bytes: usage.get(id)?.size ?? 0, frees: { content: [], snapshots: [id] } };
  });
  for (const d of lost.content) {
    items.push({ kind: 'content', id: d, reason: 'no image, container or lease references this blob', bytes: elsewhere.has(d) ? 0 : inv.content.get(d)?.size ?? 0, frees: { content: [d], snapshots: [] } });
  }
  return items;
}
