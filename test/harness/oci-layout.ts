// OCI image layouts (directory or tar, as `ctr images import` reads them) and multi-platform indexes
// made from images built by image-builder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Descriptor, Index, Platform } from '../../packages/containerd-client/src/oci/image-types';
import { Annotation, MediaType, OCI_LAYOUT_VERSION } from '../../packages/containerd-client/src/oci/media-types';
import { createTar, TarInput } from '../../packages/containerd-client/src/oci/tar';
import { jsonBlob, OciImage, sha256 } from './image-builder';

export interface OciImageIndex {
  index: Index;
  indexDescriptor: Descriptor;
  images: Array<{ platform: Platform; image: OciImage }>;
  /** Every blob by digest: the index, each manifest, configs and layers. */
  blobs: Map<string, Buffer>;
}

export type LayoutItem = OciImage | OciImageIndex;

export interface LayoutRef {
  item: LayoutItem;
  /** Image name, e.g. `docker.io/library/busybox:1` or `test/busybox:1`. */
  refName?: string;
}

export function isImageIndex(item: LayoutItem): item is OciImageIndex {
  return 'index' in item;
}

export function topDescriptor(item: LayoutItem): Descriptor {
  return isImageIndex(item) ? item.indexDescriptor : item.manifestDescriptor;
}

/** One index (OCI image index, or Docker manifest list with `docker: true`) over per-platform images. */
export function buildMultiPlatformIndex(images: Array<{ platform: Platform; image: OciImage }>, opts: { docker?: boolean; annotations?: Record<string, string> } = {}): OciImageIndex {
  const blobs = new Map<string, Buffer>();
  for (const { image } of images) for (const [d, b] of image.blobs) blobs.set(d, b);
  const index: Index = {
    schemaVersion: 2,
    mediaType: opts.docker ? MediaType.dockerManifestList : MediaType.ociIndex,
    manifests: images.map(({ platform, image }) => ({ ...image.manifestDescriptor, platform })),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  const bytes = jsonBlob(index);
  const indexDescriptor: Descriptor = { mediaType: index.mediaType as string, digest: sha256(bytes), size: bytes.length };
  blobs.set(indexDescriptor.digest, bytes);
  return { index, indexDescriptor, images, blobs };
}

/** The tag of a reference (`a/b:1` -> `1`), or the whole reference when it has none. */
function tagOf(ref: string): string | undefined {
  if (ref.includes('@')) return undefined;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  return colon === -1 ? ref : ref.slice(colon + 1);
}

function normalizeRefs(images: LayoutItem | Array<LayoutItem | LayoutRef>, refName?: string): LayoutRef[] {
  const list = Array.isArray(images) ? images : [images];
  const refs = list.map((x): LayoutRef => ('item' in x ? x : { item: x }));
  const unnamed = refs.filter((r) => r.refName === undefined);
  if (refName !== undefined && unnamed.length > 1) throw new Error('one refName for several images: give each a LayoutRef');
  return refs.map((r) => (r.refName === undefined && refName !== undefined ? { ...r, refName } : r));
}

/** index.json plus all blobs of an OCI image layout, as relative paths and contents. */
export function ociLayoutFiles(images: LayoutItem | Array<LayoutItem | LayoutRef>, refName?: string): Array<{ path: string; content: Buffer }> {
  const refs = normalizeRefs(images, refName);
  const blobs = new Map<string, Buffer>();
  for (const { item } of refs) for (const [d, b] of item.blobs) blobs.set(d, b);
  const index: Index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: refs.map(({ item, refName: name }) => {
      const desc = { ...topDescriptor(item) };
      if (name !== undefined) {
        const tag = tagOf(name);
        // containerd's importer takes io.containerd.image.name as the full name; others read ref.name.
        desc.annotations = { [Annotation.containerdImageName]: name, ...(tag !== undefined ? { [Annotation.refName]: tag } : {}) };
      }
      return desc;
    }),
  };
  const files = [
    { path: 'oci-layout', content: jsonBlob({ imageLayoutVersion: OCI_LAYOUT_VERSION }) },
    { path: 'index.json', content: jsonBlob(index) },
  ];
  for (const [digest, content] of [...blobs].sort(([a], [b]) => a.localeCompare(b))) {
    const [alg, hex] = digest.split(':');
    files.push({ path: `blobs/${alg}/${hex}`, content });
  }
  return files;
}

/** Writes an OCI image layout directory (oci-layout, index.json, blobs/sha256/…). */
export function writeOciLayout(dir: string, images: LayoutItem | Array<LayoutItem | LayoutRef>, refName?: string): void {
  for (const f of ociLayoutFiles(images, refName)) {
    fs.mkdirSync(path.join(dir, path.dirname(f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.content);
  }
}

/** The same layout as one tar archive (what `ctr images import` takes). */
export function ociLayoutTar(images: LayoutItem | Array<LayoutItem | LayoutRef>, refName?: string): Buffer {
  const files = ociLayoutFiles(images, refName);
  const dirs = [...new Set(files.map((f) => path.dirname(f.path)).filter((d) => d !== '.'))]
    .flatMap((d) => d.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')));
  const entries: TarInput[] = [...new Set(dirs)].map((d) => ({ name: `${d}/`, type: 'directory' }));
  entries.push(...files.map((f) => ({ name: f.path, content: f.content })));
  return createTar(entries);
}

export function writeOciLayoutTar(file: string, images: LayoutItem | Array<LayoutItem | LayoutRef>, refName?: string): void {
  fs.writeFileSync(file, ociLayoutTar(images, refName));
}
