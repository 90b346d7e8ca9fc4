// Shared setup of the client integration tests: our client on the run's private containerd, a namespace of
// the test's own, the busybox test image imported through our own client, and a thorough cleanup.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { connect, type ContainerdClient } from '../../packages/containerd-client/src';
import { chainId } from '../../packages/containerd-client/src/digest';
import { importImage, mapSource } from '../../packages/containerd-client/src/images/import';
import { resolveImage, type ResolvedImage } from '../../packages/containerd-client/src/images/resolve';
import { buildContainerSpec } from '../../packages/containerd-client/src/oci/spec';
import type { Image } from '../../packages/containerd-client/src/types';
import type { Daemon } from './containerd';
import { buildImage, GROUP, PASSWD, type ImageSpec, type OciImage } from './image-builder';
import { sharedDaemon } from './shared';

export interface ClientEnv {
  daemon: Daemon;
  client: ContainerdClient;
  namespace: string;
  /** Per-test-file parent of FIFO dirs, so a test can check that none is left. */
  fifoBaseDir: string;
  /** runc's state root inside the daemon dir (runc's default would be /run/containerd/runc). */
  runcRoot: string;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Connects to the shared daemon in a fresh namespace `<prefix>-<random>`, created with labels. */
export async function clientEnv(prefix: string): Promise<ClientEnv> {
  const daemon = await sharedDaemon();
  const namespace = uniqueId(prefix);
  const client = await connect({ address: daemon.address, namespace });
  await client.namespaces.create(namespace, { 'test.suite': prefix });
  const fifoBaseDir = path.join(daemon.dir, `fifo-${namespace}`);
  const runcRoot = path.join(daemon.dir, 'runc');
  return { daemon, client, namespace, fifoBaseDir, runcRoot };
}

/**
 * runc.v2 options (containerd.runc.v1.Options, api field `root = 7`) pointing runc's state at our own dir:
 * encoded by hand because our protos carry no runtime option types.
 */
export function runcOptions(root: string): { typeUrl: string; value: Uint8Array } {
  return { typeUrl: 'containerd.runc.v1.Options', value: protobuf.Writer.create().uint32((7 << 3) | 2).string(root).finish() };
}

export interface ImportedImage { name: string; oci: OciImage; record: Image; resolved: ResolvedImage }

/** Builds a busybox test image and imports it with importImage (content writes, image record, unpack). */
export async function importTestImage(client: ContainerdClient, name: string, spec: ImageSpec = {}): Promise<ImportedImage> {
  const oci = buildImage(spec);
  const record = await importImage(client, mapSource(oci.blobs), oci.manifestDescriptor, name);
  const resolved = await resolveImage(client, record.target);
  return { name, oci, record, resolved };
}

export interface ContainerOptions { args?: string[]; tty?: boolean; labels?: Record<string, string> }

/**
 * A container on a NAMED snapshot `<id>-snapshot` prepared on the image's top chain ID, with a spec from
 * buildContainerSpec, as `ctr run` would make it. Under a temporary lease, as containerd's Go client does:
 * until the container record references it, nothing else keeps containerd's GC from the new snapshot.
 */
export async function createContainer(env: ClientEnv, image: ImportedImage, id: string, opts: ContainerOptions = {}): Promise<string> {
  const snapshotKey = `${id}-snapshot`;
  const diffIds = image.oci.config.rootfs.diff_ids;
  const spec = buildContainerSpec({
    namespace: env.namespace, id, imageConfig: image.resolved.config, passwd: PASSWD, group: GROUP,
    args: opts.args, tty: opts.tty ?? false, hostNetwork: false,
  });
  await env.client.withTemporaryLease(async (leased) => {
    await leased.snapshots.prepare(snapshotKey, chainId(diffIds), { 'test.container': id });
    await leased.containers.create({
      id, image: image.name, spec, snapshotKey, snapshotter: 'overlayfs', labels: opts.labels,
      runtimeOptions: runcOptions(env.runcRoot),
    });
  });
  return snapshotKey;
}

/** Reads a socket until `predicate(text)` holds or it ends; returns what was read. */
export function readUntil(stream: NodeJS.ReadableStream, predicate: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (err?: Error): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      if (err) reject(err); else resolve(text);
    };
    const onData = (b: Buffer): void => { text += b.toString('utf8'); if (predicate(text)) done(); };
    const onEnd = (): void => (predicate(text) ? done() : done(new Error(`stream ended before the expected output; got ${JSON.stringify(text)}`)));
    const timer = setTimeout(() => done(new Error(`no expected output in ${timeoutMs} ms; got ${JSON.stringify(text)}`)), timeoutMs);
    stream.on('data', onData);
    stream.on('end', onEnd);
  });
}

/** Reads a socket to its end. */
export async function readAll(stream: NodeJS.ReadableStream, timeoutMs = 30_000): Promise<string> {
  let ended = false;
  stream.once('end', () => { ended = true; });
  return readUntil(stream, () => ended, timeoutMs);
}

/** Polls until check() is true; fails the test with `what` (and `details()`, what was seen) otherwise. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000, details?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}${details ? `; seen: ${details()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Deletes everything in the namespace through our client (tasks, containers, images, snapshots, leases,
 * ingests) and then the namespace; closes the client. Used in after() hooks, so it never throws.
 */
export async function teardown(env: ClientEnv | undefined): Promise<void> {
  if (!env) return;
  const c = env.client;
  const quiet = (p: Promise<unknown>): Promise<unknown> => p.catch(() => undefined);
  try {
    for (const t of await c.tasks.list().catch(() => [])) {
      await quiet(c.tasks.kill(t.containerId, 'SIGKILL', { all: true }));
      await quiet(c.tasks.wait(t.containerId, '', { timeoutMs: 10_000 }));
      await quiet(c.tasks.delete(t.containerId));
    }
    for (const ct of await c.containers.list().catch(() => [])) await quiet(c.containers.delete(ct.id));
    for (const img of await c.images.list().catch(() => [])) await quiet(c.images.delete(img.name));
    for (const l of await c.leases.list().catch(() => [])) await quiet(c.leases.delete(l.id));
    for (const s of await c.content.listStatuses().catch(() => [])) await quiet(c.content.abort(s.ref));
    // Children before parents: remove snapshots until none is left (or nothing more can go).
    for (let round = 0; round < 10; round++) {
      const snaps = await c.snapshots.listAll().catch(() => []);
      if (!snaps.length) break;
      const parents = new Set(snaps.map((s) => s.parent));
      for (const s of snaps.filter((x) => !parents.has(x.name))) await quiet(c.snapshots.remove(s.name));
    }
    for await (const info of c.content.list()) await quiet(c.content.delete(info.digest));
    // A synchronous lease delete runs the GC now, so blobs no namespace holds leave the shared store before
    // the next test file (a pull would otherwise find them there and skip downloading them).
    const gc = await c.leases.create();
    await c.leases.delete(gc.id, { sync: true });
    await quiet(c.namespaces.delete(env.namespace));
  } catch {
    // Best effort: the daemon is private and goes away with the run.
  } finally {
    c.close();
    fs.rmSync(env.fifoBaseDir, { recursive: true, force: true });
  }
}
