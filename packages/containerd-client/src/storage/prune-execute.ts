// Prune, second half: carrying out a plan. Every item is checked again just before it goes (a container started
// since the plan, an image a new container uses, a lease renewed, an ingest written to, a blob referenced again are
// skipped), each gets its own result, and one synchronous collection at the end frees what the removals released.
import type { ContainerdClient } from '../client';
import { taskState } from '../task-state';
import { NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import { LEASE_OWNER_LABEL, staleReason } from '../pull/pull-leases';
import type { Container } from '../types';
import { containerUsesImage, contentNode, listSnapshotRecords, reachable, snapshotNode, takeInventory, type Inventory } from './inventory';
import { abortIngest } from './listings';
import type { PruneItem, PrunePlan } from './prune-plan';

export type PruneStatus = 'removed' | 'skipped' | 'gone' | 'failed';

export interface PruneItemResult {
  item: PruneItem;
  status: PruneStatus;
  /** Why skipped or failed. */
  reason?: string;
}

export interface PruneResult {
  namespace: string;
  results: PruneItemResult[];
  /** Sum of the planned bytes of the removed items. */
  freedBytes: number;
}

const gone = async (work: () => Promise<unknown>): Promise<boolean> => {
  try { await work(); return false; } catch (e) { if (e instanceof NotFoundError) return true; throw e; }
};

async function pruneContainer(client: ContainerdClient, item: PruneItem, opts: CallOptions): Promise<PruneItemResult> {
  let container: Container;
  try { container = await client.containers.get(item.id, opts); } catch (e) { if (e instanceof NotFoundError) return { item, status: 'gone' }; throw e; }
  const task = await client.tasks.get(item.id, '', opts).catch((e: unknown) => { if (e instanceof NotFoundError) return undefined; throw e; });
  if (taskState(task).live) return { item, status: 'skipped', reason: `its task is ${task?.status} again (pid ${task?.pid})` };
  if (task) await gone(() => client.tasks.delete(item.id, opts));
  // ContainersService.delete refuses while a task exists, so a start that slipped in after the check stops it here.
  if (await gone(() => client.containers.delete(item.id, opts))) return { item, status: 'gone' };
  if (container.snapshotKey) {
    const others = await client.containers.list([], { ...opts, spec: false });
    if (!others.some((c) => c.snapshotKey === container.snapshotKey && c.snapshotter === container.snapshotter)) {
      // A snapshot someone committed a child of cannot go; the record is gone and the collector decides later.
      const sn = client.withSnapshotter(container.snapshotter || client.snapshotter);
      try { await gone(() => sn.snapshots.remove(container.snapshotKey, opts)); } catch (e) {
        return { item, status: 'removed', reason: `its snapshot stays: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
  }
  return { item, status: 'removed' };
}

async function pruneImage(client: ContainerdClient, item: PruneItem, plannedChain: ReadonlySet<string>, opts: CallOptions): Promise<PruneItemResult> {
  let target: string;
  try { target = (await client.images.get(item.id, opts)).target.digest; } catch (e) { if (e instanceof NotFoundError) return { item, status: 'gone' }; throw e; }
  if (item.target && target !== item.target) return { item, status: 'skipped', reason: `it now points at ${target}, not the planned ${item.target}` };
  const containers = await client.containers.list([], { ...opts, spec: false });
  const snapshots = await listSnapshotRecords(client, containers, opts);
  const user = containers.find((x) => containerUsesImage(x, item.id, plannedChain, (sn, key) => snapshots.get(`${sn}/${key}`)?.parent))?.id;
  if (user) return { item, status: 'skipped', reason: `container ${user} uses it now` };
  if (await gone(() => client.images.delete(item.id, { ...opts, sync: false }))) return { item, status: 'gone' };
  return { item, status: 'removed' };
}

async function pruneLease(client: ContainerdClient, item: PruneItem, opts: CallOptions): Promise<PruneItemResult> {
  const [lease] = await client.leases.list([`id==${item.id}`], opts);
  if (!lease) return { item, status: 'gone' };
  if (lease.labels[LEASE_OWNER_LABEL] === undefined) return { item, status: 'skipped', reason: 'it no longer carries our owner label' };
  const expire = Date.parse(lease.labels['containerd.io/gc.expire'] ?? '');
  if (!staleReason(lease) && !(expire < Date.now())) return { item, status: 'skipped', reason: 'its pull is running again' };
  if (await gone(() => client.leases.delete(item.id, opts))) return { item, status: 'gone' };
  return { item, status: 'removed' };
}

async function pruneIngest(client: ContainerdClient, item: PruneItem, opts: CallOptions): Promise<PruneItemResult> {
  let updated: Date | undefined;
  try {
    const s = await client.content.status(item.id, opts);
    updated = s.updatedAt ?? s.startedAt;
  } catch (e) {
    if (e instanceof NotFoundError) return { item, status: 'gone' };
    throw e;
  }
  if (item.updatedAt && updated && updated.getTime() > item.updatedAt.getTime()) return { item, status: 'skipped', reason: `written to at ${updated.toISOString()}, after the plan` };
  if (await gone(() => abortIngest(client, item.id, opts))) return { item, status: 'gone' };
  return { item, status: 'removed' };
}

/** Orphans are checked against a fresh inventory: still present and still referenced by nothing. */
async function pruneOrphan(client: ContainerdClient, item: PruneItem, inv: Inventory, kept: ReadonlySet<string>, opts: CallOptions): Promise<PruneItemResult> {
  if (item.kind === 'content') {
    if (!inv.content.has(item.id)) return { item, status: 'gone' };
    if (kept.has(contentNode(item.id))) return { item, status: 'skipped', reason: 'something references it now' };
    return (await gone(() => client.content.delete(item.id, opts))) ? { item, status: 'gone' } : { item, status: 'removed' };
  }
  const sn = item.snapshotter ?? client.snapshotter;
  const node = snapshotNode(sn, item.id);
  if (!inv.snapshots.has(node.slice('snapshot:'.length))) return { item, status: 'gone' };
  if (kept.has(node)) return { item, status: 'skipped', reason: 'something references it now' };
  return (await gone(() => client.withSnapshotter(sn).snapshots.remove(item.id, opts))) ? { item, status: 'gone' } : { item, status: 'removed' };
}

/**
 * Carries out the plan in its order. Never throws for one item: its failure is in its result. Items already gone
 * count as 'gone' (nothing freed by us). Ends with a synchronous collection so the space is free on return.
 */
export async function executePrune(client: ContainerdClient, plan: PrunePlan, opts: CallOptions = {}): Promise<PruneResult> {
  const c = client.withNamespace(plan.namespace);
  const results: PruneItemResult[] = [];
  // The top chain IDs each planned image unpacks to, from a walk taken now (an image record's documents do not change).
  const chains = new Map<string, Set<string>>();
  if (plan.items.some((i) => i.kind === 'image')) for (const [name, w] of (await takeInventory(c, opts)).walked) chains.set(name, w.topChainIds);
  let fresh: { inv: Inventory; kept: Set<string> } | undefined;
  for (const item of plan.items) {
    try {
      if (item.kind === 'container') results.push(await pruneContainer(c, item, opts));
      else if (item.kind === 'image') results.push(await pruneImage(c, item, chains.get(item.id) ?? new Set(), opts));
      else if (item.kind === 'lease') results.push(await pruneLease(c, item, opts));
      else if (item.kind === 'ingest') results.push(await pruneIngest(c, item, opts));
      else {
        if (!fresh) { const inv = await takeInventory(c, opts); fresh = { inv, kept: reachable(inv) }; }
        results.push(await pruneOrphan(c, item, fresh.inv, fresh.kept, opts));
      }
    } catch (e) {
      results.push({ item, status: 'failed', reason: e instanceof Error ? e.message : String(e) });
    }
  }
  // Deleting a lease synchronously runs the collector now: image content and snapshots released above go too.
  const gc = await c.leases.create({ expiresInMs: 60_000 }, opts);
  await c.leases.delete(gc.id, { ...opts, sync: true });
  return { namespace: plan.namespace, results, freedBytes: results.filter((r) => r.status === 'removed').reduce((n, r) => n + r.item.bytes, 0) };
}
