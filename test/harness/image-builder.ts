// Builds small but real test images in memory with the project's own tar writer: a busybox base layer
// (Debian's static /bin/busybox plus applet links, users root/nobody/app) and optional layers on top.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { ContainerConfig, Descriptor, HistoryEntry, ImageConfig, Manifest, Platform } from '../../packages/containerd-client/src/oci/image-types';
import { MediaType } from '../../packages/containerd-client/src/oci/media-types';
import { createTar, TarInput } from '../../packages/containerd-client/src/oci/tar';

export interface FileSpec {
  content: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface DirSpec {
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface LayerSpec {
  /** Absolute or relative paths; parents missing from the base layer are added (0755, root). */
  files?: Record<string, string | Buffer | FileSpec>;
  dirs?: Record<string, DirSpec>;
  /** path -> target */
  symlinks?: Record<string, string>;
  /** Paths deleted from lower layers (whiteout files `.wh.<name>`). */
  deletes?: string[];
  /** Directories whose lower content is hidden (`.wh..wh..opq`). */
  opaque?: string[];
  /** History `created_by`. */
  createdBy?: string;
}

export interface ImageSpec {
  /** Layers above the busybox base layer, bottom first. */
  layers?: LayerSpec[];
  /** false: no busybox base layer (the image then cannot run). Default true. */
  base?: boolean;
  /** How applets point at /bin/busybox. Default 'symlink'. */
  links?: 'symlink' | 'hardlink';
  /** Environment; PATH is added unless given. */
  env?: string[];
  entrypoint?: string[];
  /** Default ['/bin/sh'] when neither entrypoint nor cmd is given. */
  cmd?: string[];
  workingDir?: string;
  user?: string;
  labels?: Record<string, string>;
  /** e.g. ['80/tcp'] */
  exposedPorts?: string[];
  volumes?: string[];
  stopSignal?: string;
  /** Docker schema 2 media types instead of OCI. */
  docker?: boolean;
  /** Layers of random (incompressible) data on top, for benchmarks: each holds /data/blob-<n>.bin. */
  incompressibleLayers?: { count: number; bytesEach: number };
  /** Written to the config; default: this machine's (linux/amd64 here). */
  platform?: Partial<Platform>;
  /** Config `created` (fixed by default so digests are reproducible). */
  created?: string;
  /** Manifest annotations. */
  annotations?: Record<string, string>;
}

export interface BuiltLayer {
  descriptor: Descriptor;
  /** sha256 of the uncompressed tar. */
  diffId: string;
  uncompressedSize: number;
}

export interface OciImage {
  manifest: Manifest;
  manifestDescriptor: Descriptor;
  config: ImageConfig;
  configDescriptor: Descriptor;
  layers: BuiltLayer[];
  /** Every blob by digest: layers, config and the manifest itself. */
  blobs: Map<string, Buffer>;
}

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const BUSYBOX_PATH = '/bin/busybox';
export const APPLETS = [
  'sh', 'ash', 'ls', 'ps', 'cat', 'echo', 'id', 'env', 'stty', 'sleep', 'seq', 'top', 'printf', 'pwd', 'whoami',
  'wc', 'head', 'tail', 'grep', 'true', 'false', 'mkdir', 'rm', 'rmdir', 'touch', 'kill', 'test', '[', 'sed', 'awk',
  'tr', 'cut', 'sort', 'uniq', 'yes', 'dd', 'find', 'xargs', 'ln', 'mv', 'cp', 'chmod', 'chown', 'stat', 'tee', 'vi',
  'less', 'more', 'clear', 'reset', 'tty', 'date', 'uname', 'hostname', 'nproc', 'free', 'uptime', 'timeout',
  'which', 'basename', 'dirname', 'readlink', 'realpath', 'md5sum', 'sha256sum', 'base64', 'od', 'hexdump',
  'mkfifo', 'usleep', 'tac', 'rev', 'du', 'df', 'mount', 'umount', 'expr', 'gzip', 'gunzip', 'tar', 'killall',
];
export const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
  'app:x:1000:1000:app:/home/app:/bin/sh',
  '',
].join('\n');
export const GROUP = ['root:x:0:', 'nogroup:x:65534:', 'app:x:1000:', ''].join('\n');

const MTIME = new Date('2024-01-01T00:00:00Z');
const CREATED = '2024-01-01T00:00:00Z';
const BASE_DIRS: Array<[string, number, number]> = [
  ['bin', 0o755, 0], ['dev', 0o755, 0], ['etc', 0o755, 0], ['home', 0o755, 0], ['home/app', 0o755, 1000],
  ['proc', 0o555, 0], ['root', 0o700, 0], ['sys', 0o555, 0], ['tmp', 0o1777, 0], ['usr', 0o755, 0],
  ['usr/bin', 0o755, 0], ['var', 0o755, 0], ['var/tmp', 0o1777, 0],
];

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function normalize(p: string): string {
  return p.replace(/^\/+/, '').replace(/\/+$/, '');
}

function baseLayerEntries(links: 'symlink' | 'hardlink'): TarInput[] {
  const entries: TarInput[] = BASE_DIRS.map(([name, mode, id]) => ({ name, type: 'directory', mode, uid: id, gid: id, mtime: MTIME }));
  entries.splice(1, 0, { name: 'bin/busybox', mode: 0o755, content: fs.readFileSync(BUSYBOX_PATH), mtime: MTIME });
  const applets = APPLETS.map((a): TarInput => links === 'symlink'
    ? { name: `bin/${a}`, type: 'symlink', linkname: 'busybox', mtime: MTIME }
    : { name: `bin/${a}`, type: 'hardlink', linkname: 'bin/busybox', mode: 0o755, mtime: MTIME });
  entries.splice(2, 0, ...applets);
  entries.push(
    { name: 'etc/passwd', content: PASSWD, mtime: MTIME },
    { name: 'etc/group', content: GROUP, mtime: MTIME },
    { name: 'usr/bin/env', type: 'symlink', linkname: '/bin/busybox', mtime: MTIME },
  );
  return entries;
}

function layerEntries(spec: LayerSpec): TarInput[] {
  const known = new Set(BASE_DIRS.map(([d]) => d));
  const entries: TarInput[] = [];
  const addParents = (p: string): void => {
    const parts = normalize(p).split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (known.has(dir)) continue;
      known.add(dir);
      entries.push({ name: dir, type: 'directory', mode: 0o755, mtime: MTIME });
    }
  };
  // Explicit dirs are never added implicitly as well, whatever their order.
  for (const dir of Object.keys(spec.dirs ?? {})) known.add(normalize(dir));
  for (const [dir, d] of Object.entries(spec.dirs ?? {})) {
    addParents(dir);
    entries.push({ name: normalize(dir), type: 'directory', mode: d.mode ?? 0o755, uid: d.uid, gid: d.gid, mtime: MTIME });
  }
  for (const dir of spec.opaque ?? []) {
    addParents(`${normalize(dir)}/.wh..wh..opq`);
    entries.push({ name: `${normalize(dir)}/.wh..wh..opq`, content: '', mtime: MTIME });
  }
  for (const del of spec.deletes ?? []) {
    const p = normalize(del);
    const slash = p.lastIndexOf('/');
    const whiteout = `${p.slice(0, slash + 1)}.wh.${p.slice(slash + 1)}`;
    addParents(whiteout);
    entries.push({ name: whiteout, content: '', mtime: MTIME });
  }
  for (const [file, f] of Object.entries(spec.files ?? {})) {
    addParents(file);
    const s: FileSpec = typeof f === 'string' || Buffer.isBuffer(f) ? { content: f } : f;
    entries.push({ name: normalize(file), content: s.content, mode: s.mode ?? 0o644, uid: s.uid, gid: s.gid, mtime: MTIME });
  }
  for (const [link, target] of Object.entries(spec.symlinks ?? {})) {
    addParents(link);
    entries.push({ name: normalize(link), type: 'symlink', linkname: target, mtime: MTIME });
  }
  return entries;
}

interface CompressedLayer {
  gz: Buffer;
  diffId: string;
  uncompressedSize: number;
}

function compressLayer(tar: Buffer, level = zlib.constants.Z_DEFAULT_COMPRESSION): CompressedLayer {
  return { gz: zlib.gzipSync(tar, { level }), diffId: sha256(tar), uncompressedSize: tar.length };
}

// The busybox layer is the same for every image: build it once per link style.
const baseCache = new Map<string, CompressedLayer>();
function baseLayer(links: 'symlink' | 'hardlink'): CompressedLayer {
  let layer = baseCache.get(links);
  if (!layer) {
    layer = compressLayer(createTar(baseLayerEntries(links)));
    baseCache.set(links, layer);
  }
  return layer;
}

function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { architecture: arch[process.arch] ?? process.arch, os: 'linux' };
}

function containerConfig(spec: ImageSpec): ContainerConfig {
  const env = [...(spec.env ?? [])];
  if (!env.some((e) => e.startsWith('PATH='))) env.unshift(DEFAULT_PATH);
  const cfg: ContainerConfig = { Env: env };
  if (spec.entrypoint) cfg.Entrypoint = spec.entrypoint;
  if (spec.cmd) cfg.Cmd = spec.cmd;
  if (!spec.entrypoint && !spec.cmd) cfg.Cmd = ['/bin/sh'];
  if (spec.workingDir) cfg.WorkingDir = spec.workingDir;
  if (spec.user) cfg.User = spec.user;
  if (spec.labels) cfg.Labels = spec.labels;
  if (spec.exposedPorts) cfg.ExposedPorts = Object.fromEntries(spec.exposedPorts.map((p) => [p, {}]));
  if (spec.volumes) cfg.Volumes = Object.fromEntries(spec.volumes.map((v) => [v, {}]));
  if (spec.stopSignal) cfg.StopSignal = spec.stopSignal;
  return cfg;
}

export function jsonBlob(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

export function buildImage(spec: ImageSpec = {}): OciImage {
  const layers: Array<CompressedLayer & { createdBy: string }> = [];
  if (spec.base !== false) layers.push({ ...baseLayer(spec.links ?? 'symlink'), createdBy: 'busybox base layer' });
  for (const [i, l] of (spec.layers ?? []).entries()) {
    layers.push({ ...compressLayer(createTar(layerEntries(l))), createdBy: l.createdBy ?? `layer ${i + 1}` });
  }
  for (let i = 0; i < (spec.incompressibleLayers?.count ?? 0); i++) {
    const bytes = spec.incompressibleLayers?.bytesEach ?? 0;
    const tar = createTar([
      { name: 'data', type: 'directory', mtime: MTIME },
      { name: `data/blob-${i}.bin`, content: randomBytes(bytes), mtime: MTIME },
    ]);
    // Random data does not compress: level 1 saves time and changes nothing.
    layers.push({ ...compressLayer(tar, 1), createdBy: `incompressible ${bytes} bytes` });
  }
  const layerType = spec.docker ? MediaType.dockerLayerGzip : MediaType.ociLayerGzip;
  const blobs = new Map<string, Buffer>();
  const built: BuiltLayer[] = layers.map((l) => {
    const descriptor: Descriptor = { mediaType: layerType, digest: sha256(l.gz), size: l.gz.length };
    blobs.set(descriptor.digest, l.gz);
    return { descriptor, diffId: l.diffId, uncompressedSize: l.uncompressedSize };
  });
  const history: HistoryEntry[] = layers.map((l) => ({ created: spec.created ?? CREATED, created_by: l.createdBy }));
  const config: ImageConfig = {
    created: spec.created ?? CREATED,
    ...hostPlatform(),
    ...spec.platform,
    config: containerConfig(spec),
    rootfs: { type: 'layers', diff_ids: built.map((l) => l.diffId) },
    history,
  };
  const configBytes = jsonBlob(config);
  const configDescriptor: Descriptor = {
    mediaType: spec.docker ? MediaType.dockerConfig : MediaType.ociConfig,
    digest: sha256(configBytes),
    size: configBytes.length,
  };
  blobs.set(configDescriptor.digest, configBytes);
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: spec.docker ? MediaType.dockerManifest : MediaType.ociManifest,
    config: configDescriptor,
    layers: built.map((l) => l.descriptor),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const manifestBytes = jsonBlob(manifest);
  const manifestDescriptor: Descriptor = { mediaType: manifest.mediaType as string, digest: sha256(manifestBytes), size: manifestBytes.length };
  blobs.set(manifestDescriptor.digest, manifestBytes);
  return { manifest, manifestDescriptor, config, configDescriptor, layers: built, blobs };
}
