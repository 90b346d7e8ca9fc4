// Media types of OCI and Docker image objects, as they appear in descriptors and Content-Type headers.

export const MediaType = {
  // OCI image spec
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  // Non-distributable ("foreign") layers, deprecated by the spec but still found in the wild.
  ociLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  // Docker image manifest v2 schema 2 and manifest list
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  // Docker schema 1 (legacy, signed): recognised only to report it as unsupported.
  dockerSchema1Manifest: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1SignedManifest: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export type KnownMediaType = (typeof MediaType)[keyof typeof MediaType];

/** Annotation keys used in indexes and OCI layouts. */
export const Annotation = {
  /** OCI layout: the reference (usually a tag) of a manifest in index.json. */
  refName: 'org.opencontainers.image.ref.name',
  /** containerd's full image name, honoured by `ctr images import` before refName. */
  containerdImageName: 'io.containerd.image.name',
  created: 'org.opencontainers.image.created',
} as const;

/** Content of the `oci-layout` file at the root of an OCI image layout. */
export const OCI_LAYOUT_VERSION = '1.0.0';

export function isManifestMediaType(mt: string): boolean {
  return mt === MediaType.ociManifest || mt === MediaType.dockerManifest;
}

export function isIndexMediaType(mt: string): boolean {
  return mt === MediaType.ociIndex || mt === MediaType.dockerManifestList;
}

export function isConfigMediaType(mt: string): boolean {
  return mt === MediaType.ociConfig || mt === MediaType.dockerConfig;
}

export function isLayerMediaType(mt: string): boolean {
  return mt.startsWith('application/vnd.oci.image.layer.') || mt.startsWith('application/vnd.docker.image.rootfs.');
}

/** Layers that registries do not serve (Windows base layers): skipped on pull unless URLs are allowed. */
export function isForeignLayerMediaType(mt: string): boolean {
  return mt === MediaType.dockerForeignLayerGzip || mt.startsWith('application/vnd.oci.image.layer.nondistributable.');
}

export type LayerCompression = 'none' | 'gzip' | 'zstd' | 'unknown';

export function layerCompression(mt: string): LayerCompression {
  if (!isLayerMediaType(mt)) return 'unknown';
  if (mt.endsWith('+gzip') || mt.endsWith('.gzip')) return 'gzip';
  if (mt.endsWith('+zstd') || mt.endsWith('.zstd')) return 'zstd';
  if (mt.endsWith('.tar')) return 'none';
  return 'unknown';
}
