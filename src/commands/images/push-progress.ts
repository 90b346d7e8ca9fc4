// What the push notification says: blobs done of all, bytes the registry holds of the total, the blobs being
// uploaded now, then the manifests. Free of `vscode` (unit-tested in plain Node).
import { shortDigest, type PushProgress } from '@containerd-explorer/client';
import { formatBytes } from '../../views/model/format';

const SHOWN_BLOBS = 3;

export interface PushProgressText {
  message: string;
  /** 0..1: bytes count for 95 %, manifests for the rest. */
  fraction: number;
}

export function describePushProgress(p: PushProgress): PushProgressText {
  const done = p.blobs.filter((b) => b.state === 'uploaded' || b.state === 'exists' || b.state === 'mounted').length;
  const bytes = p.totalBytes > 0 ? p.doneBytes / p.totalBytes : 0;
  const manifests = p.manifests > 0 ? p.manifestsDone / p.manifests : 0;
  switch (p.phase) {
    case 'preparing':
      return { message: `reading ${p.reference} from containerd…`, fraction: 0 };
    case 'uploading': {
      const active = p.blobs.filter((b) => b.state === 'uploading');
      const shown = active.slice(0, SHOWN_BLOBS).map((b) => `${shortDigest(b.digest)} ${formatBytes(b.offset)}/${formatBytes(b.size)}`);
      if (active.length > SHOWN_BLOBS) shown.push(`+${active.length - SHOWN_BLOBS} more`);
      const now = shown.length ? ` · ↑ ${shown.join(', ')}` : '';
      return { message: `${done}/${p.blobs.length} blobs · ${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}${now}`, fraction: 0.95 * bytes };
    }
    case 'manifests':
      return { message: `manifests ${p.manifestsDone}/${p.manifests}`, fraction: 0.95 + 0.05 * manifests };
    case 'done':
      return { message: 'done', fraction: 1 };
  }
}

/** One line for the log and the completion message: `4 blobs, 1.5 MB uploaded (2 already there, 1 mounted)`. */
export function summarisePush(p: PushProgress): string {
  const there = p.blobs.filter((b) => b.state === 'exists').length;
  const mounted = p.blobs.filter((b) => b.state === 'mounted').length;
  const parts = [`${p.blobs.length} blob${p.blobs.length === 1 ? '' : 's'}, ${formatBytes(p.uploadedBytes)} uploaded`];
  const extra = [there ? `${there} already there` : '', mounted ? `${mounted} mounted` : ''].filter(Boolean);
  return parts[0] + (extra.length ? ` (${extra.join(', ')})` : '');
}
