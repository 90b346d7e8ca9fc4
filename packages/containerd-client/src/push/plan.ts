// What a push sends, read from containerd's content store before any byte goes out: the blobs (configs and
// layers, each once) and the manifests in upload order (children before the index that lists them).
import type { ContainerdClient } from '../client';
import { sha256Digest } from '../digest';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { MAX_MANIFEST_BYTES, TooLargeError } from '../limits';
import type { Descriptor, Index, Manifest, Platform } from '../oci/image-types';
import { isForeignLayerMediaType, isIndexMediaType, isManifestMediaType } from '../oci/media-types';
import { formatPlatform, selectManifest } from '../registry/platform';

export interface PlannedDocument {
  descriptor: Descriptor;
  bytes: Buffer;
  /** Blobs this document needs in the registry before it may be PUT. */
  blobs: Descriptor[];
}

export interface PushPlan {
  /** What the reference will point at (the image's target, or one platform's manifest). */
  top: Descriptor;
  blobs: Descriptor[];
  /** Children first; the last is `top`. */
  documents: PlannedDocument[];
}

const MAX_DEPTH = 4;

interface Walk {
  client: ContainerdClient;
  name: string;
  signal?: AbortSignal;
  blobs: Map<string, Descriptor>;
  documents: PlannedDocument[];
  /** What the content store lacks, for one error naming it all. */
  missing: string[];
}

async function readDocument(w: Walk, desc: Descriptor): Promise<Buffer | undefined> {
  if (desc.size > MAX_MANIFEST_BYTES) throw new TooLargeError(`manifest ${desc.digest} of ${w.name}`, desc.size, MAX_MANIFEST_BYTES);
  try {
    const bytes = await w.client.content.readAll(desc.digest, { signal: w.signal });
    if (bytes.length !== desc.size || sha256Digest(bytes) !== desc.digest) {
      throw new InvalidArgumentError(`content ${desc.digest} of ${w.name} does not match its descriptor: the content store is damaged`);
    }
    return bytes;
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

async function present(w: Walk, desc: Descriptor): Promise<boolean> {
  try {
    await w.client.content.info(desc.digest, { signal: w.signal });
    return true;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
}

function parse<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new InvalidArgumentError(`${what} is not valid JSON`);
  }
}

async function walk(w: Walk, desc: Descriptor, label: string, depth: number): Promise<void> {
  const bytes = await readDocument(w, desc);
  if (!bytes) { w.missing.push(label); return; }
  if (isManifestMediaType(desc.mediaType)) {
    const m = parse<Manifest>(bytes, `manifest ${desc.digest}`);
    if (!m.config || !Array.isArray(m.layers)) throw new InvalidArgumentError(`manifest ${desc.digest} of ${w.name} has no config or layers`);
    // Non-distributable (foreign) layers stay where they are, as containerd's push leaves them.
    const needed = [m.config, ...m.layers.filter((l) => !isForeignLayerMediaType(l.mediaType))];
    for (const b of needed) {
      if (w.blobs.has(b.digest)) continue;
      if (!(await present(w, b))) { w.missing.push(`${label}: ${b.mediaType} ${b.digest}`); continue; }
      w.blobs.set(b.digest, { mediaType: b.mediaType, digest: b.digest, size: b.size });
    }
    w.documents.push({ descriptor: desc, bytes, blobs: needed });
    return;
  }
  if (!isIndexMediaType(desc.mediaType)) throw new InvalidArgumentError(`${w.name} points at ${desc.mediaType}, not a manifest or index`);
  if (depth >= MAX_DEPTH) throw new InvalidArgumentError(`image index ${desc.digest} of ${w.name} nests too deeply`);
  const index = parse<Index>(bytes, `index ${desc.digest}`);
  if (!Array.isArray(index.manifests)) throw new InvalidArgumentError(`index ${desc.digest} of ${w.name} has no manifests`);
  for (const child of index.manifests) {
    const what = child.platform ? formatPlatform(child.platform) : child.digest;
    await walk(w, child, what, depth + 1);
  }
  w.documents.push({ descriptor: desc, bytes, blobs: [] });
}

/**
 * Reads the image's tree from the content store. With `platform`, an index is narrowed to that platform's
 * manifest (pushed under the reference alone, as `ctr images push --platform`). Throws NotFoundError naming
 * what the store lacks (e.g. platforms never pulled) before anything is sent.
 */
export async function planPush(client: ContainerdClient, name: string, target: Descriptor, platform?: Platform, signal?: AbortSignal): Promise<PushPlan> {
  const w: Walk = { client, name, signal, blobs: new Map(), documents: [], missing: [] };
  let top = target;
  if (platform && isIndexMediaType(target.mediaType)) {
    const bytes = await readDocument(w, target);
    if (!bytes) throw new NotFoundError(`image ${name}: its index ${target.digest} is not in containerd's content store`);
    top = selectManifest(parse<Index>(bytes, `index ${target.digest}`), platform, name);
  }
  await walk(w, top, 'image', 0);
  if (w.missing.length) {
    const shown = w.missing.slice(0, 5).join('; ') + (w.missing.length > 5 ? `; +${w.missing.length - 5} more` : '');
    throw new NotFoundError(`cannot push ${name}: containerd's content store lacks ${shown}. Pull the image with all platforms first, or push one platform`);
  }
  return { top, blobs: [...w.blobs.values()], documents: w.documents };
}
