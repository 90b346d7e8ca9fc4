// Pull leases: the owner label that says which process holds one, its liveness, and the sweep that removes leases
// of pulls that no longer run (containerd killed mid-pull would otherwise pin their layers for 24 h).
import * as fs from 'node:fs';
import type { ContainerdClient } from '../client';
import { NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import { GC_EXPIRE_LABEL } from '../services/leases';
import type { Lease } from '../types';

/** Every pull's lease id starts with this; older versions used it too (without the owner label). */
export const PULL_LEASE_PREFIX = 'containerd-explorer-pull-';
/** The longest a pull may take: its lease's gc.expire, and the age after which an unowned pull lease is stale. */
export const PULL_LEASE_MAX_AGE_MS = 24 * 3600_000;
/** `<boot id>/<pid namespace>/<pid>/<process start time>`: unique per process, and checkable while it lives. */
export const LEASE_OWNER_LABEL = 'containerd-explorer/owner';
export const PULL_IMAGE_LABEL = 'containerd-explorer/pull';

interface Owner { boot: string; pidns: string; pid: number; start: string }

function readText(file: string): string | undefined {
  try { return fs.readFileSync(file, 'utf8').trim(); } catch { return undefined; }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised name, which may hold spaces): ticks since boot. */
function startTime(pid: number | 'self'): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields && /^\d+$/.test(fields[19] ?? '') ? fields[19] : undefined;
}

let self: Owner | null | undefined;
/** This process as a lease owner; null where /proc cannot tell (then leases carry no owner and only expire). */
function selfOwner(): Owner | null {
  if (self !== undefined) return self;
  const boot = readText('/proc/sys/kernel/random/boot_id');
  let pidns: string | undefined;
  try { pidns = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1]; } catch { pidns = undefined; }
  const start = startTime('self');
  self = boot && pidns && start ? { boot, pidns, pid: process.pid, start } : null;
  return self;
}

function parseOwner(value: string | undefined): Owner | undefined {
  const m = /^([0-9a-f-]{36})\/(\d+)\/(\d+)\/(\d+)$/.exec(value ?? '');
  return m ? { boot: m[1], pidns: m[2], pid: Number(m[3]), start: m[4] } : undefined;
}

/** Labels that name this process as the lease's owner (none where it cannot be told). */
export function leaseOwnerLabels(): Record<string, string> {
  const o = selfOwner();
  return o ? { [LEASE_OWNER_LABEL]: `${o.boot}/${o.pidns}/${o.pid}/${o.start}` } : {};
}

// Leases of pulls running in this process. On globalThis so two copies of this module (the extension's bundle
// and packages/containerd-client/dist/index.js loaded by a test in the same process) agree.
const ACTIVE_KEY = Symbol.for('containerd-explorer.active-pull-leases');
function activeLeases(): Set<string> {
  const g = globalThis as { [ACTIVE_KEY]?: Set<string> };
  return (g[ACTIVE_KEY] ??= new Set<string>());
}

/** Marks a lease id as in use by this process (call before creating it); returns its release. */
export function holdLease(id: string): () => void {
  activeLeases().add(id);
  return () => { activeLeases().delete(id); };
}

/** Why a pull lease is stale, or undefined while its pull may still be running. */
export function staleReason(lease: Lease, now = new Date()): string | undefined {
  if (!lease.id.startsWith(PULL_LEASE_PREFIX)) return undefined;
  const expire = Date.parse(lease.labels[GC_EXPIRE_LABEL] ?? '');
  if (!Number.isNaN(expire) && expire < now.getTime()) return `it expired at ${new Date(expire).toISOString()}`;
  const owner = parseOwner(lease.labels[LEASE_OWNER_LABEL]);
  if (owner) {
    const me = selfOwner();
    // Another machine, boot or PID namespace: its processes cannot be seen from here; gc.expire decides.
    if (!me || owner.boot !== me.boot || owner.pidns !== me.pidns) return undefined;
    if (owner.pid === me.pid && owner.start === me.start) return activeLeases().has(lease.id) ? undefined : 'its pull in this window was interrupted';
    return startTime(owner.pid) === owner.start ? undefined : `the process that pulled (pid ${owner.pid}) has exited`;
  }
  // No (valid) owner label: an older version's lease, stale once older than any pull may take.
  const created = lease.createdAt?.getTime();
  return created !== undefined && now.getTime() - created > PULL_LEASE_MAX_AGE_MS ? 'it is older than the longest a pull may take' : undefined;
}

export interface SweptLease { namespace: string; id: string; reason: string; /** The image it pulled (from its label; untrusted text). */ image?: string }

/**
 * Deletes, in every namespace, the leases of our own pulls that no running pull holds (containerd died mid-pull,
 * or the window did): what only they pinned is collected at once. A pull in another live process keeps its lease.
 */
export async function sweepStalePullLeases(client: ContainerdClient, options: { now?: Date } & CallOptions = {}): Promise<SweptLease[]> {
  const { now, ...opts } = options;
  const swept: SweptLease[] = [];
  for (const ns of await client.namespaces.list(opts)) {
    const leases = client.withNamespace(ns.name).leases;
    for (const lease of await leases.list([], opts)) {
      const reason = staleReason(lease, now);
      if (!reason) continue;
      try {
        await leases.delete(lease.id, { ...opts, sync: true });
      } catch (e) {
        if (e instanceof NotFoundError) continue; // its pull just finished
        throw e;
      }
      const image = lease.labels[PULL_IMAGE_LABEL];
      swept.push({ namespace: ns.name, id: lease.id, reason, ...(image ? { image } : {}) });
    }
  }
  return swept;
}
