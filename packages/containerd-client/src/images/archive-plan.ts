// What to import from a scanned archive: the images it names (OCI index.json, or docker-archive manifest.json
// turned into Docker schema 2 manifests as containerd's importer does) and every blob they need.
import { InvalidArgumentError } from '../errors';
import { checkSize, MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES } from '../limits';
import type { Descriptor, Index, Manifest } from '../oci/image-types';
import { Annotation, MediaType, isIndexMediaType, isManifestMediaType } from '../oci/media-types';
import { parseReference, tryParseReference } from '../registry/reference';
import { sha256Digest } from '../digest';
import { type ArchiveScan, type Compression, cleanPath } from './archive-scan';

/** Docker's uncompressed layer type (docker save writes plain tars). */
export const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';

const LAYER_TYPE: Record<Compression, string> = {
  gzip: MediaType.dockerLayerGzip, zstd: MediaType.ociLayerZstd, none: DOCKER_LAYER_TAR,
};

export interface ArchiveImage {
  name: string;
  target: Descriptor;
}

export interface ArchivePlan {
  images: ArchiveImage[];
  /** Blobs to write, by digest: where they are in the archive, or their bytes when generated or kept. */
  blobs: Map<string, { desc: Descriptor; path?: string; bytes?: Buffer }>;
  /** Top descriptors (deduplicated), to unpack. */
  targets: Descriptor[];
}

export interface NamingOptions {
  /** Repository for images the archive leaves unnamed, or names only by a tag (default `import-<date>`). */
  baseName?: string;
}

/** Full image name for an index.json entry, as ctr import reads the annotations. */
function entryName(d: Descriptor, base: string): string {
  const full = d.annotations?.[Annotation.containerdImageName];
  if (full) return full;
  const refName = d.annotations?.[Annotation.refName];
  // A bare tag (what the OCI spec means by ref.name) names a tag of the base repository.
  if (refName && /^[\w][\w.-]{0,127}$/.test(refName) && !refName.includes('/')) return parseReference(`${base}:${refName}`).toString();
  const parsed = refName ? tryParseReference(refName) : undefined;
  if (parsed) return parsed.toString();
  return parseReference(`${base}@${d.digest}`).toString();
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function dockerArchiveImages(scan: ArchiveScan, plan: ArchivePlan, base: string): void {
  for (const [i, entry] of (scan.dockerManifest ?? []).entries()) {
    const file = (p: string, what: string): { size: number; digest: string; compression: Compression } => {
      const f = scan.files.get(cleanPath(p));
      if (!f) throw new InvalidArgumentError(`manifest.json entry ${i + 1} names ${what} "${p}", which is not in the archive`);
      return f;
    };
    const cfg = file(entry.Config, 'config');
    checkSize(`image config "${entry.Config}" in the archive`, cfg.size, MAX_CONFIG_BYTES);
    const configBytes = scan.small.get(cfg.digest);
    if (!configBytes) throw new InvalidArgumentError(`the image config "${entry.Config}" in the archive is not a JSON document`);
    const config: Descriptor = { mediaType: MediaType.dockerConfig, digest: cfg.digest, size: cfg.size };
    plan.blobs.set(cfg.digest, { desc: config, bytes: configBytes });
    const layers = entry.Layers.map((p): Descriptor => {
      const f = file(p, 'layer');
      const desc = { mediaType: LAYER_TYPE[f.compression], digest: f.digest, size: f.size };
      plan.blobs.set(f.digest, { desc, path: cleanPath(p), bytes: scan.small.get(f.digest) });
      return desc;
    });
    const manifest: Manifest = { schemaVersion: 2, mediaType: MediaType.dockerManifest, config, layers };
    const bytes = json(manifest);
    const target: Descriptor = { mediaType: MediaType.dockerManifest, digest: sha256Digest(bytes), size: bytes.length };
    plan.blobs.set(target.digest, { desc: target, bytes });
    plan.targets.push(target);
    const tags = entry.RepoTags ?? [];
    if (tags.length === 0) plan.images.push({ name: parseReference(`${base}@${target.digest}`).toString(), target });
    for (const tag of tags) plan.images.push({ name: parseReference(tag).toString(), target });
  }
}

/** Adds a descriptor's tree; index children missing from the archive are skipped (single-platform exports). */
function addTree(scan: ArchiveScan, plan: ArchivePlan, desc: Descriptor, depth = 0): boolean {
  const blob = scan.blobs.get(desc.digest);
  if (!blob) return false;
  const entry = { desc: { mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, path: blob.path, bytes: scan.small.get(desc.digest) };
  if (isIndexMediaType(desc.mediaType) || isManifestMediaType(desc.mediaType)) {
    // The registry's cap: the scan keeps documents up to the (larger) config cap, or streams bigger ones past.
    checkSize(`${isIndexMediaType(desc.mediaType) ? 'image index' : 'manifest'} ${desc.digest} in the archive`, blob.size, MAX_MANIFEST_BYTES);
    if (!entry.bytes) throw new InvalidArgumentError(`${desc.mediaType} ${desc.digest} in the archive could not be read`);
    let doc: Manifest | Index;
    try {
      doc = JSON.parse(entry.bytes.toString('utf8')) as Manifest | Index;
    } catch {
      throw new InvalidArgumentError(`${desc.mediaType} ${desc.digest} in the archive is not valid JSON`);
    }
    if ('manifests' in doc && Array.isArray(doc.manifests)) {
      if (depth > 4) throw new InvalidArgumentError('image index nests too deeply');
      const present = doc.manifests.filter((m) => addTree(scan, plan, m, depth + 1));
      if (present.length === 0) throw new InvalidArgumentError(`the archive holds none of the images listed by index ${desc.digest}`);
    } else if ('layers' in doc) {
      if (!Array.isArray(doc.layers) || !doc.config) throw new InvalidArgumentError(`manifest ${desc.digest} in the archive has no config or layer list`);
      for (const child of [doc.config, ...doc.layers]) {
        if (!addTree(scan, plan, child, depth + 1)) throw new InvalidArgumentError(`the archive is missing blob ${child.digest} of manifest ${desc.digest}`);
      }
    }
  }
  plan.blobs.set(desc.digest, entry);
  return true;
}

export function planArchive(scan: ArchiveScan, options: NamingOptions = {}): ArchivePlan {
  const base = options.baseName ?? `import-${new Date().toISOString().slice(0, 10)}`;
  if (!tryParseReference(base, { defaultTag: false })) throw new InvalidArgumentError(`"${base}" is not a valid repository name for imported images`);
  const plan: ArchivePlan = { images: [], blobs: new Map(), targets: [] };
  if (scan.index && (scan.ociLayout || !scan.dockerManifest)) {
    for (const m of scan.index.manifests ?? []) {
      if (!addTree(scan, plan, m)) throw new InvalidArgumentError(`index.json lists ${m.digest}, which is not in the archive`);
      const target = { mediaType: m.mediaType, digest: m.digest, size: m.size };
      if (!plan.targets.some((t) => t.digest === target.digest)) plan.targets.push(target);
      plan.images.push({ name: entryName(m, base), target });
    }
  } else if (scan.dockerManifest) {
    dockerArchiveImages(scan, plan, base);
  } else {
    throw new InvalidArgumentError('not an image archive: it has neither an OCI index.json nor a Docker manifest.json');
  }
  if (plan.images.length === 0) throw new InvalidArgumentError('the archive lists no image');
  return plan;
}
