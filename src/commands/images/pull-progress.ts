// What the pull notification says: the phase, layers done, bytes done of the total, the layers downloading
// now with their own bytes, and unpack progress. Free of `vscode` (unit-tested in plain Node).
import { shortDigest, type PullProgress } from '@containerd-explorer/client';
import { formatBytes } from '../../views/model/format';

/** Layers listed individually while downloading; more are summarised as "+N more". */
const SHOWN_LAYERS = 3;

export interface ProgressText {
  message: string;
  /** 0..1: bytes count for 85 %, unpacking for the rest (it overlaps the download). */
  fraction: number;
}

function pair(done: number, total: number): string {
  // "1.2 MB of 45 MB"; the unit of a small part is kept so it does not look like zero.
  return `${formatBytes(done)} of ${formatBytes(total)}`;
}

export function describePullProgress(p: PullProgress): ProgressText {
  const layersDone = p.blobs.filter((b) => b.state === 'downloaded' || b.state === 'exists').length;
  const byteFraction = p.totalBytes > 0 ? p.doneBytes / p.totalBytes : 0;
  const unpackFraction = p.layersToUnpack > 0 ? p.unpackedLayers / p.layersToUnpack : byteFraction;
  const fraction = p.phase === 'done' ? 1 : p.phase === 'resolving' ? 0 : 0.85 * byteFraction + 0.15 * unpackFraction;
  const unpacked = p.layersToUnpack > 0 ? ` · unpacked ${p.unpackedLayers}/${p.layersToUnpack}` : '';
  switch (p.phase) {
    case 'resolving':
      return { message: `resolving ${p.reference}…`, fraction };
    case 'fetching': {
      if (p.blobs.length === 0) return { message: 'fetching manifests…', fraction };
      const active = p.blobs.filter((b) => b.state === 'downloading');
      const shown = active.slice(0, SHOWN_LAYERS).map((b) => {
        const resumed = b.resumedFrom > 0 ? ' (resumed)' : '';
        return `${shortDigest(b.digest)} ${formatBytes(b.offset)}/${formatBytes(b.size)}${resumed}`;
      });
      if (active.length > SHOWN_LAYERS) shown.push(`+${active.length - SHOWN_LAYERS} more`);
      const downloading = shown.length ? ` · ↓ ${shown.join(', ')}` : '';
      return { message: `${layersDone}/${p.blobs.length} layers · ${pair(p.doneBytes, p.totalBytes)}${downloading}${unpacked}`, fraction };
    }
    case 'unpacking': {
      const applying = p.blobs.find((b) => b.unpack === 'applying');
      const what = applying ? ` · applying ${shortDigest(applying.digest)}` : '';
      return { message: `unpacking ${p.unpackedLayers}/${p.layersToUnpack} layers${what} · ${formatBytes(p.totalBytes)} fetched`, fraction };
    }
    case 'done':
      return { message: 'done', fraction };
  }
}

/** One line for the log and the completion message: `7 layers, 12 MB downloaded (3 already present)`. */
export function summarisePull(p: PullProgress): string {
  const present = p.blobs.filter((b) => b.state === 'exists').length;
  const resumed = p.blobs.filter((b) => b.resumedFrom > 0).length;
  const parts = [`${p.blobs.length} layer${p.blobs.length === 1 ? '' : 's'}`, `${formatBytes(p.downloadedBytes)} downloaded`];
  if (present) parts.push(`${present} already present`);
  if (resumed) parts.push(`${resumed} resumed`);
  return parts.join(', ');
}
