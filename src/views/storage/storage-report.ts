// Markdown for Disk Usage (daemon-wide and per namespace), the Prune preview and its result: plain functions over
// the client's data, free of vscode (unit-tested), rendered in the read-only document viewer.
import type { DaemonDiskUsage, NamespaceDiskUsage, PruneItem, PruneKind, PrunePlan, PruneResult } from '@containerd-explorer/client';
import { formatBytes } from '../model/format';

const KIND_WORDS: Record<PruneKind, [string, string]> = {
  container: ['stopped container', 'stopped containers'],
  image: ['unused image', 'unused images'],
  lease: ['stale lease', 'stale leases'],
  ingest: ['abandoned download', 'abandoned downloads'],
  snapshot: ['orphan snapshot', 'orphan snapshots'],
  content: ['orphan blob', 'orphan blobs'],
};
const KIND_ORDER: PruneKind[] = ['container', 'image', 'lease', 'ingest', 'snapshot', 'content'];

export function kindWords(kind: PruneKind, n: number): string {
  return `${n} ${KIND_WORDS[kind][n === 1 ? 0 : 1]}`;
}

/** Table cells must not break the table: pipes and newlines are escaped. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function namespaceSection(u: NamespaceDiskUsage, heading: string): string[] {
  const lines = [
    `${heading} Namespace \`${cell(u.namespace)}\``, '',
    '| | Size | |', '|---|---:|---|',
    `| Images (this platform) | ${formatBytes(u.imagesHostBytes)} | ${u.images.length} image${u.images.length === 1 ? '' : 's'}; all platforms present: ${formatBytes(u.imagesContentBytes)}; unpacked: ${formatBytes(u.imagesUnpackedBytes)} |`,
    `| Containers (writable layers) | ${formatBytes(u.containersWritableBytes)} | ${u.containers.length} container${u.containers.length === 1 ? '' : 's'} |`,
    `| Content store | ${formatBytes(u.contentBytes)} | ${u.blobs} blob${u.blobs === 1 ? '' : 's'} |`,
    `| Snapshots | ${formatBytes(u.snapshotsBytes)} | ${u.snapshots} snapshot${u.snapshots === 1 ? '' : 's'} |`,
    `| **Reclaimable** | **${formatBytes(u.reclaimableBytes)}** | ${reclaimableWords(u.reclaimableByKind) || 'nothing to prune'} |`,
    '',
  ];
  if (u.managedByKubelet) lines.push('> The kubelet manages the containers and images of `k8s.io`: it pulls again what it needs.', '');
  if (u.images.length) {
    lines.push('Unique is what only this image holds (blobs and unpacked snapshots): what removing it alone frees. Shared is what other images of the namespace hold too.', '');
    lines.push('| Image | Unique | Shared | Blobs (all platforms) | Unpacked | Used by |', '|---|---:|---:|---:|---:|---|');
    for (const i of [...u.images].sort((a, b) => b.uniqueBytes - a.uniqueBytes)) {
      lines.push(`| \`${cell(i.name)}\` | ${formatBytes(i.uniqueBytes)} | ${formatBytes(i.sharedBytes)} | ${formatBytes(i.contentBytes)} | ${formatBytes(i.unpackedBytes)} | ${i.containers.length ? i.containers.map((c) => `\`${cell(c)}\``).join(', ') : 'no container'} |`);
    }
    lines.push('');
  }
  if (u.containers.length) {
    lines.push('| Container | Writable layer | Snapshot | State |', '|---|---:|---|---|');
    for (const c of [...u.containers].sort((a, b) => b.writableBytes - a.writableBytes)) {
      lines.push(`| \`${cell(c.displayName)}\` | ${formatBytes(c.writableBytes)} | \`${cell(c.snapshotKey)}\` (${cell(c.snapshotter)}) | ${c.running ? 'live' : 'stopped'} |`);
    }
    lines.push('');
  }
  return lines;
}

function reclaimableWords(byKind: Partial<Record<PruneKind, number>>): string {
  return KIND_ORDER.filter((k) => (byKind[k] ?? 0) > 0).map((k) => `${KIND_WORDS[k][1]} ${formatBytes(byKind[k] ?? 0)}`).join(', ');
}

export function renderDaemonDiskUsage(u: DaemonDiskUsage, socket: string): string {
  const lines = [
    '# Disk usage', '',
    `containerd at \`${cell(socket)}\`, ${u.takenAt.toLocaleString()}.`, '',
    '| Daemon-wide | Size | |', '|---|---:|---|',
    `| Content store | ${formatBytes(u.contentBytes)} | ${u.blobs} blobs (a blob several namespaces hold is stored once) |`,
    `| Snapshots | ${formatBytes(u.snapshotsBytes)} | per namespace on disk |`,
    `| **Reclaimable** | **${formatBytes(u.reclaimableBytes)}** | with **Containerd: Prune…** per namespace |`,
    '',
  ];
  for (const ns of u.namespaces) lines.push(...namespaceSection(ns, '##'));
  lines.push('Sizes are bytes on disk as containerd reports them (content sizes, `Snapshots.Usage`), in decimal units like `docker images` (1 KB = 1000 bytes).', '');
  return lines.join('\n');
}

export function renderNamespaceDiskUsage(u: NamespaceDiskUsage): string {
  return ['# Disk usage', '', ...namespaceSection(u, '##'), 'Sizes are bytes on disk as containerd reports them, in decimal units (1 KB = 1000 bytes).', ''].join('\n');
}

function itemLine(i: PruneItem): string {
  const id = i.kind === 'content' || i.kind === 'snapshot' ? i.id.replace(/^sha256:([0-9a-f]{12})[0-9a-f]+$/, 'sha256:$1…') : i.id;
  return `| ${KIND_WORDS[i.kind][0]} | \`${cell(id)}\` | ${formatBytes(i.bytes)} | ${cell(i.reason)} |`;
}

/** The preview a user reads before confirming: what goes, why, and what it frees. */
export function renderPrunePlan(plan: PrunePlan): string {
  const lines = [`# Prune namespace \`${cell(plan.namespace)}\`: preview`, ''];
  for (const w of plan.warnings) lines.push(`> **Warning:** ${w}`, '');
  if (!plan.items.length) {
    lines.push('Nothing to prune: no stopped containers, unused images, stale leases of ours, abandoned downloads or orphans.', '');
  } else {
    const counts = KIND_ORDER.map((k) => [k, plan.items.filter((i) => i.kind === k).length] as const).filter(([, n]) => n > 0);
    lines.push(`**${plan.items.length} item${plan.items.length === 1 ? '' : 's'} would go, freeing ${formatBytes(plan.totalBytes)}:** ${counts.map(([k, n]) => kindWords(k, n)).join(', ')}.`, '');
    lines.push('| What | Name | Frees | Why |', '|---|---|---:|---|', ...plan.items.map(itemLine), '');
  }
  if (plan.imagesInUse.length) {
    lines.push('Kept because containers use them:', '');
    for (const i of plan.imagesInUse) lines.push(`- \`${cell(i.name)}\`: ${i.containers.map((c) => `\`${cell(c)}\``).join(', ')}`);
    lines.push('');
  }
  lines.push(`Planned ${plan.createdAt.toLocaleString()}. Each item is checked again just before it is removed: anything in use by then stays.`, '');
  return lines.join('\n');
}

export function summarizePrune(r: PruneResult): string {
  const removed = r.results.filter((x) => x.status === 'removed' || x.status === 'gone').length;
  const skipped = r.results.filter((x) => x.status === 'skipped');
  const failed = r.results.filter((x) => x.status === 'failed');
  const parts = [`Pruned ${removed} item${removed === 1 ? '' : 's'} from ${r.namespace}, freeing ${formatBytes(r.freedBytes)}.`];
  if (skipped.length) parts.push(`Kept ${skipped.length} in use since the preview (${skipped.slice(0, 3).map((s) => `${s.item.id}: ${s.reason ?? 'in use'}`).join('; ')}).`);
  if (failed.length) parts.push(`${failed.length} failed (${failed.slice(0, 3).map((s) => `${s.item.id}: ${s.reason ?? 'error'}`).join('; ')}).`);
  return parts.join(' ');
}
