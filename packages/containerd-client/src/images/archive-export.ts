// Exporting images to an OCI image layout tar (what `ctr images import`, `nerdctl load`, `docker load` and
// our own import read): index.json naming each image, blobs/sha256/…, and Docker's manifest.json alongside.
// Streamed from Content.Read into a temp file renamed at the end, so a failed export leaves no half file.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ContainerdClient } from '../client';
import { CancelledError, NotFoundError } from '../errors';
import type { CallOptions } from '../call-options';
import { MAX_MANIFEST_BYTES } from '../limits';
import type { Descriptor, Index, Manifest, Platform } from '../oci/image-types';
import { Annotation, MediaType, OCI_LAYOUT_VERSION, isIndexMediaType, isManifestMediaType } from '../oci/media-types';
import { createTarStream, type TarStreamInput } from '../oci/tar';
import { hostPlatform, selectManifest, selectManifests } from '../registry/platform';
import { tryParseReference } from '../registry/reference';
import { readJson } from './blobs';
import type { TransferProgress } from './archive-import';

export interface ExportOptions extends CallOptions {
  /** Platform to export when an image is multi-platform but not every platform is present (default: the host's). */
  platform?: Platform;
  onProgress?: (p: TransferProgress) => void;
}

interface ExportEntry { name: string; desc: Descriptor; dockerManifest?: Manifest }

async function present(client: ContainerdClient, digest: string, opts: CallOptions): Promise<boolean> {
  try { await client.content.info(digest, opts); return true; } catch (e) { if (e instanceof NotFoundError) return false; throw e; }
}

/**
 * The blobs under `desc`; throws NotFoundError naming what is missing. An index whose platforms are not all
 * present is replaced by the chosen platform's manifest, so the archive is always self-contained.
 */
async function collect(client: ContainerdClient, desc: Descriptor, platform: Platform, blobs: Map<string, Descriptor>, opts: CallOptions): Promise<{ desc: Descriptor; manifest?: Manifest }> {
  const need = async (d: Descriptor, what: string): Promise<void> => {
    if (!(await present(client, d.digest, opts))) throw new NotFoundError(`${what} ${d.digest} is not in the content store: pull the image again before exporting it`);
    blobs.set(d.digest, { mediaType: d.mediaType, digest: d.digest, size: d.size });
  };
  if (isIndexMediaType(desc.mediaType)) {
    await need(desc, 'image index');
    const index = await readJson<Index>(client, desc.digest, opts, { maxBytes: MAX_MANIFEST_BYTES, what: 'image index' });
    const runnable = selectManifests(index, 'all');
    const all = await Promise.all(runnable.map((m) => present(client, m.digest, opts)));
    if (all.every(Boolean)) {
      let host: Manifest | undefined;
      const best = selectManifests(index, hostPlatform())[0];
      for (const m of runnable) {
        const r = await collect(client, m, platform, blobs, opts);
        if (best && m.digest === best.digest) host = r.manifest;
      }
      return { desc, manifest: host };
    }
    blobs.delete(desc.digest);
    return collect(client, selectManifest(index, platform), platform, blobs, opts);
  }
  if (!isManifestMediaType(desc.mediaType)) throw new NotFoundError(`cannot export media type ${desc.mediaType}`);
  await need(desc, 'manifest');
  const manifest = await readJson<Manifest>(client, desc.digest, opts, { maxBytes: MAX_MANIFEST_BYTES, what: 'manifest' });
  await need(manifest.config, 'image config');
  for (const l of manifest.layers) await need(l, 'layer');
  return { desc: { mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, manifest };
}

const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

function indexJson(entries: ExportEntry[]): Buffer {
  const index: Index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: entries.map((e) => {
      const ref = tryParseReference(e.name);
      return { ...e.desc, annotations: { [Annotation.containerdImageName]: e.name, ...(ref?.tag ? { [Annotation.refName]: ref.tag } : {}) } };
    }),
  };
  return Buffer.from(JSON.stringify(index));
}

/** Docker's manifest.json, so `docker load` takes the archive too (one entry per single-platform manifest). */
function dockerManifestJson(entries: ExportEntry[]): Buffer {
  const byConfig = new Map<string, { Config: string; RepoTags: string[]; Layers: string[] }>();
  for (const e of entries) {
    if (!e.dockerManifest) continue;
    const key = e.dockerManifest.config.digest;
    const item = byConfig.get(key) ?? { Config: blobPath(key), RepoTags: [], Layers: e.dockerManifest.layers.map((l) => blobPath(l.digest)) };
    const ref = tryParseReference(e.name);
    if (ref?.tag) item.RepoTags.push(`${ref.familiarName}:${ref.tag}`);
    byConfig.set(key, item);
  }
  return Buffer.from(JSON.stringify([...byConfig.values()]));
}

/** Writes the named images to `file` as an OCI layout tar. */
export async function exportImages(client: ContainerdClient, names: string[], file: string, options: ExportOptions = {}): Promise<void> {
  const opts: CallOptions = { signal: options.signal };
  const platform = options.platform ?? hostPlatform();
  const blobs = new Map<string, Descriptor>();
  const entries: ExportEntry[] = [];
  for (const name of names) {
    const image = await client.images.get(name, opts);
    const r = await collect(client, image.target, platform, blobs, opts);
    entries.push({ name, desc: r.desc, dockerManifest: r.manifest });
  }
  const totalBytes = [...blobs.values()].reduce((n, d) => n + d.size, 0);
  let doneBytes = 0;
  const report = (phase: TransferProgress['phase']): void => {
    try { options.onProgress?.({ phase, doneBytes, totalBytes }); } catch { /* a failing renderer must not fail the export */ }
  };
  async function* counted(digest: string): AsyncGenerator<Buffer> {
    for await (const chunk of client.content.read(digest, opts)) {
      doneBytes += chunk.length;
      report('writing');
      yield chunk;
    }
  }
  const dirs: TarStreamInput[] = ['blobs/', 'blobs/sha256/'].map((name) => ({ name, type: 'directory' }));
  const files: TarStreamInput[] = [
    { name: 'oci-layout', content: JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }) },
    { name: 'index.json', content: indexJson(entries) },
    { name: 'manifest.json', content: dockerManifestJson(entries) },
  ];
  const blobEntries = [...blobs.values()].map((d): TarStreamInput => ({ name: blobPath(d.digest), size: d.size, content: counted(d.digest) }));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.partial`);
  report('writing');
  try {
    await pipeline(createTarStream([...dirs, ...files, ...blobEntries]), fs.createWriteStream(tmp), { signal: options.signal });
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw options.signal?.aborted ? new CancelledError(`export to ${file} cancelled`, { cause: e }) : e;
  }
  report('done');
}
