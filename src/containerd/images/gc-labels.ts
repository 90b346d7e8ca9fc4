// The labels containerd's garbage collector follows: content references content, content references snapshots.
import type { Descriptor, Index, Manifest } from '../oci/image-types';
import { isIndexMediaType, isManifestMediaType } from '../oci/media-types';

export const LABEL_UNCOMPRESSED = 'containerd.io/uncompressed';
export const LABEL_DISTRIBUTION_SOURCE = 'containerd.io/distribution.source';
export const gcSnapshotLabel = (snapshotter: string): string => `containerd.io/gc.ref.snapshot.${snapshotter}`;

/** As containerd's images.ChildGCLabels: an index references its manifests, a manifest its config and layers. */
export function childGcLabels(mediaType: string, doc: Manifest | Index): Record<string, string> {
  const labels: Record<string, string> = {};
  if (isManifestMediaType(mediaType) && 'layers' in doc) {
    labels['containerd.io/gc.ref.content.config'] = doc.config.digest;
    doc.layers.forEach((l, i) => { labels[`containerd.io/gc.ref.content.l.${i}`] = l.digest; });
  } else if (isIndexMediaType(mediaType) && 'manifests' in doc) {
    doc.manifests.forEach((m, i) => { labels[`containerd.io/gc.ref.content.m.${i}`] = m.digest; });
  }
  return labels;
}

/** `containerd.io/distribution.source.<host>=<repo>`: lets containerd and nerdctl know where a blob came from. */
export function distributionSourceLabel(host: string, repository: string): Record<string, string> {
  return { [`${LABEL_DISTRIBUTION_SOURCE}.${host}`]: repository };
}

export type { Descriptor };
