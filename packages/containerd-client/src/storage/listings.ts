// What the Content, Snapshots, Leases and Active downloads views list: plain data built from one inventory,
// plus the two actions those views offer (delete a lease, abort an ingest).
import type { ContainerdClient } from '../client';
import type { CallOptions } from '../call-options';
import { UnavailableError, UnknownError } from '../errors';
import { LEASE_OWNER_LABEL, staleReason } from '../pull/pull-leases';
import type { LeaseResource, SnapshotKind } from '../types';
import { chainOf, takeInventory, type Inventory } from './inventory';

export interface BlobEntry {
  digest: string;
  size: number;
  /** From the image documents that name it; undefined for a blob no image describes. */
  mediaType?: string;
  /** Images whose documents reference it. */
  images: string[];
  labels: Record<string, string>;
  createdAt?: Date;
  updatedAt?: Date;
}

export type SnapshotOwner =
  | { kind: 'container'; id: string }
  | { kind: 'image'; name: string }
  | { kind: 'lease'; id: string };

export interface SnapshotEntry {
  snapshotter: string;
  name: string;
  kind: SnapshotKind;
  parent: string;
  /** Ancestors, nearest first (without the snapshot itself). */
  ancestors: string[];
  children: number;
  /** Bytes on disk (Snapshots.Usage), when measured. */
  usage?: { size: number; inodes: number };
  owners: SnapshotOwner[];
  labels: Record<string, string>;
  createdAt?: Date;
}

export interface LeaseEntry {
  id: string;
  createdAt?: Date;
  expiresAt?: Date;
  expired: boolean;
  labels: Record<string, string>;
  resources: LeaseResource[];
  /** Carries our owner label (a pull of this extension). */
  ours: boolean;
  /** For ours: why it is stale (its pull is gone or it expired), else undefined. */
  staleReason?: string;
}

export interface IngestEntry {
  ref: string;
  offset: number;
  total: number;
  /** offset/total in 0..1; undefined when the total is unknown. */
  fraction?: number;
  expected: string;
  startedAt?: Date;
  updatedAt?: Date;
}

export function blobEntries(inv: Inventory): BlobEntry[] {
  const media = new Map<string, string>();
  const users = new Map<string, string[]>();
  for (const w of inv.walked.values()) {
    for (const [digest, b] of w.blobs) {
      if (!media.has(digest)) media.set(digest, b.mediaType);
      const u = users.get(digest) ?? [];
      u.push(w.name);
      users.set(digest, u);
    }
  }
  return [...inv.content.values()].map((c) => ({
    digest: c.digest, size: c.size, images: (users.get(c.digest) ?? []).sort(), labels: c.labels,
    ...(media.has(c.digest) ? { mediaType: media.get(c.digest) } : {}),
    ...(c.createdAt ? { createdAt: c.createdAt } : {}), ...(c.updatedAt ? { updatedAt: c.updatedAt } : {}),
  })).sort((a, b) => b.size - a.size || a.digest.localeCompare(b.digest));
}

/** Content.List with media types and referencing images. */
export async function listBlobs(client: ContainerdClient, opts?: CallOptions): Promise<BlobEntry[]> {
  return blobEntries(await takeInventory(client, opts));
}

export function snapshotEntries(inv: Inventory, usage: ReadonlyMap<string, { size: number; inodes: number }> = new Map()): SnapshotEntry[] {
  const children = new Map<string, number>();
  for (const s of inv.snapshots.values()) if (s.parent) children.set(`${s.snapshotter}/${s.parent}`, (children.get(`${s.snapshotter}/${s.parent}`) ?? 0) + 1);
  return [...inv.snapshots.entries()].map(([id, s]) => {
    const owners: SnapshotOwner[] = [];
    for (const c of inv.containers) if (c.snapshotKey === s.name && c.snapshotter === s.snapshotter) owners.push({ kind: 'container', id: c.id });
    for (const w of inv.walked.values()) if (w.chainIds.has(s.name)) owners.push({ kind: 'image', name: w.name });
    for (const l of inv.leases) if (l.resources.some((r) => r.type === `snapshots/${s.snapshotter}` && r.id === s.name)) owners.push({ kind: 'lease', id: l.id });
    const u = usage.get(id);
    return {
      snapshotter: s.snapshotter, name: s.name, kind: s.kind, parent: s.parent, ancestors: chainOf(inv, s.snapshotter, s.name).slice(1),
      children: children.get(id) ?? 0, owners, labels: s.labels, ...(u ? { usage: u } : {}), ...(s.createdAt ? { createdAt: s.createdAt } : {}),
    };
  }).sort((a, b) => a.ancestors.length - b.ancestors.length || a.name.localeCompare(b.name));
}

/** Snapshots.List (client's snapshotter and those containers name) with Usage, kind, parent chain and owners. */
export async function listSnapshots(client: ContainerdClient, opts: CallOptions & { usage?: boolean } = {}): Promise<SnapshotEntry[]> {
  const inv = await takeInventory(client, opts);
  const usage = opts.usage === false ? new Map() : await measureSnapshots(client, inv, opts);
  return snapshotEntries(inv, usage);
}

/** Snapshots.Usage of every snapshot in the inventory (or those given), by node id `<snapshotter>/<key>`. */
export async function measureSnapshots(client: ContainerdClient, inv: Inventory, opts: CallOptions = {}, ids?: Iterable<string>): Promise<Map<string, { size: number; inodes: number }>> {
  const out = new Map<string, { size: number; inodes: number }>();
  for (const id of ids ?? inv.snapshots.keys()) {
    const s = inv.snapshots.get(id);
    if (!s) continue;
    // A snapshot removed since the listing has no usage: skip it rather than fail the whole view.
    const u = await client.withSnapshotter(s.snapshotter).snapshots.usage(s.name, opts).catch(() => undefined);
    if (u) out.set(id, u);
  }
  return out;
}

export function leaseEntries(inv: Inventory, now = new Date()): LeaseEntry[] {
  return inv.leases.map((l) => {
    const ours = l.labels[LEASE_OWNER_LABEL] !== undefined;
    const reason = ours ? staleReason(l, now) : undefined;
    return {
      id: l.id, labels: l.labels, resources: l.resources, ours, expired: !!l.expiresAt && l.expiresAt.getTime() < now.getTime(),
      ...(l.createdAt ? { createdAt: l.createdAt } : {}), ...(l.expiresAt ? { expiresAt: l.expiresAt } : {}), ...(reason ? { staleReason: reason } : {}),
    };
  }).sort((a, b) => a.id.localeCompare(b.id));
}

/** Leases with their resources and expiry (`containerd.io/gc.expire`). */
export async function listLeases(client: ContainerdClient, opts?: CallOptions): Promise<LeaseEntry[]> {
  return leaseEntries(await takeInventory(client, opts));
}

/** Deletes a lease; `sync` waits for the collector, so what only it held is gone on return. */
export async function deleteLease(client: ContainerdClient, id: string, options: { sync?: boolean } & CallOptions = {}): Promise<void> {
  await client.leases.delete(id, options);
}

/** Content.ListStatuses: writes under way or abandoned, with how far each got. */
export async function listIngests(client: ContainerdClient, opts?: CallOptions): Promise<IngestEntry[]> {
  const statuses = await client.content.listStatuses([], opts);
  return statuses.map((s) => ({
    ref: s.ref, offset: s.offset, total: s.total, expected: s.expected,
    ...(s.total > 0 ? { fraction: Math.min(1, s.offset / s.total) } : {}),
    ...(s.startedAt ? { startedAt: s.startedAt } : {}), ...(s.updatedAt ? { updatedAt: s.updatedAt } : {}),
  })).sort((a, b) => a.ref.localeCompare(b.ref));
}

/** How long Abort retries while containerd is still closing the ingest's last writer. */
const ABORT_SETTLE_MS = 5000;

/**
 * Content.Abort: drops the partial data of an ingest (a write still running on it then fails). Right after a writer
 * went away, containerd may still be closing its files: the removal then fails with "directory not empty" (1.6) or
 * the ref is "locked"; like the write's own wait for a locked ref, try again for a few seconds.
 */
export async function abortIngest(client: ContainerdClient, ref: string, opts?: CallOptions): Promise<void> {
  const deadline = Date.now() + ABORT_SETTLE_MS;
  for (let delayMs = 20; ; delayMs = Math.min(delayMs * 2, 500)) {
    try {
      await client.content.abort(ref, opts);
      return;
    } catch (e) {
      const busy = (e instanceof UnknownError || e instanceof UnavailableError) && /directory not empty|locked/.test(e.message);
      if (!busy || Date.now() + delayMs > deadline || opts?.signal?.aborted) throw e;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
