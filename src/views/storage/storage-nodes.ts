// Nodes of the Content, Snapshots, Leases and Active Downloads views, and their rows (labels, descriptions,
// tooltips as plain data): free of vscode, so the wording is unit-tested.
import { shortDigest, type BlobEntry, type IngestEntry, type LeaseEntry, type SnapshotEntry } from '@containerd-explorer/client';
import { formatAge, formatBytes, formatLabels } from '../model/format';

export type StorageViewName = 'content' | 'snapshots' | 'leases' | 'downloads';

export type StorageNode =
  | { type: 'blob'; namespace: string; entry: BlobEntry }
  | { type: 'snapshot'; namespace: string; entry: SnapshotEntry; tree: SnapshotTree }
  | { type: 'lease'; namespace: string; entry: LeaseEntry }
  | { type: 'lease-resource'; namespace: string; lease: string; resource: { id: string; type: string } }
  | { type: 'ingest'; namespace: string; entry: IngestEntry }
  | { type: 'storage-message'; key: string; label: string; detail?: string };

export interface StorageRow {
  label: string;
  description: string;
  tooltip: string;
  /** For menus: storage.blob, storage.snapshot.active, storage.lease.ours, storage.ingest ... */
  contextValue: string;
  icon: string;
  collapsible: boolean;
}

/** `sha256:<64 hex>` -> `sha256:0123456789ab`; other names stay. */
const shortName = (s: string): string => (/^sha256:[0-9a-f]{64}$/.test(s) ? shortDigest(s) : s);

/** `application/vnd.oci.image.layer.v1.tar+gzip` -> `layer (tar+gzip)`. */
export function mediaTypeWords(mediaType: string | undefined): string {
  if (!mediaType) return 'not in any image';
  if (/index|manifest\.list/.test(mediaType)) return 'index';
  if (/manifest/.test(mediaType)) return 'manifest';
  if (/config/.test(mediaType)) return 'config';
  const enc = /\+(gzip|zstd)$/.exec(mediaType)?.[1];
  if (/layer|rootfs/.test(mediaType)) return `layer${enc ? ` (${enc})` : ''}`;
  return mediaType;
}

export function storageRow(node: StorageNode, now = new Date()): StorageRow {
  switch (node.type) {
    case 'blob': {
      const e = node.entry;
      const images = e.images.length ? `${e.images.length} image${e.images.length === 1 ? '' : 's'}` : 'no image';
      return {
        label: shortDigest(e.digest), description: `${formatBytes(e.size)} · ${mediaTypeWords(e.mediaType)} · ${images}`,
        tooltip: [`Blob ${e.digest}`, `Size: ${formatBytes(e.size)} (${e.size} bytes)`, `Media type: ${e.mediaType ?? 'unknown (no image describes it)'}`,
          `Images: ${e.images.join(', ') || 'none'}`, e.createdAt ? `Created: ${e.createdAt.toLocaleString()} (${formatAge(e.createdAt, now)})` : '',
          Object.keys(e.labels).length ? `Labels: ${formatLabels(e.labels)}` : 'No labels'].filter(Boolean).join('\n'),
        contextValue: 'storage.blob', icon: 'file-binary', collapsible: false,
      };
    }
    case 'snapshot': {
      const e = node.entry;
      const owners = e.owners.map((o) => (o.kind === 'container' ? `container ${o.id}` : o.kind === 'image' ? `image ${o.name}` : `lease ${o.id}`));
      return {
        label: shortName(e.name), description: [e.kind, e.usage ? formatBytes(e.usage.size) : '', owners[0] ?? 'no owner', owners.length > 1 ? `+${owners.length - 1}` : ''].filter(Boolean).join(' · '),
        tooltip: [`Snapshot ${e.name} (${e.snapshotter})`, `Kind: ${e.kind}`, e.usage ? `Usage: ${formatBytes(e.usage.size)}, ${e.usage.inodes} inodes` : '',
          `Parent: ${e.parent || 'none'}`, `Children: ${e.children}`, `Owners: ${owners.join(', ') || 'none (an orphan: prune removes it)'}`,
          Object.keys(e.labels).length ? `Labels: ${formatLabels(e.labels)}` : ''].filter(Boolean).join('\n'),
        contextValue: `storage.snapshot.${e.kind}`, icon: e.kind === 'active' ? 'layers-active' : e.kind === 'view' ? 'eye' : 'layers', collapsible: childrenOf(node.tree, e).length > 0,
      };
    }
    case 'lease': {
      const e = node.entry;
      const expiry = e.expiresAt ? (e.expired ? `expired ${formatAge(e.expiresAt, now)} ago` : `expires ${e.expiresAt.toLocaleString()}`) : 'no expiry';
      return {
        label: e.id, description: [`${e.resources.length} resource${e.resources.length === 1 ? '' : 's'}`, expiry, e.ours ? (e.staleReason ? `ours, stale: ${e.staleReason}` : 'ours') : ''].filter(Boolean).join(' · '),
        tooltip: [`Lease ${e.id}`, e.createdAt ? `Created: ${e.createdAt.toLocaleString()}` : '', `Expiry: ${expiry}`, e.ours ? 'Made by a pull of this extension' : 'Made by another client',
          Object.keys(e.labels).length ? `Labels: ${formatLabels(e.labels)}` : ''].filter(Boolean).join('\n'),
        contextValue: e.ours ? 'storage.lease.ours' : 'storage.lease', icon: e.expired || e.staleReason ? 'warning' : 'lock', collapsible: e.resources.length > 0,
      };
    }
    case 'lease-resource':
      return { label: shortName(node.resource.id), description: node.resource.type, tooltip: `${node.resource.type} ${node.resource.id} (held by lease ${node.lease})`, contextValue: 'storage.lease-resource', icon: 'symbol-field', collapsible: false };
    case 'ingest': {
      const e = node.entry;
      const pct = e.fraction !== undefined ? ` (${Math.floor(e.fraction * 100)} %)` : '';
      return {
        label: e.ref, description: `${formatBytes(e.offset)}${e.total ? ` of ${formatBytes(e.total)}` : ''}${pct}${e.updatedAt ? ` · updated ${formatAge(e.updatedAt, now)} ago` : ''}`,
        tooltip: [`Download ${e.ref}`, `Written: ${e.offset} of ${e.total || 'unknown'} bytes`, e.expected ? `Expected: ${e.expected}` : '',
          e.startedAt ? `Started: ${e.startedAt.toLocaleString()}` : '', e.updatedAt ? `Last write: ${e.updatedAt.toLocaleString()}` : ''].filter(Boolean).join('\n'),
        contextValue: 'storage.ingest', icon: 'cloud-download', collapsible: false,
      };
    }
    case 'storage-message':
      return { label: node.label, description: '', tooltip: node.detail ?? node.label, contextValue: 'storage.message', icon: 'info', collapsible: false };
  }
}

export interface SnapshotTree { roots: SnapshotEntry[]; children: Map<string, SnapshotEntry[]> }

/** Snapshots as parent chains: roots are those whose parent is not listed; children in name order. */
export function snapshotTree(entries: SnapshotEntry[]): SnapshotTree {
  const key = (e: Pick<SnapshotEntry, 'snapshotter' | 'name'>): string => `${e.snapshotter}/${e.name}`;
  const byKey = new Set(entries.map(key));
  const children = new Map<string, SnapshotEntry[]>();
  const roots: SnapshotEntry[] = [];
  for (const e of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
    const parent = e.parent ? `${e.snapshotter}/${e.parent}` : '';
    if (parent && byKey.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(e);
      children.set(parent, list);
    } else roots.push(e);
  }
  return { roots, children };
}

export function childrenOf(tree: SnapshotTree, e: SnapshotEntry): SnapshotEntry[] {
  return tree.children.get(`${e.snapshotter}/${e.name}`) ?? [];
}
