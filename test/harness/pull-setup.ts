// Shared pieces of the pull/import/export tests: what a failed pull must not leave behind, and running a
// pulled image's container to look inside it.
import * as assert from 'node:assert/strict';
import type { ContainerdClient } from '../../packages/containerd-client/src';
import { resolveImage } from '../../packages/containerd-client/src/images/resolve';
import { startTask } from '../../packages/containerd-client/src/process';
import type { Image } from '../../packages/containerd-client/src/types';
import type { OciImage } from './image-builder';
import { createContainer, readAll, uniqueId, type ClientEnv } from './client-setup';

export interface StoreState {
  leases: string[];
  images: string[];
  snapshots: string[];
  ingests: Array<{ ref: string; offset: number }>;
  content: string[];
}

export async function storeState(client: ContainerdClient): Promise<StoreState> {
  const content: string[] = [];
  for await (const c of client.content.list()) content.push(c.digest);
  return {
    leases: (await client.leases.list()).map((l) => l.id),
    images: (await client.images.list()).map((i) => i.name),
    snapshots: (await client.snapshots.listAll()).map((s) => s.name).sort(),
    ingests: (await client.content.listStatuses()).map((s) => ({ ref: s.ref, offset: s.offset })),
    content: content.sort(),
  };
}

/** After a failed pull: no lease, no new image record, no new snapshot (partial ingests may stay). */
export async function assertNothingLeft(client: ContainerdClient, before: StoreState): Promise<StoreState> {
  const now = await storeState(client);
  assert.deepEqual(now.leases, [], 'no lease is left');
  assert.deepEqual(now.images, before.images, 'no image record was made');
  assert.deepEqual(now.snapshots, before.snapshots, 'no snapshot was left');
  return now;
}

/**
 * Runs `sh -c script` in a container of the pulled image (snapshot on its top chain ID, spec from the image
 * config, as `ctr run` makes them) and returns stdout. Container and task are deleted afterwards.
 */
export async function runInImage(env: ClientEnv, image: Image, built: OciImage, script: string): Promise<string> {
  const id = uniqueId('run');
  const resolved = await resolveImage(env.client, image.target);
  const snapshotKey = await createContainer(env, { name: image.name, oci: built, record: image, resolved }, id, { args: ['sh', '-c', script] });
  try {
    const task = await startTask(env.client, id, { fifoBaseDir: env.fifoBaseDir });
    const out = task.io?.stdout;
    assert.ok(out);
    const text = await readAll(out);
    const status = await task.exited;
    await task.delete();
    assert.equal(status.exitStatus, 0, `script exited with ${status.exitStatus}: ${text}`);
    return text;
  } finally {
    await env.client.containers.delete(id).catch(() => undefined);
    await env.client.snapshots.remove(snapshotKey).catch(() => undefined);
  }
}
