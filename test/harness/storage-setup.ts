// Shared setup of the storage tests: a private daemon of their own (disk usage is compared with `du` of its root,
// and prune's "bytes freed" must not be blurred by other test files' namespaces), a namespace on it, and sums of
// what the namespace holds as containerd reports it, and a partial ingest left behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, type ContainerdClient } from '../../packages/containerd-client/src';
import { sha256Digest } from '../../packages/containerd-client/src/digest';
import { startContainerd } from './containerd';
import { eventually, teardown, uniqueId, type ClientEnv } from './client-setup';

export async function privateEnv(name: string): Promise<ClientEnv> {
  const daemon = await startContainerd({ name });
  const namespace = uniqueId(name);
  const client = await connect({ address: daemon.address, namespace });
  await client.namespaces.create(namespace, {});
  return { daemon, client, namespace, fifoBaseDir: path.join(daemon.dir, `fifo-${namespace}`), runcRoot: path.join(daemon.dir, 'runc') };
}

export async function stopPrivate(env: ClientEnv | undefined): Promise<void> {
  if (!env) return;
  await teardown(env);
  await env.daemon.stop();
}

/** Bytes the namespace holds by containerd's own account: blobs, Snapshots.Usage of every snapshot, partial ingests. */
export async function heldBytes(client: ContainerdClient): Promise<{ content: number; snapshots: number; ingests: number; total: number }> {
  let content = 0;
  for await (const info of client.content.list()) content += info.size;
  let snapshots = 0;
  for (const s of await client.snapshots.listAll()) snapshots += (await client.snapshots.usage(s.name)).size;
  const ingests = (await client.content.listStatuses()).reduce((n, s) => n + s.offset, 0);
  return { content, snapshots, ingests, total: content + snapshots + ingests };
}

/** Apparent sizes and allocated bytes (st_blocks * 512, hard links once) of the files and dirs under `dir`. */
export function diskUsage(dir: string): { apparentFileBytes: number; allocatedBytes: number; files: number; dirs: number } {
  const seen = new Set<string>();
  const out = { apparentFileBytes: 0, allocatedBytes: 0, files: 0, dirs: 0 };
  const walk = (p: string): void => {
    const st = fs.lstatSync(p);
    const key = `${st.dev}:${st.ino}`;
    if (!seen.has(key)) { seen.add(key); out.allocatedBytes += st.blocks * 512; if (st.isFile()) out.apparentFileBytes += st.size; }
    if (st.isDirectory()) { out.dirs++; for (const e of fs.readdirSync(p)) walk(path.join(p, e)); } else out.files++;
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** Leaves a partial ingest `ref` holding the first `upTo` bytes of `data`: the writer fails once they are acknowledged. */
export async function abandonIngest(client: ContainerdClient, ref: string, data: Buffer, upTo: number): Promise<void> {
  let acked: () => void = () => undefined;
  const written = new Promise<void>((resolve) => { acked = resolve; });
  const source = async function* (): AsyncGenerator<Buffer> {
    yield data.subarray(0, upTo);
    await written;
    throw new Error('the writer went away');
  };
  await client.content.write(source, { ref, expected: { digest: sha256Digest(data), size: data.length }, onProgress: (offset) => { if (offset >= upTo) acked(); } })
    .then(() => { throw new Error('the write was meant to fail'); }, (e: unknown) => { if (!/the writer went away/.test(e instanceof Error ? e.message : '')) throw e; });
  // containerd finishes with the writer's files after the stream ends: wait until its status shows what was acknowledged.
  await eventually(`ingest ${ref} at ${upTo} bytes`, async () => (await client.content.status(ref).catch(() => undefined))?.offset === upTo, 5000);
}
