// The labels containerd's garbage collector follows: content references content, content references snapshots.
import type { Descriptor, Index, Manifest } from '../oci/image-types';
import { isConfigMediaType, isIndexMediaType, isLayerMediaType, isManifestMediaType } from '../oci/media-types';

export const LABEL_UNCOMPRESSED = 'containerd.io/uncompressed';
export const LABEL_DISTRIBUTION_SOURCE = 'containerd.io/distribution.source';
const GC_CONTENT = 'containerd.io/gc.ref.content';
export const gcSnapshotLabel = (snapshotter: string): string => `containerd.io/gc.ref.snapshot.${snapshotter}`;

/**
 * As containerd's images.SetChildrenLabels over ChildGCLabels: every child of the document (an index's manifests
 * all, whichever the pull fetched), keyed by the child's kind: `config`, `m.<i>` for manifests, `l.<i>` for
 * layers, `<i>` for anything else (a nested index), each kind numbered on its own in document order.
 */
export function childGcLabels(mediaType: string, doc: Manifest | Index): Record<string, string> {
  const children: Descriptor[] = [];
  if (isManifestMediaType(mediaType) && 'layers' in doc) children.push(doc.config, ...doc.layers);
  else if (isIndexMediaType(mediaType) && 'manifests' in doc) children.push(...doc.manifests);
  const labels: Record<string, string> = {};
  const counts = new Map<string, number>();
  for (const child of children) {
    const prefix = childGcPrefix(child.mediaType);
    const i = counts.get(prefix) ?? 0;
    counts.set(prefix, i + 1);
    labels[i > 0 || prefix.endsWith('.') ? `${prefix}${i}` : prefix] = child.digest;
  }
  return labels;
}

/** containerd's images.IsKnownConfig: image configs and its own checkpoint configs. */
const isKnownConfigMediaType = (mt: string): boolean => isConfigMediaType(mt)
  || mt === 'application/vnd.containerd.container.criu.checkpoint.criu.tar'
  || mt === 'application/vnd.containerd.container.checkpoint.config.v1+proto';

/** containerd's images.ChildGCLabels. */
function childGcPrefix(mediaType: string): string {
  if (isKnownConfigMediaType(mediaType)) return `${GC_CONTENT}.config`;
  if (isManifestMediaType(mediaType)) return `${GC_CONTENT}.m.`;
  if (isLayerMediaType(mediaType)) return `${GC_CONTENT}.l.`;
  return `${GC_CONTENT}.`;
}

export type { Descriptor };
