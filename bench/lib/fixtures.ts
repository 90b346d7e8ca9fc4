// Bulk fixtures for the views benchmarks, made through our own client on a private containerd: busybox images,
// containers whose runc state stays in the daemon dir, `sleep` tasks grouped into a few shims, and a bounded teardown.
import * as path from 'node:path';
import { chainId, importImage, mapSource, type ContainerdClient, type Image } from '../../packages/containerd-client/src';
import { buildContainerSpec } from '../../packages/containerd-client/src/oci/spec';
import { runcRootOptions } from '../../packages/containerd-client/src/run';
import { buildImage, GROUP, jsonBlob, PASSWD, sha256, type Daemon, type ImageSpec, type OciImage } from '../../test/harness';
import { mapPool } from './pool';

/** runc v2 shims put containers whose spec carries this annotation with the same value into one shim. */
export const SHIM_GROUP_ANNOTATION = 'io.containerd.runc.v2.group';

export function runcRoot(daemon: Daemon): string {
  return path.join(daemon.dir, 'runc');
}

export async function importBusybox(client: ContainerdClient, name: string, spec: ImageSpec = {}): Promise<OciImage> {
  const image = buildImage(spec);
  await importImage(client, mapSource(image.blobs), image.manifestDescriptor, name);
  return image;
}

/**
 * `count` images that differ only in a config label (so each has its own manifest and config digests, and the views
 * resolve each one's details) over the same busybox layer, which is unpacked once.
 */
export async function importImageVariants(client: ContainerdClient, base: OciImage, prefix: string, count: number, concurrency = 8): Promise<Image[]> {
  return mapPool(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    const config = { ...base.config, config: { ...base.config.config, Labels: { ...base.config.config?.Labels, variant: String(i) } } };
    const configBlob = jsonBlob(config);
    const configDesc = { ...base.configDescriptor, digest: sha256(configBlob), size: configBlob.length };
    const manifestBlob = jsonBlob({ ...base.manifest, config: configDesc });
    const manifestDesc = { ...base.manifestDescriptor, digest: sha256(manifestBlob), size: manifestBlob.length };
    const blobs = new Map(base.blobs);
    blobs.set(configDesc.digest, configBlob);
    blobs.set(manifestDesc.digest, manifestBlob);
    return importImage(client, mapSource(blobs), manifestDesc, `${prefix}${String(i).padStart(3, '0')}:v${i}`);
  });
}

export interface TaskContainersOptions {
  image: OciImage;
  imageName: string;
  ids: string[];
  /** Containers per runc shim (default 100). */
  perShim?: number;
  runcRoot: string;
  concurrency?: number;
  args?: string[];
  onProgress?: (done: number) => void;
}

/** Creates the containers (snapshot + record, as ctr does) and starts a task in each, with null stdio. */
export async function createTaskContainers(client: ContainerdClient, opts: TaskContainersOptions): Promise<void> {
  const parent = chainId(opts.image.config.rootfs.diff_ids);
  const runtimeOptions = runcRootOptions(opts.runcRoot);
  const perShim = opts.perShim ?? 100;
  let done = 0;
  // One lease keeps the new snapshots from the GC until their container records reference them.
  await client.withTemporaryLease(async (leased) => {
    await mapPool(opts.ids, opts.concurrency ?? 8, async (id, i) => {
      const labels = { [SHIM_GROUP_ANNOTATION]: `group-${Math.floor(i / perShim)}` };
      const spec = buildContainerSpec({
        namespace: client.namespace, id, imageConfig: opts.image.config, passwd: PASSWD, group: GROUP,
        args: opts.args ?? ['sleep', '1000000'], tty: false, hostNetwork: false, labels,
      });
      const snapshotKey = `${id}-snapshot`;
      const rootfs = await leased.snapshots.prepare(snapshotKey, parent);
      await leased.containers.create({ id, image: opts.imageName, spec, snapshotKey, snapshotter: 'overlayfs', runtimeOptions, labels });
      await client.tasks.create(id, {}, { rootfs, timeoutMs: 300_000 });
      await client.tasks.start(id, '', { timeoutMs: 300_000 });
      if (++done % 50 === 0) opts.onProgress?.(done);
    });
  });
}

/** Kills and deletes every task, then deletes every container with its snapshot, a few at a time. */
export async function removeAll(client: ContainerdClient, concurrency = 16): Promise<void> {
  const tasks = await client.tasks.list();
  await mapPool(tasks, concurrency, async (t) => {
    if (t.status !== 'stopped') {
      const waited = client.tasks.wait(t.containerId, '', { timeoutMs: 60_000 }).catch(() => undefined);
      await client.tasks.kill(t.containerId, 'SIGKILL', { all: true }).catch(() => undefined);
      await waited;
    }
    await client.tasks.delete(t.containerId).catch(() => undefined);
  });
  const containers = await client.containers.list();
  await mapPool(containers, concurrency, async (c) => {
    await client.containers.delete(c.id).catch(() => undefined);
    if (c.snapshotKey) await client.snapshots.remove(c.snapshotKey).catch(() => undefined);
  });
}
